# bash completion for ferry-cli                            -*- shell-script -*-
#
# Installed as share/bash-completion/completions/ferry-cli. Self-contained
# (no bash-completion helpers needed), so that tests/cli can run it.
# Server names come from the saved list; object names are not completed,
# because that would mean logging in to every server on each <Tab>.
#
# SPDX-License-Identifier: GPL-3.0-or-later

_ferry_cli_saved_servers()
{
    local file="${XDG_CONFIG_HOME:-$HOME/.config}/ferry/connections.ini"
    [[ -r $file ]] || return 0
    sed -n -e 's/^address=//p' -e 's/^name=//p' "$file" 2>/dev/null
}

_ferry_cli()
{
    local cur prev
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"

    local global_opts="--server --user --password-file --trust-fingerprint --demo --json --no-color --timeout --version --help"
    local commands="servers ls show check plan apply migrate move-vm move-vdi evacuate watch cancel history put-back"
    local kinds="pools hosts vms srs disks networks"

    # Options that take a value.
    case $prev in
        -s|--server)
            local IFS=$'\n'
            COMPREPLY=($(compgen -W "$(_ferry_cli_saved_servers)" -- "$cur"))
            return 0
            ;;
        --password-file)
            COMPREPLY=($(compgen -f -- "$cur"))
            return 0
            ;;
        --power-state)
            COMPREPLY=($(compgen -W "running halted paused suspended" -- "$cur"))
            return 0
            ;;
        -t|--type)
            COMPREPLY=($(compgen -W "pool host vm sr disk network" -- "$cur"))
            return 0
            ;;
        --on-interrupt)
            COMPREPLY=($(compgen -W "ask cancel leave" -- "$cur"))
            return 0
            ;;
        --relay)
            COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
            return 0
            ;;
        -o|--output)
            COMPREPLY=($(compgen -f -- "$cur"))
            return 0
            ;;
        -u|--user|--trust-fingerprint|-p|--pool|-H|--host|-n|--name|--sr|--vm|--to|--sr-map|--network|--network-map|--home|--batch|--since|--before)
            return 0
            ;;
    esac

    # The command: the first word that is not an option or an option's value.
    local i command="" subcommand="" n_args=0
    for ((i = 1; i < COMP_CWORD; i++)); do
        local word="${COMP_WORDS[i]}"
        case $word in
            -s|--server|-u|--user|--password-file|--trust-fingerprint|--timeout|-p|--pool|-H|--host|-n|--name|--sr|--vm|--to|--sr-map|--network|--power-state|-t|--type|--network-map|--home|--batch|--since|--before|--on-interrupt|--relay|-o|--output)
                ((i++))
                ;;
            -*)
                ;;
            *)
                if [[ -z $command ]]; then
                    command=$word
                elif [[ ($command == servers || $command == plan) && -z $subcommand ]]; then
                    subcommand=$word
                else
                    ((n_args++))
                fi
                ;;
        esac
    done

    local opts=""
    case $command in
        "")
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$global_opts" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "$commands" -- "$cur"))
            fi
            return 0
            ;;
        servers)
            if [[ -z $subcommand ]]; then
                if [[ $cur == -* ]]; then
                    COMPREPLY=($(compgen -W "$global_opts" -- "$cur"))
                else
                    COMPREPLY=($(compgen -W "list add remove trust" -- "$cur"))
                fi
                return 0
            fi
            case $subcommand in
                add) opts="--no-keyring" ;;
                trust) opts="--forget" ;;
            esac
            if [[ $cur != -* && ($subcommand == remove || $subcommand == trust) && $n_args -eq 0 ]]; then
                local IFS=$'\n'
                COMPREPLY=($(compgen -W "$(_ferry_cli_saved_servers)" -- "$cur"))
                return 0
            fi
            ;;
        ls)
            opts="--pool --host --power-state --name --sr --vm --all"
            if [[ $cur != -* && $n_args -eq 0 ]]; then
                COMPREPLY=($(compgen -W "$kinds" -- "$cur"))
                return 0
            fi
            ;;
        show)
            opts="--type"
            ;;
        check)
            opts="--to --sr --sr-map --network --network-map --relay"
            ;;
        plan)
            local form=$subcommand
            if [[ -z $form && $cur != -* ]]; then
                COMPREPLY=($(compgen -W "migrate move-vm move-vdi evacuate" -- "$cur"))
                return 0
            fi
            case $form in
                move-vdi) opts="--to --compress --no-compress --force" ;;
                evacuate) opts="--network --batch --compress --no-compress --force" ;;
                *) opts="--to --sr --sr-map --network-map --network --relay --home --compress --no-compress --force" ;;
            esac
            opts="$opts --output --xe"
            ;;
        migrate|move-vm)
            opts="--to --sr --sr-map --network-map --network --relay --home --compress --no-compress --force --dry-run --skip-blocked --on-interrupt"
            ;;
        move-vdi)
            opts="--to --compress --no-compress --force --dry-run --skip-blocked --on-interrupt"
            ;;
        evacuate)
            opts="--network --batch --compress --no-compress --force --dry-run --skip-blocked --on-interrupt"
            ;;
        apply)
            opts="--dry-run --skip-blocked --on-interrupt"
            if [[ $cur != -* ]]; then
                COMPREPLY=($(compgen -f -- "$cur"))
                return 0
            fi
            ;;
        watch)
            opts=""
            ;;
        cancel)
            opts="--all"
            ;;
        history)
            opts="--since --vm"
            ;;
        put-back)
            opts="--before --dry-run --skip-blocked --on-interrupt"
            ;;
        *)
            return 0
            ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts $global_opts" -- "$cur"))
    fi
    return 0
} &&
    complete -F _ferry_cli ferry-cli

# ex: filetype=sh

/* main.c: ferry-cli, the command-line twin of Ferry
 *
 * Global options come before or after the subcommand; the subcommand runs
 * asynchronously on a GMainLoop, then every connection is closed and the
 * program exits with the subcommand's status: 0 done (check: allowed),
 * 1 blocked or failed, 2 usage, connection, trust or lookup error,
 * 130 interrupted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ferry-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <locale.h>

#include "ferry-cli-commands.h"
#include "ferry-cli-context.h"

/* Adding a subcommand: one line here and one file (ferry-cli-commands.h). */
static const FerryCliCommand commands[] = {
  { "servers", N_("list|add|remove|trust …"), N_("List, add, remove and trust saved servers"),
    ferry_cli_servers_run_async },
  { "ls", N_("[pools|hosts|vms|srs|disks|networks]"), N_("List objects, with filters"),
    ferry_cli_ls_run_async },
  { "show", N_("OBJECT"), N_("Show everything about one object that matters for a migration"),
    ferry_cli_show_run_async },
  { "check", N_("VM… --to HOST|POOL"), N_("Check whether VMs can move there: each rule’s verdict"),
    ferry_cli_check_run_async },
  { "plan", N_("[migrate|move-vm|move-vdi|evacuate] … -o FILE"),
    N_("Plan moves as the wizard does and write the plan (or --xe: the xe commands)"),
    ferry_cli_plan_run_async },
  { "apply", N_("PLAN.json"), N_("Run a plan written by plan"), ferry_cli_apply_run_async },
  { "migrate", N_("VM… --to HOST|POOL"), N_("Move VMs to a host or pool (O1, O2, O4)"),
    ferry_cli_migrate_run_async },
  { "move-vm", N_("VM… --to HOST|POOL"), N_("Move halted VMs with their disks (O4)"),
    ferry_cli_migrate_run_async },
  { "move-vdi", N_("DISK… --to SR"), N_("Move disks to another SR while their VMs run (O3)"),
    ferry_cli_migrate_run_async },
  { "evacuate", N_("HOST [--batch N]"), N_("Move every VM off a host for maintenance (O5)"),
    ferry_cli_migrate_run_async },
  { "watch", "", N_("Follow the moves running on the servers to their end"), ferry_cli_watch_run_async },
  { "cancel", N_("JOB|VM… | --all"), N_("Cancel running moves on their servers"), ferry_cli_cancel_run_async },
  { "history", N_("[--since TIME]"), N_("List the moves of the journal"), ferry_cli_history_run_async },
  { "put-back", N_("--before TIME"), N_("Move VMs back where they were before TIME"),
    ferry_cli_put_back_run_async },
};

typedef struct
{
  GMainLoop       *loop;
  FerryCliContext *context;
  GCancellable    *cancellable;
  guint            interrupt_id;
  int              status;
} Run;

int
ferry_cli_command_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gssize status;

  g_return_val_if_fail (G_IS_TASK (result), -1);

  status = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return -1;
    }
  return (int) status;
}

static const FerryCliCommand *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return &commands[i];
  return NULL;
}

static char *
describe_commands (void)
{
  GString *text = g_string_new (_("Commands:"));

  g_string_append_c (text, '\n');
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "  %-9s %s\n            %s\n", commands[i].name,
                            commands[i].parameters[0] ? _(commands[i].parameters) : "", _(commands[i].summary));
  g_string_append_printf (text, "\n%s\n",
                          _("Passwords come from the keyring, FERRY_PASSWORD, --password-file or a prompt; "
                            "never from the command line."));
  g_string_append_printf (text, "%s\n",
                          _("Exit status: 0 done (check: allowed), 1 blocked or failed, "
                            "2 usage, connection or trust error, 130 interrupted."));
  g_string_append (text, _("See ferry-cli(1) and “ferry-cli COMMAND --help”."));
  return g_string_free (text, FALSE);
}

static gboolean
on_interrupt_cb (gpointer user_data)
{
  Run *run = user_data;

  g_debug ("Interrupted");
  run->interrupt_id = 0;
  g_cancellable_cancel (run->cancellable);
  /* A second Ctrl-C ends the program at once. */
  return G_SOURCE_REMOVE;
}

static void
on_closed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Run *run = user_data;

  ferry_cli_context_close_finish (FERRY_CLI_CONTEXT (object), result);
  g_main_loop_quit (run->loop);
}

static void
on_command_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  run->status = ferry_cli_command_finish (result, &error);
  if (error != NULL)
    run->status = ferry_cli_context_report_error (run->context, error);

  ferry_cli_context_close_async (run->context, on_closed_cb, run);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FerryCliContext) context = NULL;
  g_autoptr(GOptionContext) options = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  const FerryCliCommand *command;
  GOptionGroup *group;
  gboolean version = FALSE;
  Run run = { 0 };
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("ferry-cli");

  context = ferry_cli_context_new ();
  ferry_cli_context_scan_argv (context, argc, argv);

  options = g_option_context_new (_("COMMAND [ARGUMENT…]"));
  g_option_context_set_translation_domain (options, GETTEXT_PACKAGE);
  g_option_context_set_summary (options, _("Moves VMs between XenServer and XCP-ng pools: the command-line twin of Ferry."));
  description = describe_commands ();
  g_option_context_set_description (options, description);
  /* Stop at the subcommand; its own parser reads what follows. */
  g_option_context_set_strict_posix (options, TRUE);
  group = ferry_cli_context_new_option_group (context);
  g_option_group_add_entries (group, entries);
  g_option_context_set_main_group (options, group);

  if (!g_option_context_parse (options, &argc, &argv, &error) ||
      !ferry_cli_context_validate (context, &error))
    {
      if (error->domain == G_OPTION_ERROR)
        {
          error->domain = FERRY_CLI_ERROR;
          error->code = FERRY_CLI_ERROR_USAGE;
        }
      return ferry_cli_context_report_error (context, error);
    }

  if (version)
    {
      g_print ("ferry-cli %s\n", PACKAGE_VERSION);
      return FERRY_CLI_EXIT_OK;
    }

  if (argc < 2)
    {
      g_set_error_literal (&error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                           _("No command given; see “ferry-cli --help”"));
      return ferry_cli_context_report_error (context, error);
    }

  command = find_command (argv[1]);
  if (command == NULL)
    {
      g_set_error (&error, FERRY_CLI_ERROR, FERRY_CLI_ERROR_USAGE,
                   _("Unknown command “%s”; see “ferry-cli --help”"), argv[1]);
      return ferry_cli_context_report_error (context, error);
    }
  ferry_cli_context_set_command (context, command->name);

  loop = g_main_loop_new (NULL, FALSE);
  cancellable = g_cancellable_new ();
  run.loop = loop;
  run.context = context;
  run.cancellable = cancellable;
  run.interrupt_id = g_unix_signal_add (SIGINT, on_interrupt_cb, &run);

  command->run_async (context, argc - 1, argv + 1, cancellable, on_command_done_cb, &run);
  g_main_loop_run (loop);

  g_clear_handle_id (&run.interrupt_id, g_source_remove);
  return run.status;
}

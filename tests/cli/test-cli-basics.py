#!/usr/bin/python3
# ferry-cli as a program: help, version, usage errors (exit status 2, and
# the JSON error document), passwords refused on the command line, and the
# manual page and bash completion it installs.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import re
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import (COMPLETION, ERROR, MANPAGE, OK, SHAPES, CliTestCase, PtyRun)  # noqa: E402

SECRET = "Hunter2-Never-Printed-7731"


# Every command, in the order of ferry-cli --help.
COMMANDS = ["servers", "ls", "show", "check", "plan", "apply", "migrate", "move-vm", "move-vdi", "evacuate",
            "watch", "cancel", "history", "put-back"]


class Program(CliTestCase):
    def test_version(self):
        r = self.cli("--version")
        self.assertExit(r, OK)
        self.assertRegex(r.stdout, r"^ferry-cli \d+\.\d+\.\d+\n$")

    def test_help_lists_the_commands_and_exit_codes(self):
        r = self.cli("--help")
        self.assertExit(r, OK)
        for command in ("servers", "ls", "show", "check"):
            self.assertRegex(r.stdout, rf"\n  {command} ")
        for option in ("--server", "--user", "--password-file", "--trust-fingerprint", "--demo",
                       "--json", "--no-color", "--version"):
            self.assertIn(option, r.stdout)
        self.assertNotIn("--password ", r.stdout)
        self.assertIn("Exit status", r.stdout)

    def test_command_help(self):
        for command in (["ls"], ["show"], ["check"], ["servers"], ["servers", "add"]):
            r = self.cli(*command, "--help")
            self.assertExit(r, OK)
            self.assertIn("ferry-cli", r.stdout)
            self.assertIn("--json", r.stdout, "global options work after the command")

    def test_no_command(self):
        error = self.assertError(self.cli("--json"), "usage")
        self.assertIn("command", error["message"])

    def test_unknown_command(self):
        error = self.assertError(self.cli("--json", "frobnicate"), "usage")
        self.assertIn("frobnicate", error["message"])
        self.assertExit(self.cli("frobnicate"), ERROR)

    def test_unknown_option(self):
        self.assertError(self.cli("--json", "--frobnicate", "ls"), "usage")
        self.assertError(self.cli("--json", "ls", "--frobnicate"), "usage")

    def test_global_options_after_the_command(self):
        before = self.cli("--demo", "--json", "ls", "pools")
        after = self.cli("ls", "pools", "--demo", "--json")
        self.assertExit(before, OK)
        self.assertExit(after, OK)
        self.assertEqual([p["name"] for p in before.json()["items"]],
                         [p["name"] for p in after.json()["items"]])

    def test_colours_only_on_a_terminal(self):
        self.assertNotIn("\033[", self.cli("--demo", "ls", "pools", env={"TERM": "xterm"}).stdout)
        cases = ((["--demo", "ls", "pools"], {}, True),
                 (["--demo", "ls", "pools", "--no-color"], {}, False),
                 (["--demo", "ls", "pools"], {"NO_COLOR": "1"}, False),
                 (["--demo", "ls", "pools"], {"TERM": "dumb"}, False),
                 (["--demo", "--json", "ls", "pools"], {}, False))
        for args, env, coloured in cases:
            with self.subTest(args=args, env=env):
                status, output = PtyRun(args, {**self.env, "TERM": "xterm", **env}).finish()
                self.assertEqual(status, OK, output)
                self.assertEqual("\033[" in output, coloured, output)

    def test_bad_trust_fingerprint(self):
        error = self.assertError(self.cli("--json", "--trust-fingerprint", "12:34", "--demo", "ls"), "usage")
        self.assertIn("12:34", error["message"])

    def test_usage_errors_of_commands(self):
        for args in (["ls", "gizmos"], ["ls", "vms", "hosts"], ["ls", "vms", "--power-state", "asleep"],
                     ["ls", "hosts", "--power-state", "running"], ["ls", "pools", "--host", "x"],
                     ["show"], ["show", "a", "b"], ["show", "--type", "gizmo", "web-01"],
                     ["check"], ["check", "web-01"], ["check", "web-01", "--to", "x", "--sr", "a", "--sr-map", "0=b"],
                     ["check", "web-01", "--to", "prod-host-01", "--sr-map", "nonsense"],
                     ["servers"], ["servers", "juggle"], ["servers", "add"], ["servers", "remove", "a", "b"]):
            with self.subTest(args=args):
                self.assertError(self.cli("--json", "--demo", *args), "usage")


class Passwords(CliTestCase):
    """Never from argv: --password is refused and its value never repeated."""

    def test_password_option_refused(self):
        for args in (["--password", SECRET, "ls"], [f"--password={SECRET}", "ls"],
                     ["ls", "--password", SECRET], ["--demo", "check", "web-01", f"--password={SECRET}"]):
            with self.subTest(args=args):
                r = self.cli("--json", *args)
                error = self.assertError(r, "usage")
                self.assertIn("FERRY_PASSWORD", error["message"])
                self.assertNotIn(SECRET, r.output)

    def test_password_not_in_help(self):
        r = self.cli("--help-all")
        self.assertExit(r, OK)
        self.assertNotRegex(r.stdout, r"--password\b(?!-file)")

    def test_no_password_without_a_terminal(self):
        # stdin is not a terminal and no source gives a password: exit 2, no prompt.
        r = self.cli("--json", "--server", "http://127.0.0.1:9/", "ls")
        error = self.assertError(r, "no-password")
        self.assertIn("FERRY_PASSWORD", error["message"])
        self.assertNotIn("Password for", r.stderr)

    def test_empty_password_file(self):
        path = os.path.join(self.home, "empty")
        open(path, "w").close()
        self.assertError(self.cli("--json", "--password-file", path, "--server", "http://127.0.0.1:9/", "ls"),
                         "no-password")

    def test_missing_password_file(self):
        r = self.cli("--json", "--password-file", "/nonexistent/pw", "--server", "http://127.0.0.1:9/", "ls")
        error = self.assertError(r, "failed")
        self.assertIn("/nonexistent/pw", error["message"])


class Documentation(CliTestCase):
    def test_shapes_parse(self):
        # load_shapes() already refused undefined shapes; every document is there.
        for shape in ("error-document", "servers-list-document", "servers-add-document",
                      "servers-remove-document", "servers-trust-document", "servers-forget-document",
                      "ls-document", "show-document", "check-document", "plan-document", "run-document",
                      "history-document"):
            self.assertIn(shape, SHAPES)

    @unittest.skipUnless(shutil.which("groff"), "groff is not installed")
    def test_manpage_has_no_warnings(self):
        r = subprocess.run(["groff", "-man", "-ww", "-z", MANPAGE], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")

    def test_manpage_and_completion_cover_every_command(self):
        r = self.cli("--help")
        commands = re.findall(r"^  (\S+) ", r.stdout.split("Commands:", 1)[1], re.M)
        self.assertEqual(commands, COMMANDS)
        with open(MANPAGE, encoding="utf-8") as f:
            man = f.read()
        with open(COMPLETION, encoding="utf-8") as f:
            completion = f.read()
        for command in commands:
            self.assertIn(f".SS {command}", man)
            self.assertRegex(completion, rf"\b{command}\b")
        for status in ("0", "1", "2", "130"):
            self.assertIn(f".B {status}\n", man)

    def complete(self, line):
        """COMPREPLY of the completion function for @line (the last word is being typed)."""
        script = ('source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); '
                  '_ferry_cli; printf "%s\\n" "${COMPREPLY[@]}"')
        words = line.split(" ")
        r = subprocess.run(["bash", "-c", script, "bash", COMPLETION, *words], capture_output=True,
                           text=True, env=self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        return [w for w in r.stdout.splitlines() if w]

    @unittest.skipUnless(shutil.which("bash"), "bash is not installed")
    def test_completion(self):
        self.assertEqual(self.complete("ferry-cli "), COMMANDS)
        self.assertEqual(self.complete("ferry-cli --demo l"), ["ls"])
        self.assertEqual(self.complete("ferry-cli ls "), ["pools", "hosts", "vms", "srs", "disks", "networks"])
        self.assertEqual(self.complete("ferry-cli ls vms --power-state s"), ["suspended"])
        self.assertEqual(self.complete("ferry-cli servers "), ["list", "add", "remove", "trust"])
        self.assertIn("--to", self.complete("ferry-cli check web-01 --"))
        self.assertIn("--forget", self.complete("ferry-cli servers trust --"))
        self.assertIn("--json", self.complete("ferry-cli show --"))
        self.assertNotIn("--password", self.complete("ferry-cli --pass"))
        self.assertEqual(self.complete("ferry-cli plan "), ["migrate", "move-vm", "move-vdi", "evacuate"])
        self.assertIn("--batch", self.complete("ferry-cli plan evacuate host-1 --"))
        self.assertIn("--xe", self.complete("ferry-cli plan web-01 --"))
        self.assertIn("--sr-map", self.complete("ferry-cli migrate web-01 --"))
        self.assertEqual(self.complete("ferry-cli migrate web-01 --on-interrupt l"), ["leave"])
        self.assertIn("--before", self.complete("ferry-cli put-back --"))
        self.assertIn("--all", self.complete("ferry-cli cancel --"))
        self.assertIn("--since", self.complete("ferry-cli history --"))

    @unittest.skipUnless(shutil.which("bash"), "bash is not installed")
    def test_completion_of_saved_servers(self):
        os.makedirs(os.path.dirname(self.config_file("connections.ini")))
        with open(self.config_file("connections.ini"), "w") as f:
            f.write("[connection 1]\naddress=pool-a.example.org\nusername=root\nname=Alpha\n")
        self.assertEqual(self.complete("ferry-cli servers remove "), ["pool-a.example.org", "Alpha"])
        self.assertEqual(self.complete("ferry-cli --server A"), ["Alpha"])


if __name__ == "__main__":
    unittest.main(verbosity=2)

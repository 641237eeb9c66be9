#!/usr/bin/python3
# ferry-cli servers, passwords and certificate trust against ferry-sim
# processes (--port 0): saving servers shared with the app, the keyring,
# FERRY_PASSWORD, --password-file, the no-echo prompt, first-contact trust
# (--trust-fingerprint or a yes on the terminal, else exit 2 with the
# fingerprint), a changed certificate refused, and Ctrl-C.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import re
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import CLI, ERROR, INTERRUPTED, OK, SOURCE, CliTestCase, PtyRun, Sim, interrupt_after  # noqa: E402

# A generated pool takes the password ferry-sim is given: one nobody would
# find in the output by chance.
SECRET = "S3cret-Pool-Password-4711"
FINGERPRINT = re.compile(r"[0-9A-F]{2}(?::[0-9A-F]{2}){31}")


def setUpModule():
    global SIM
    SIM = Sim("--generate", "hosts=2,vms=4,seed=3", "--password", SECRET)


def tearDownModule():
    SIM.stop()


class Servers(CliTestCase):
    def fingerprint(self, url):
        """The fingerprint, as the refusal of an unknown certificate gives it."""
        error = self.assertError(self.cli("--json", "--server", url, "ls", "pools", password=SECRET),
                                 "certificate-unknown")
        return error["fingerprint"]

    def add(self, url, *args, **kwargs):
        fingerprint = self.fingerprint(url)
        document = self.cli_json("servers", "add", url, "--trust-fingerprint", fingerprint, *args,
                                 password=SECRET, **kwargs)
        self.assertShape(document, "servers-add-document")
        return document["server"]

    def test_add_list_remove(self):
        url = SIM.https()
        server = self.add(url)
        self.assertEqual(server["address"], url)
        self.assertEqual(server["user"], "root")
        self.assertEqual(server["transport"], "https")
        self.assertEqual(server["name"], SIM.pool()["name"])
        self.assertEqual(len(server["members"]), 2, "the pool's hosts, for fail-over")
        self.assertTrue(server["password_saved"])
        self.assertEqual(server["certificate"]["host"], url.split("//")[1].rstrip("/"))

        # The list the app reads; no password in it.
        ini = self.read_config("connections.ini")
        self.assertIn(f"address={url}", ini)
        self.assertNotIn(SECRET, ini)

        listed = self.cli_json("servers", "list")
        self.assertShape(listed, "servers-list-document")
        self.assertEqual(listed["servers"], [server])
        self.assertIn(SIM.pool()["name"], self.cli("servers", "list").stdout)

        # Adding again updates it.
        again = self.cli_json("servers", "add", url, password=SECRET)
        self.assertFalse(again["added"])
        self.assertEqual(len(self.cli_json("servers", "list")["servers"]), 1)

        removed = self.cli_json("servers", "remove", SIM.pool()["name"])
        self.assertShape(removed, "servers-remove-document")
        self.assertEqual(removed["removed"]["id"], server["id"])
        self.assertEqual(self.cli_json("servers", "list")["servers"], [])
        self.assertError(self.cli("--json", "servers", "remove", url), "not-found")

    def test_saved_servers_are_used_with_the_keyring(self):
        self.add(SIM.https())
        # No FERRY_PASSWORD, no terminal: the keyring has it.
        document = self.cli_json("ls", "hosts")
        self.assertEqual(len(document["items"]), 2)
        self.assertEqual(self.cli_json("--server", SIM.pool()["name"], "ls", "pools")["items"][0]["name"],
                         SIM.pool()["name"])
        with open(self.env["SECRET_FILE_TEST_PATH"], "rb") as f:
            self.assertNotIn(SECRET.encode(), f.read(), "the keyring file is encrypted")
        # Removing forgets the password too.
        self.cli_json("servers", "remove", SIM.https())
        self.assertError(self.cli("--json", "--server", SIM.https(), "ls"), "no-password")

    def test_no_keyring(self):
        server = self.add(SIM.https(), "--no-keyring")
        self.assertFalse(server["password_saved"])
        self.assertError(self.cli("--json", "ls"), "no-password")
        self.assertExit(self.cli("ls", password=SECRET), OK)

    def test_add_refuses_unreachable_and_wrong_password(self):
        fingerprint = self.fingerprint(SIM.https())
        r = self.cli("--json", "servers", "add", SIM.https(), "--trust-fingerprint", fingerprint,
                     password="Wrong-Password-9183")
        self.assertError(r, "authentication")
        self.assertNotIn("Wrong-Password-9183", r.output)
        self.assertEqual(self.cli_json("servers", "list")["servers"], [], "nothing saved")
        self.assertError(self.cli("--json", "servers", "add", "http://127.0.0.1:9/", password=SECRET),
                         "connection")
        self.assertEqual(self.cli_json("servers", "list")["servers"], [])

    def test_no_saved_servers(self):
        error = self.assertError(self.cli("--json", "ls"), "not-found")
        self.assertIn("servers add", error["message"])

    def test_demo_servers(self):
        document = self.cli_json("--demo", "servers", "list")
        self.assertShape(document, "servers-list-document")
        self.assertEqual([s["name"] for s in document["servers"]], ["Production", "Lab", "legacy-01"])
        self.assertTrue(all(s["transport"] == "http" for s in document["servers"]))
        self.assertError(self.cli("--json", "--demo", "servers", "add", "x"), "usage")
        self.assertEqual(self.read_config("connections.ini"), "", "the demo saves nothing")


class Passwords(CliTestCase):
    def test_ferry_password(self):
        r = self.cli("--json", "--server", SIM.http(), "ls", "hosts", password=SECRET)
        self.assertExit(r, OK)
        self.assertNotIn(SECRET, r.output)

    def test_password_file(self):
        path = os.path.join(self.home, "pw")
        with open(path, "w") as f:
            f.write(SECRET + "\nignored second line\n")
        r = self.cli("--server", SIM.http(), "--password-file", path, "ls", "pools")
        self.assertExit(r, OK)
        self.assertNotIn(SECRET, r.output)
        # It wins over FERRY_PASSWORD.
        self.assertExit(self.cli("--server", SIM.http(), "--password-file", path, "ls", password="wrong"), OK)

    def test_password_file_on_stdin(self):
        r = self.cli("--server", SIM.http(), "--password-file", "-", "ls", "pools", stdin=SECRET + "\n")
        self.assertExit(r, OK)

    def test_wrong_password_is_not_printed(self):
        r = self.cli("--json", "--server", SIM.http(), "ls", password="Wrong-Password-5521")
        error = self.assertError(r, "authentication")
        self.assertIsNone(error["fingerprint"])
        self.assertNotIn("Wrong-Password-5521", r.output)

    def test_prompt_without_echo(self):
        run = PtyRun(["--server", SIM.http(), "ls", "pools"], self.env)
        run.read_until("Password for root@")
        run.write(SECRET + "\n")
        status, output = run.finish()
        self.assertEqual(status, OK, output)
        self.assertNotIn(SECRET, output, "the terminal does not echo the password")
        self.assertIn(SIM.pool()["name"], output)

    def test_prompt_end_of_input(self):
        run = PtyRun(["--json", "--server", SIM.http(), "ls", "pools"], self.env)
        run.read_until("Password for root@")
        run.write("\x04")
        status, output = run.finish()
        self.assertEqual(status, ERROR, output)
        self.assertIn('"no-password"', output)

    def test_no_password_on_disk(self):
        self.cli_json("servers", "add", SIM.http(), password=SECRET)
        for root, _, files in os.walk(self.home):
            for name in files:
                if name == "keyring":
                    continue
                with open(os.path.join(root, name), "rb") as f:
                    self.assertNotIn(SECRET.encode(), f.read(), name)


class Trust(CliTestCase):
    def test_unknown_certificate_without_flag(self):
        r = self.cli("--json", "--server", SIM.https(), "ls", password=SECRET)
        error = self.assertError(r, "certificate-unknown")
        self.assertRegex(error["fingerprint"], FINGERPRINT)
        self.assertEqual(error["host"], SIM.https().split("//")[1].rstrip("/"))
        self.assertIn(error["fingerprint"], error["message"])
        self.assertIn("--trust-fingerprint", error["message"])
        self.assertEqual(self.read_config("trusted-hosts.ini").count("sha256="), 0, "nothing pinned")
        # In text mode too: the fingerprint is in the message.
        r = self.cli("--server", SIM.https(), "ls", password=SECRET)
        self.assertExit(r, ERROR)
        self.assertIn(error["fingerprint"], r.stderr)

    def test_trust_fingerprint_pins(self):
        fingerprint = self.assertError(self.cli("--json", "--server", SIM.https(), "ls", password=SECRET),
                                       "certificate-unknown")["fingerprint"]
        # Any spelling of the same fingerprint.
        spelled = "sha256:" + fingerprint.replace(":", "").lower()
        self.assertExit(self.cli("--server", SIM.https(), "--trust-fingerprint", spelled, "ls", password=SECRET), OK)
        self.assertIn(f"sha256={fingerprint}", self.read_config("trusted-hosts.ini"))
        # Pinned: no flag needed any more.
        self.assertExit(self.cli("--server", SIM.https(), "ls", password=SECRET), OK)

    def test_wrong_trust_fingerprint(self):
        wrong = "AA:" * 31 + "AA"
        r = self.cli("--json", "--server", SIM.https(), "--trust-fingerprint", wrong, "ls", password=SECRET)
        error = self.assertError(r, "certificate-unknown")
        self.assertNotEqual(error["fingerprint"], wrong)
        self.assertIn(wrong, error["message"])
        self.assertEqual(self.read_config("trusted-hosts.ini").count("sha256="), 0)

    def test_servers_trust(self):
        fingerprint = self.assertError(self.cli("--json", "--server", SIM.https(), "ls", password=SECRET),
                                       "certificate-unknown")["fingerprint"]
        document = self.cli_json("servers", "trust", SIM.https(), "--trust-fingerprint", fingerprint,
                                 password=SECRET)
        self.assertShape(document, "servers-trust-document")
        self.assertEqual(document["fingerprint"], fingerprint)
        self.assertTrue(document["newly_trusted"])
        again = self.cli_json("servers", "trust", SIM.https(), password=SECRET)
        self.assertFalse(again["newly_trusted"])
        self.assertError(self.cli("--json", "servers", "trust", SIM.http(), password=SECRET), "usage")

    def test_interactive_yes(self):
        run = PtyRun(["--server", SIM.https(), "ls", "pools"], dict(self.env, FERRY_PASSWORD=SECRET))
        run.read_until("Trust this certificate? [y/N] ")
        self.assertRegex(run.output.decode(), FINGERPRINT.pattern)
        run.write("y\n")
        status, output = run.finish()
        self.assertEqual(status, OK, output)
        self.assertEqual(self.read_config("trusted-hosts.ini").count("sha256="), 1)
        self.assertExit(self.cli("--server", SIM.https(), "ls", password=SECRET), OK)

    def test_interactive_no(self):
        run = PtyRun(["--json", "--server", SIM.https(), "ls", "pools"], dict(self.env, FERRY_PASSWORD=SECRET))
        run.read_until("Trust this certificate? [y/N] ")
        run.write("\n")
        status, output = run.finish()
        self.assertEqual(status, ERROR, output)
        self.assertIn('"certificate-rejected"', output)
        self.assertEqual(self.read_config("trusted-hosts.ini").count("sha256="), 0)


class ChangedCertificate(CliTestCase):
    """A certificate that differs from the pinned one is refused, always."""

    def setUp(self):
        super().setUp()
        self.sim = Sim("--generate", "hosts=1,vms=2,seed=5", "--password", SECRET)
        self.addCleanup(self.sim.stop)

    def test_changed_is_refused_until_forgotten(self):
        url = self.sim.https()
        old = self.assertError(self.cli("--json", "servers", "add", url, password=SECRET),
                               "certificate-unknown")["fingerprint"]
        self.cli_json("servers", "add", url, "--trust-fingerprint", old, password=SECRET)
        self.assertExit(self.cli("ls"), OK)

        self.sim.fault({"type": "regenerate_certificate"})

        r = self.cli("--json", "ls")
        error = self.assertError(r, "certificate-changed")
        self.assertEqual(error["pinned_fingerprint"], old)
        self.assertRegex(error["fingerprint"], FINGERPRINT)
        self.assertNotEqual(error["fingerprint"], old)
        self.assertIn("servers trust --forget", error["message"])
        new = error["fingerprint"]

        # Not even with the new fingerprint given, nor on a terminal.
        self.assertError(self.cli("--json", "--trust-fingerprint", new, "ls"), "certificate-changed")
        run = PtyRun(["ls"], self.env)
        status, output = run.finish()
        self.assertEqual(status, ERROR, output)
        self.assertNotIn("Trust this certificate", output)
        self.assertIn(f"sha256={old}", self.read_config("trusted-hosts.ini"))

        forgot = self.cli_json("servers", "trust", "--forget", url)
        self.assertShape(forgot, "servers-forget-document")
        self.assertEqual(forgot["forgotten"][0]["fingerprint"], old)
        self.assertError(self.cli("--json", "ls"), "certificate-unknown")
        trusted = self.cli_json("servers", "trust", url, "--trust-fingerprint", new)
        self.assertEqual(trusted["fingerprint"], new)
        self.assertExit(self.cli("ls"), OK)


class PlainErrors(CliTestCase):
    """Why a connection failed, in plain words: wrong password, host unreachable,
    not a XenServer/XCP-ng host (a web server that is not xapi), TLS failure."""

    def setUp(self):
        super().setUp()
        script = os.path.join(SOURCE, "tests", "engine", "not-xapi-server.py")
        self.web = subprocess.Popen([sys.executable, script], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, text=True)
        self.addCleanup(self.stop_web)
        self.port = int(self.web.stdout.readline())

    def stop_web(self):
        self.web.kill()
        self.web.wait()
        self.web.stdin.close()
        self.web.stdout.close()

    def test_not_xapi(self):
        url = f"http://127.0.0.1:{self.port}/"
        error = self.assertError(self.cli("--json", "--server", url, "ls", password=SECRET), "connection")
        self.assertIn(f"127.0.0.1:{self.port} is not a XenServer or XCP-ng host", error["message"])
        error = self.assertError(self.cli("--json", "servers", "add", url, password=SECRET), "connection")
        self.assertIn("is not a XenServer or XCP-ng host", error["message"])
        self.assertEqual(self.cli_json("servers", "list")["servers"], [], "nothing saved")

    def test_tls_failure(self):
        error = self.assertError(self.cli("--json", "--server", f"127.0.0.1:{self.port}", "ls", password=SECRET),
                                 "tls")
        self.assertIn("secure connection", error["message"])

    def test_wrong_password_and_unreachable(self):
        r = self.cli("--server", SIM.http(), "ls", password="Wrong-Password-5521")
        self.assertExit(r, ERROR)
        self.assertIn("user name or password", r.stderr)
        self.assertNotIn("Wrong-Password-5521", r.output)
        r = self.cli("--server", "http://127.0.0.1:9/", "ls", password=SECRET)
        self.assertExit(r, ERROR)
        self.assertIn("Could not reach 127.0.0.1:9", r.stderr)


class Interrupt(CliTestCase):
    def test_ctrl_c_while_waiting_for_the_server(self):
        sim = Sim("--generate", "hosts=1,vms=2,seed=9", "--password", SECRET)
        self.addCleanup(sim.stop)
        sim.fault({"type": "slow_responses", "delay": 120, "method": "event.from", "seconds": 600})
        proc = subprocess.Popen([CLI, "--json", "--server", sim.http(), "ls"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                                env=dict(self.env, FERRY_PASSWORD=SECRET))
        started = time.monotonic()
        stdout, stderr = interrupt_after(proc, 2)
        self.assertEqual(proc.returncode, INTERRUPTED, stdout + stderr)
        self.assertLess(time.monotonic() - started, 30)
        self.assertIn('"interrupted"', stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)

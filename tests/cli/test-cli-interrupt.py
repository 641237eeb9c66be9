#!/usr/bin/python3
# Ctrl-C during ferry-cli migrate: on a terminal it asks whether to cancel
# the server task or leave it running, and loses nothing either way: a
# cancelled move leaves the VM where it was; a move left running goes on
# on the server, "watch" re-attaches to it from the journal and records its
# end, and "cancel" stops one. Without a terminal the default is to leave
# it running. The simulator runs in real time here, so that a move lasts.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import CLI, INTERRUPTED, OK, CliTestCase, PtyRun, Sim  # noqa: E402

try:
    from os_xenapi.client import XenAPI  # noqa: F401
except ImportError:  # pragma: no cover
    print("1..0 # SKIP python3-os-xenapi is not installed")
    sys.exit(77)


class Interrupt(CliTestCase):
    def setUp(self):
        super().setUp()
        # legacy-web's 10 GiB disk takes minutes at 1×: time to interrupt.
        self.sim = Sim("--time-scale", "1")
        self.addCleanup(self.sim.stop)
        self.env["FERRY_PASSWORD"] = "demo"
        prod = self.sim.http("Production")
        legacy = next(h["http_url"] for h in self.sim.world["standalone"] if h["name"] == "legacy-01")
        self.servers = ["--server", prod, "--server", legacy]
        self.migrate = [*self.servers, "migrate", "legacy-web", "--to", "Production"]

    def where(self):
        """legacy-web's pool and power state, and whether a migration of it runs."""
        x = self.sim.xapi("Production")
        if x.VM.get_by_name_label("legacy-web"):
            return "Production"
        legacy = self.sim.xapi("legacy-01")
        vm = legacy.VM.get_by_name_label("legacy-web")[0]
        moving = any(op in ("migrate_send", "pool_migrate") for op in legacy.VM.get_current_operations(vm).values())
        return "legacy-01 moving" if moving else "legacy-01"

    def start_on_pty(self):
        run = PtyRun(self.migrate, self.env)
        run.read_until("legacy-web: running")
        run.read_until("%")
        return run

    def interrupt(self, run, answer):
        """Ctrl-C, then @answer to the question; the output of the interrupted run."""
        os.kill(run.pid, signal.SIGINT)
        run.read_until("Cancel or leave? [c/l]")
        run.write(answer + "\n")
        status, output = run.finish(60)
        self.assertEqual(status, INTERRUPTED, output)
        return output

    def test_ctrl_c_then_cancel_cancels_the_server_task(self):
        run = self.start_on_pty()
        self.assertEqual(self.where(), "legacy-01 moving")
        output = self.interrupt(run, "c")
        self.assertIn("legacy-web: cancelled", output)
        self.assertEqual(self.where(), "legacy-01", "the VM stays where it was")
        history = self.cli_json("history")
        self.assertEqual([(e["vm"]["name"], e["outcome"]) for e in history["entries"]], [("legacy-web", "cancelled")])

    def test_ctrl_c_then_leave_keeps_it_running_and_watch_finishes_it(self):
        output = self.interrupt(self.start_on_pty(), "l")
        self.assertIn("Left running on the servers: legacy-web", output)
        self.assertEqual(self.where(), "legacy-01 moving", "the server task goes on")
        entry = self.cli_json("history")["entries"][0]
        self.assertEqual((entry["outcome"], entry["task"] is not None), ("open", True))

        # watch re-attaches from the journal and sees it to its end.
        self.sim.control("POST", "sim/time", {"scale": 500})
        document = self.cli_json(*self.servers, "watch", timeout=120)
        self.assertShape(document, "run-document")
        self.assertEqual([(j["vm"]["name"], j["state"]) for j in document["jobs"]], [("legacy-web", "succeeded")])
        self.assertEqual(self.where(), "Production")
        self.assertEqual(self.cli_json("history")["entries"][0]["outcome"], "succeeded")

    def test_without_a_terminal_ctrl_c_leaves_it_running_and_cancel_stops_it(self):
        env = dict(self.env)
        proc = subprocess.Popen([CLI, "--json", *self.migrate], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)
        deadline = time.monotonic() + 30
        while self.where() != "legacy-01 moving" and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, INTERRUPTED, stderr)
        import json
        document = json.loads(stdout)
        self.assertShape(document, "run-document")
        self.assertEqual((document["status"], document["interrupted"]), ("interrupted", "leave"))
        job = document["jobs"][0]
        self.assertEqual((job["state"], job["left_running"]), ("running", True))
        self.assertTrue(job["task"].startswith("OpaqueRef:"))
        self.assertEqual(self.where(), "legacy-01 moving")

        # cancel, by VM name, from another process.
        result = self.cli("--json", *self.servers, "cancel", "legacy-web")
        self.assertExit(result, OK)
        document = result.json()
        self.assertShape(document, "run-document")
        self.assertEqual([(j["vm"]["name"], j["state"]) for j in document["jobs"]], [("legacy-web", "cancelled")])
        self.assertEqual(self.where(), "legacy-01")
        # Nothing is left to watch or cancel.
        self.assertEqual(self.cli_json(*self.servers, "watch")["jobs"], [])
        self.assertEqual(self.cli_json(*self.servers, "cancel", "--all")["jobs"], [])


if __name__ == "__main__":
    unittest.main(verbosity=2)

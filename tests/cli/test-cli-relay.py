#!/usr/bin/python3
# ferry-cli and relay moves (--relay, ferry-relay.h): two simulated pools
# that a "partition" fault keeps apart (ferry-sim README.md, /sim/faults),
# check and plan saying "through this computer", the xe rendering, the
# moves themselves with their progress lines, apply honouring the plan's
# choice, and where the VM ends up, read from the simulator over XenAPI.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import BLOCKED, ERROR, OK, CliTestCase, Sim  # noqa: E402

try:
    from os_xenapi.client import XenAPI  # noqa: F401
except ImportError:  # pragma: no cover
    print("1..0 # SKIP python3-os-xenapi is not installed")
    sys.exit(77)

PAIR = {
    "users": {"root": "demo"},
    "pools": [
        {"name": "Src", "hosts": [{"name": "s-1"}],
         "networks": [{"name": "LAN", "nic": "eth0", "management": True}],
         "srs": [{"name": "Src-NFS", "type": "nfs", "size": "100 GiB"}],
         "vms": [{"name": "box", "memory": "1 GiB", "vcpus": 2,
                  "disks": [{"size": "64 MiB", "sr": "Src-NFS", "used": "16 MiB"},
                            {"size": "10 MiB", "sr": "Src-NFS", "used": "3 MiB"}],
                  "vifs": ["LAN"]}]},
        {"name": "Dst", "hosts": [{"name": "d-1"}],
         "networks": [{"name": "LAN", "nic": "eth0", "management": True},
                      {"name": "DMZ", "nic": "eth1"}],
         "srs": [{"name": "Dst-NFS", "type": "nfs", "size": "100 GiB"},
                 {"name": "Dst-Fast", "type": "nfs", "size": "100 GiB"}]},
    ],
}

PARTITION = {"type": "partition", "pool": "Src", "peer": "Dst", "seconds": 100000}


class RelayTestCase(CliTestCase):
    def setUp(self):
        super().setUp()
        path = os.path.join(self.home, "pair.json")
        with open(path, "w") as f:
            json.dump(PAIR, f)
        self.sim = Sim("--scenario", path, "--time-scale", "200")
        self.addCleanup(self.sim.stop)
        self.env["FERRY_PASSWORD"] = "demo"
        self.servers = ["--server", self.sim.http("Src"), "--server", self.sim.http("Dst")]

    def partition(self):
        self.sim.fault(PARTITION, "Src")

    def where(self, pool):
        """The VM "box" in @pool: (its disks' SRs, its interfaces' networks), or None."""
        x = self.sim.xapi(pool)
        refs = x.VM.get_by_name_label("box")
        if not refs:
            return None
        record = x.VM.get_record(refs[0])
        disks = sorted(x.SR.get_name_label(x.VDI.get_SR(x.VBD.get_VDI(v))) for v in record["VBDs"]
                       if x.VBD.get_type(v) == "Disk")
        networks = sorted(x.network.get_name_label(x.VIF.get_network(v)) for v in record["VIFs"])
        return disks, networks

    def test_check_and_plan_say_through_this_computer(self):
        check = self.cli_json(*self.servers, "check", "box", "--to", "Dst", "--relay", "always")
        self.assertShape(check, "check-document")
        vm = check["vms"][0]
        self.assertTrue(vm["relay"])
        self.assertIn("through this computer", vm["relay_text"])
        self.assertIn("halted VM", vm["relay_text"])

        # auto: the plan cannot know yet; the text says what would happen.
        check = self.cli_json(*self.servers, "check", "box", "--to", "Dst")
        self.assertFalse(check["vms"][0]["relay"])
        self.assertIsNone(check["vms"][0]["relay_text"])
        text = self.cli(*self.servers, "check", "box", "--to", "Dst")
        self.assertExit(text, OK)
        self.assertIn("if the pools cannot reach each other: through this computer", text.stdout)

        plan = self.cli_json(*self.servers, "plan", "box", "--to", "Dst", "--relay", "always")
        self.assertShape(plan, "plan-document")
        item = plan["plans"][0]["items"][0]
        self.assertEqual(plan["plans"][0]["relay"], "always")
        self.assertTrue(item["relay"])
        self.assertIn("through this computer", item["relay_text"])
        text = self.cli(*self.servers, "plan", "box", "--to", "Dst", "--relay", "always")
        self.assertExit(text, OK)
        self.assertIn("through this computer: ", text.stdout)

        plan = self.cli_json(*self.servers, "plan", "box", "--to", "Dst", "--relay", "never")
        self.assertEqual(plan["plans"][0]["relay"], "never")
        self.assertFalse(plan["plans"][0]["items"][0]["relay"])
        self.assertIsNone(plan["plans"][0]["items"][0]["relay_text"])

    def test_xe_renders_export_and_import(self):
        result = self.cli(*self.servers, "plan", "box", "--to", "Dst", "--relay", "always",
                          "--network-map", "0=DMZ", "--xe")
        self.assertExit(result, OK)
        script = result.stdout
        self.assertIn("xe vm-export uuid=", script)
        self.assertIn(" vm-import filename=", script)
        self.assertIn("preserve=true", script)
        self.assertIn(" vif-move uuid=", script)
        self.assertIn("xe vm-uninstall uuid=", script)
        self.assertIn("Ferry streams the export straight into the import", script)
        self.assertNotIn("xe vm-migrate", script)

    def test_bad_relay_word_is_a_usage_error(self):
        self.assertError(self.cli("--json", *self.servers, "migrate", "box", "--to", "Dst", "--relay", "sometimes"),
                         "usage")

    def test_partitioned_pools_relay_with_the_network_map(self):
        self.partition()
        result = self.cli(*self.servers, "migrate", "box", "--to", "Dst", "--network-map", "0=DMZ",
                          timeout=180)
        self.assertExit(result, OK)
        # One line per event without a terminal: the relay's phases.
        self.assertIn("through this computer", result.stdout)
        self.assertIsNone(self.where("Src"))
        self.assertEqual(self.where("Dst"), (["Dst-NFS", "Dst-NFS"], ["DMZ"]))

    def test_partitioned_pools_relay_json(self):
        self.partition()
        run = self.cli_json(*self.servers, "move-vm", "box", "--to", "Dst", "--sr", "Dst-Fast", timeout=180)
        self.assertShape(run, "run-document")
        self.assertEqual(run["status"], "succeeded")
        job = run["jobs"][0]
        self.assertEqual((job["state"], job["progress"]), ("succeeded", 1.0))
        self.assertIsNotNone(job["task"])
        self.assertEqual(self.where("Dst"), (["Dst-Fast", "Dst-Fast"], ["LAN"]))

    def test_never_fails_and_leaves_the_vm(self):
        self.partition()
        run = self.cli_json(*self.servers, "migrate", "box", "--to", "Dst", "--relay", "never",
                            status=BLOCKED, timeout=180)
        self.assertEqual(run["status"], "failed")
        self.assertEqual(run["jobs"][0]["error"]["xapi_error"], "CANNOT_CONTACT_HOST")
        self.assertEqual(self.where("Src"), (["Src-NFS", "Src-NFS"], ["LAN"]))
        self.assertIsNone(self.where("Dst"))

    def test_apply_honours_the_plans_choice(self):
        path = os.path.join(self.home, "never.json")
        self.assertExit(self.cli(*self.servers, "plan", "box", "--to", "Dst", "--relay", "never", "-o", path), OK)
        with open(path) as f:
            self.assertEqual(json.load(f)["relay"], "never")
        self.partition()
        run = self.cli_json(*self.servers, "apply", path, status=BLOCKED, timeout=180)
        self.assertEqual(run["status"], "failed")
        self.assertIsNone(self.where("Dst"))

        path = os.path.join(self.home, "always.json")
        self.assertExit(self.cli(*self.servers, "plan", "box", "--to", "Dst", "--relay", "always", "-o", path), OK)
        run = self.cli_json(*self.servers, "apply", path, timeout=180)
        self.assertEqual(run["status"], "succeeded")
        self.assertIsNone(self.where("Src"))

    def test_disks_on_two_srs_cannot_relay(self):
        run = self.cli_json(*self.servers, "migrate", "box", "--to", "Dst", "--relay", "always",
                            "--sr-map", "0=Dst-NFS", "--sr-map", "1=Dst-Fast", status=BLOCKED)
        self.assertEqual(run["status"], "blocked")
        blockers = [f for f in run["findings"] if f["rule"] == "X-RELAY-ONE-SR"]
        self.assertEqual(len(blockers), 1, run["findings"])
        self.assertIn("2 SRs", blockers[0]["message"])
        self.assertEqual(self.where("Src"), (["Src-NFS", "Src-NFS"], ["LAN"]))

        # auto, with the pools apart: the job says why it cannot go through here.
        self.partition()
        run = self.cli_json(*self.servers, "migrate", "box", "--to", "Dst",
                            "--sr-map", "0=Dst-NFS", "--sr-map", "1=Dst-Fast", status=BLOCKED, timeout=180)
        self.assertEqual(run["status"], "failed")
        self.assertEqual(run["jobs"][0]["error"]["rule"], "X-RELAY-ONE-SR")
        self.assertIn("cannot reach each other", run["jobs"][0]["error"]["message"])
        self.assertIsNone(self.where("Dst"))


if __name__ == "__main__":
    unittest.main(verbosity=2)

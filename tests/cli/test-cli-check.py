#!/usr/bin/python3
# ferry-cli check against the built-in demo: the verdicts of the rules on
# the demo's objects (src/ferry-sim/README.md §6), the exit statuses
# (0 allowed, 1 blocked, 2 a wrong question) and the JSON document.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import BLOCKED, OK, CliTestCase  # noqa: E402


class Check(CliTestCase):
    def check(self, *args, status):
        document = self.cli_json("--demo", "check", *args, status=status)
        self.assertShape(document, "check-document")
        self.assertEqual(document["allowed"], status == OK)
        self.assertEqual(document["verdict"] == "blocked", status == BLOCKED)
        return document

    def rules(self, document, severity=None):
        return [f["rule"] for f in document["findings"] if severity is None or f["severity"] == severity]

    def test_nomigrate_is_blocked_by_r24(self):
        document = self.check("rt-control", "--to", "prod-host-02", status=BLOCKED)
        self.assertEqual(self.rules(document, "blocker"), ["R24"])
        finding = next(f for f in document["findings"] if f["rule"] == "R24")
        self.assertEqual(finding["vm"]["name"], "rt-control")
        self.assertEqual(finding["help"], "rule-r24")
        self.assertTrue(finding["remedy"])
        self.assertEqual(document["vms"][0]["verdict"], "blocked")
        self.assertEqual(document["vms"][0]["operation"], {"id": "O1", "name": "live-migrate"})

    def test_running_vm_to_another_production_host_is_allowed(self):
        document = self.check("web-02", "--to", "prod-host-02", status=OK)
        self.assertEqual(document["verdict"], "allowed")
        self.assertEqual(self.rules(document, "blocker"), [])
        vm = document["vms"][0]
        self.assertEqual((vm["vm"]["name"], vm["verdict"], vm["host"]["name"]), ("web-02", "allowed", "prod-host-02"))
        self.assertEqual(vm["operation"]["id"], "O1")
        self.assertEqual(document["destination"]["type"], "host")

    def test_wrong_vm_name(self):
        r = self.cli("--json", "--demo", "check", "no-such-vm", "--to", "prod-host-02")
        error = self.assertError(r, "not-found")
        self.assertIn("no-such-vm", error["message"])
        self.assertExit(self.cli("--demo", "check", "no-such-vm", "--to", "prod-host-02"), 2)

    def test_wrong_destination_sr_and_network(self):
        self.assertError(self.cli("--json", "--demo", "check", "web-02", "--to", "Atlantis"), "not-found")
        self.assertError(self.cli("--json", "--demo", "check", "web-02", "--to", "prod-host-01", "--sr", "Nope"),
                         "not-found")
        # An SR of another pool than the destination's.
        error = self.assertError(self.cli("--json", "--demo", "check", "web-02", "--to", "prod-host-01",
                                          "--sr", "Lab-NFS"), "usage")
        self.assertIn("Lab-NFS", error["message"])
        self.assertError(self.cli("--json", "--demo", "check", "web-02", "--to", "prod-host-01",
                                  "--network", "Nope"), "not-found")
        self.assertError(self.cli("--json", "--demo", "check", "web-01", "--to", "prod-host-01",
                                  "--sr-map", "no-such-disk=Prod-NFS"), "not-found")

    def test_older_destination_is_blocked_by_r12(self):
        document = self.check("web-01", "--to", "Lab", status=BLOCKED)
        self.assertIn("R12", self.rules(document, "blocker"))
        self.assertEqual(document["vms"][0]["operation"]["id"], "O2", "another pool: storage migration")
        self.assertEqual(document["destination"]["type"], "pool")

    def test_pool_destination_chooses_a_host(self):
        document = self.check("web-02", "--to", "Production", status=OK)
        host = document["vms"][0]["host"]
        self.assertEqual(host["type"], "host")
        self.assertTrue(host["name"].startswith("prod-host-"))
        self.assertNotEqual(host["name"], "prod-host-03", "web-02 runs there already")

    def test_ha_warning_is_allowed(self):
        document = self.check("web-01", "--to", "prod-host-03", status=OK)
        self.assertEqual(document["verdict"], "warning")
        self.assertIn("R26", self.rules(document, "warning"))

    def test_several_vms_one_blocked(self):
        document = self.check("web-02", "rt-control", "--to", "prod-host-02", status=BLOCKED)
        verdicts = {v["vm"]["name"]: v["verdict"] for v in document["vms"]}
        self.assertEqual(verdicts, {"web-02": "allowed", "rt-control": "blocked"})

    def test_vms_of_two_pools(self):
        document = self.check("web-02", "lab-web-01", "--to", "prod-host-02", status=BLOCKED)
        verdicts = {v["vm"]["name"]: v for v in document["vms"]}
        self.assertEqual(verdicts["web-02"]["verdict"], "allowed")
        self.assertEqual(verdicts["lab-web-01"]["operation"]["id"], "O2")
        self.assertIn("R11", [f["rule"] for f in document["findings"] if f["vm"]["name"] == "lab-web-01"])

    def test_storage_choices(self):
        document = self.check("build-01", "--to", "prod-host-03", "--sr", "Prod-iSCSI", "--network", "Storage",
                              status=OK)
        self.assertEqual(document["sr"]["name"], "Prod-iSCSI")
        self.assertEqual(document["network"]["name"], "Storage")
        self.assertEqual(document["vms"][0]["operation"]["id"], "O2", "R4: local disk")
        self.assertNotIn("R30", self.rules(document), "a migration network was chosen")
        archive = self.check("web-02", "--to", "prod-host-02", "--sr-map", "0=Prod-Archive", status=OK)
        self.assertEqual(archive["vms"][0]["operation"]["id"], "O2", "another SR: storage migration")
        # 40 GiB free on Prod-Archive: mail-01's disks do not fit (R19).
        full = self.check("mail-01", "--to", "prod-host-02", "--sr", "Prod-Archive", status=BLOCKED)
        self.assertEqual(self.rules(full, "blocker"), ["R19"])
        # archive-01's 500 GiB disk needs room for its snapshots on Prod-Archive (R20).
        self.assertIn("R20", self.rules(self.check("archive-01", "--to", "legacy-01", status=BLOCKED), "blocker"))

    def test_disk_move_without_destination(self):
        document = self.check("web-01", "--sr-map", "web-01 0=Prod-iSCSI", status=OK)
        self.assertIsNone(document["destination"])
        self.assertEqual(document["vms"][0]["operation"], {"id": "O3", "name": "move-disk"})
        self.assertEqual(document["vms"][0]["host"]["name"], "prod-host-02")

    def test_text_table(self):
        r = self.cli("--demo", "check", "rt-control", "--to", "prod-host-02")
        self.assertExit(r, BLOCKED)
        self.assertRegex(r.stdout, r"rt-control +prod-host-02 +prod-host-02 +O1 Live migration +blocked")
        self.assertRegex(r.stdout, r"(?m)^R24 +blocker +rt-control +.*no-migrate")
        self.assertRegex(r.stdout, r"(?m)^ +Remedy: ")
        self.assertTrue(r.stdout.rstrip().endswith("Verdict: blocked"))
        r = self.cli("--demo", "check", "web-02", "--to", "prod-host-02")
        self.assertExit(r, OK)
        self.assertTrue(r.stdout.rstrip().endswith("Verdict: allowed"))


if __name__ == "__main__":
    unittest.main(verbosity=2)

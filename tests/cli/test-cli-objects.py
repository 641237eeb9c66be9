#!/usr/bin/python3
# ferry-cli ls and show against the built-in demo (--demo): every kind,
# the filters, name/UUID/ref lookup, and every JSON document against the
# shapes of ferry-cli.1.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import OK, CliTestCase  # noqa: E402

KINDS = ["pool", "host", "vm", "sr", "disk", "network"]


class Ls(CliTestCase):
    def ls(self, *args):
        document = self.cli_json("--demo", "ls", *args)
        self.assertShape(document, "ls-document")
        for item in document["items"]:
            self.assertEqual(item["type"], document["kind"])
            self.assertShape(item, document["kind"])
        return document

    def names(self, *args):
        return [item["name"] for item in self.ls(*args)["items"]]

    def test_every_kind(self):
        for kind, plural in zip(KINDS, ["pools", "hosts", "vms", "srs", "disks", "networks"]):
            with self.subTest(kind=kind):
                document = self.ls(plural)
                self.assertEqual(document["kind"], kind)
                self.assertGreater(len(document["items"]), 0)
                self.assertEqual([i["uuid"] for i in self.ls(kind)["items"]], [i["uuid"] for i in document["items"]],
                                 "singular and plural")

    def test_vms_is_the_default(self):
        self.assertEqual(self.ls()["kind"], "vm")

    def test_pools(self):
        pools = {p["name"]: p for p in self.ls("pools")["items"]}
        self.assertEqual(list(pools), ["Production", "Lab", "legacy-01"], "in the order of the servers")
        self.assertEqual(pools["Production"]["n_hosts"], 4)
        self.assertEqual(pools["Production"]["n_vms"], 30)
        self.assertTrue(pools["Production"]["ha_enabled"])
        self.assertFalse(pools["Production"]["standalone"])
        self.assertTrue(pools["legacy-01"]["standalone"])
        self.assertEqual(pools["Production"]["master"]["name"], "prod-host-01")
        self.assertEqual(pools["Production"]["default_sr"]["name"], "Prod-NFS")

    def test_hosts(self):
        hosts = {h["name"]: h for h in self.ls("hosts")["items"]}
        self.assertEqual(len(hosts), 7)
        self.assertEqual(hosts["lab-host-02"]["cpu_vendor"], "AuthenticAMD")
        self.assertTrue(hosts["prod-host-01"]["is_master"])
        self.assertFalse(hosts["prod-host-02"]["is_master"])
        self.assertEqual(hosts["prod-host-01"]["pool"]["name"], "Production")
        self.assertGreater(hosts["prod-host-01"]["memory_total_bytes"], hosts["prod-host-01"]["memory_free_bytes"])

    def test_vms_leave_out_templates_snapshots_and_dom0(self):
        vms = self.ls("vms")["items"]
        self.assertEqual(len(vms), 40)
        self.assertFalse(any(v["is_template"] or v["is_snapshot"] or v["is_control_domain"] for v in vms))
        everything = self.ls("vms", "--all")["items"]
        self.assertTrue(any(v["is_template"] for v in everything))
        self.assertTrue(any(v["is_snapshot"] for v in everything))
        self.assertTrue(any(v["is_control_domain"] for v in everything))
        self.assertIn("pre-patch", [v["name"] for v in everything])

    def test_sorted_by_name_within_a_pool(self):
        vms = self.ls("vms", "--pool", "Production")["items"]
        names = [v["name"] for v in vms]
        self.assertEqual(names, sorted(names))

    def test_filters(self):
        self.assertEqual(self.names("vms", "--name", "web-*"), ["web-01", "web-02", "web-03"])
        self.assertEqual(self.names("vms", "--power-state", "halted"), ["test-halted", "lab-win-dev", "legacy-halted"])
        self.assertEqual(self.names("vms", "--power-state", "Suspended"), ["report-suspended"])
        self.assertEqual(set(self.names("vms", "--host", "lab-host-02")), {"lab-amd-01", "lab-amd-02"})
        self.assertEqual(set(self.names("vms", "--pool", "Lab")),
                         {"lab-amd-01", "lab-amd-02", "lab-db-01", "lab-web-01", "lab-win-dev", "legacy-ipv6"})
        self.assertEqual(self.names("vms", "--sr", "Prod-GFS2"), ["cluster-app"])
        self.assertEqual(self.names("hosts", "--pool", "Lab"), ["lab-host-01", "lab-host-02"])
        self.assertEqual(self.names("hosts", "--host", "prod-host-03"), ["prod-host-03"])
        self.assertIn("Local storage prod-host-01", self.names("srs", "--host", "prod-host-01"))
        self.assertNotIn("Local storage prod-host-02", self.names("srs", "--host", "prod-host-01"))
        self.assertEqual(self.names("disks", "--vm", "web-01"), ["web-01 0"])
        disks = self.ls("disks", "--sr", "Prod-Archive")["items"]
        self.assertEqual([d["vms"][0]["name"] for d in disks], ["archive-01"])
        self.assertTrue(all(d["sr"]["name"] == "Prod-Archive" for d in disks))
        self.assertEqual(self.names("networks", "--vm", "web-01"), ["DMZ"])
        self.assertEqual(self.names("pools", "--name", "L*"), ["Lab"])

    def test_disks(self):
        disks = self.ls("disks", "--vm", "backup-proxy")["items"]
        self.assertTrue(any(d["cbt_enabled"] for d in disks), "R7: backup-proxy has a CBT disk")
        self.assertFalse(any(d["is_snapshot"] for d in self.ls("disks")["items"]))
        self.assertTrue(any(d["is_snapshot"] for d in self.ls("disks", "--all")["items"]))

    def test_unknown_filter_object(self):
        error = self.assertError(self.cli("--json", "--demo", "ls", "vms", "--host", "no-such-host"), "not-found")
        self.assertIn("no-such-host", error["message"])
        self.assertError(self.cli("--json", "--demo", "ls", "--pool", "Atlantis"), "not-found")

    def test_empty_result(self):
        self.assertEqual(self.ls("vms", "--name", "nothing-*")["items"], [])
        r = self.cli("--demo", "ls", "vms", "--name", "nothing-*")
        self.assertExit(r, OK)
        self.assertEqual(r.stdout.splitlines()[0].split(), ["NAME", "POWER", "HOST", "POOL", "MEMORY", "VCPUS", "DISKS"])

    def test_text_table(self):
        r = self.cli("--demo", "ls", "vms", "--pool", "Lab")
        self.assertExit(r, OK)
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), 7)
        self.assertNotIn("\033[", r.stdout, "no colours when stdout is not a terminal")
        self.assertRegex(r.stdout, r"lab-db-01 +running +lab-host-01 +Lab +16\.0\sGiB +4 +1")

    def test_one_server_of_the_demo(self):
        self.assertEqual(self.names("pools"), ["Production", "Lab", "legacy-01"])
        document = self.cli_json("--demo", "--server", "Lab", "ls", "hosts")
        self.assertEqual([h["name"] for h in document["items"]], ["lab-host-01", "lab-host-02"])
        self.assertError(self.cli("--json", "--demo", "--server", "Atlantis", "ls"), "not-found")


class Show(CliTestCase):
    def show(self, *args):
        document = self.cli_json("--demo", "show", *args)
        self.assertShape(document, "show-document")
        self.assertShape(document["object"], document["object"]["type"] + "-details")
        return document["object"]

    def test_every_kind(self):
        for kind, name in (("pool", "Production"), ("host", "prod-host-01"), ("vm", "web-01"),
                           ("sr", "Prod-NFS"), ("disk", "web-01 0"), ("network", "DMZ")):
            with self.subTest(kind=kind):
                self.assertEqual(self.show(name)["type"], kind)
                self.assertEqual(self.show("--type", kind, name)["name"], name)

    def test_by_uuid_and_ref(self):
        vm = self.show("web-01")
        self.assertEqual(self.show(vm["uuid"])["ref"], vm["ref"])
        self.assertEqual(self.show(vm["ref"])["uuid"], vm["uuid"])

    def test_vm_details_that_matter_for_migration(self):
        vm = self.show("web-01")
        self.assertEqual(vm["power_state"], "running")
        self.assertEqual(vm["host"]["name"], "prod-host-02")
        self.assertEqual(vm["ha_restart_priority"], "restart")
        self.assertEqual([s["name"] for s in vm["snapshots"]], ["pre-patch"])
        self.assertEqual(len(vm["vbds"]), 1)
        self.assertEqual(vm["vbds"][0]["sr"]["name"], "Prod-NFS")
        self.assertEqual(vm["vifs"][0]["network"]["name"], "DMZ")
        self.assertTrue(vm["tools"]["pv_drivers_detected"])
        self.assertFalse(vm["nomigrate"])
        self.assertTrue(self.show("rt-control")["nomigrate"], "R24")
        self.assertIsNone(self.show("win-legacy-2016")["tools"], "R13: no guest metrics")
        self.assertIn("migrate_send", self.show("fileserver")["blocked_operations"])
        self.assertEqual(self.show("license-server")["n_vusbs"], 1, "R23")
        self.assertEqual(self.show("cad-gvt")["vgpus"][0]["implementation"], "gvt_g", "R5")
        self.assertEqual(self.show("citrix-pooled-01")["vbds"][0]["on_boot"], "reset", "R25")
        self.assertIsNone(self.show("test-halted")["host"])

    def test_host_pool_sr_network_details(self):
        host = self.show("prod-host-02")
        self.assertIn("web-01", [v["name"] for v in host["vms"]])
        self.assertIn("Prod-NFS", [s["name"] for s in host["srs"]])
        self.assertTrue(any(p["management"] for p in host["pifs"]))
        pool = self.show("Lab")
        self.assertEqual([h["name"] for h in pool["hosts"]], ["lab-host-01", "lab-host-02"])
        sr = self.show("Prod-Archive")
        self.assertEqual(sr["size_bytes"] - sr["used_bytes"], sr["free_bytes"])
        self.assertEqual(len(sr["pbds"]), 4)
        network = self.show("--server", "Production", "Storage")
        self.assertEqual(len(network["pifs"]), 4)

    def test_standalone_host_is_the_host(self):
        self.assertEqual(self.show("legacy-01")["type"], "host")
        self.assertEqual(self.show("--type", "pool", "legacy-01")["type"], "pool")

    def test_ambiguous_name(self):
        r = self.cli("--json", "--demo", "show", "Management")
        error = self.assertError(r, "ambiguous")
        self.assertEqual(error["message"].count("network "), 3, "lists every match with its UUID")
        self.assertEqual(self.show("--server", "Lab", "Management")["pool"]["name"], "Lab")

    def test_not_found(self):
        error = self.assertError(self.cli("--json", "--demo", "show", "no-such-thing"), "not-found")
        self.assertIn("no-such-thing", error["message"])
        self.assertError(self.cli("--json", "--demo", "show", "--type", "host", "web-01"), "not-found")

    def test_text(self):
        r = self.cli("--demo", "show", "web-01")
        self.assertExit(r, OK)
        self.assertRegex(r.stdout, r"(?m)^power_state: +running$")
        self.assertRegex(r.stdout, r"(?m)^memory_bytes: +8\.0\sGiB$")
        self.assertRegex(r.stdout, r"(?m)^  - device=0, .*sr=Prod-NFS")


if __name__ == "__main__":
    unittest.main(verbosity=2)

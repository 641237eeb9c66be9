#!/usr/bin/python3
# ferry-cli plan, apply, migrate, move-vm, move-vdi, evacuate, watch,
# cancel, history and put-back against the simulator: exit statuses, the
# JSON documents against the shapes of ferry-cli.1, and where the VMs and
# disks end up, read from the simulator over XenAPI (python3-os-xenapi).
#
# SPDX-License-Identifier: GPL-3.0-or-later
import datetime
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import BLOCKED, OK, SOURCE, CliTestCase, Sim  # noqa: E402

try:
    from os_xenapi.client import XenAPI  # noqa: F401
except ImportError:  # pragma: no cover
    print("1..0 # SKIP python3-os-xenapi is not installed")
    sys.exit(77)

DEMO = os.path.join(SOURCE, "data", "scenarios", "demo.json")

# A pool without HA or odd VMs, to evacuate.
EVAC = {
    "users": {"root": "demo"},
    "pools": [{
        "name": "Evac",
        "hosts": [{"name": "ev-1", "memory": "64 GiB"}, {"name": "ev-2", "memory": "64 GiB"},
                  {"name": "ev-3", "memory": "64 GiB"}],
        "networks": [{"name": "Mgmt", "nic": "eth0", "management": True}],
        "srs": [{"name": "Evac-NFS", "type": "nfs", "size": "2 TiB"}],
        "vms": [{"name": f"ev-vm-{i}", "power_state": "running", "host": "ev-1", "memory": "4 GiB",
                 "os": "debian-12", "disks": [{"size": "10 GiB", "sr": "Evac-NFS"}], "vifs": ["Mgmt"]}
                for i in range(1, 6)],
    }],
}


class SimTestCase(CliTestCase):
    """A simulator with the demo and the Evac pool, fast."""

    scale = "500"

    def setUp(self):
        super().setUp()
        evac = os.path.join(self.home, "evac.json")
        with open(evac, "w") as f:
            json.dump(EVAC, f)
        self.sim = Sim("--scenario", DEMO, "--scenario", evac, "--time-scale", self.scale)
        self.addCleanup(self.sim.stop)
        self.env["FERRY_PASSWORD"] = "demo"

    def url(self, name):
        for pool in self.sim.world["pools"]:
            if pool["name"] == name:
                return pool["master_http"]
        for host in self.sim.world["standalone"]:
            if host["name"] == name:
                return host["http_url"]
        raise KeyError(name)

    def servers(self, *names):
        return [arg for name in names for arg in ("--server", self.url(name))]

    def run_json(self, *args, status=OK, shape="run-document"):
        document = self.cli_json(*args, status=status)
        self.assertShape(document, shape)
        return document


class PlanAndApply(SimTestCase):
    def test_plan_replayed_by_apply_makes_the_planned_moves(self):
        servers = self.servers("Production", "legacy-01")
        path = os.path.join(self.home, "plan.json")
        # Two source pools: the file holds a list of two plans.
        document = self.run_json(*servers, "plan", "web-02", "legacy-web", "--to", "Production",
                                 "--sr", "Prod-iSCSI", "-o", path, shape="plan-document")
        self.assertTrue(document["allowed"])
        self.assertEqual(document["output"], path)
        with open(path) as f:
            saved = json.load(f)
        self.assertEqual(len(saved), 2)
        # The document's items are the file's, plus what a relay means (relay_text).
        self.assertEqual([p["items"] for p in saved],
                         [[{k: v for k, v in i.items() if k != "relay_text"} for i in p["items"]]
                          for p in document["plans"]])
        self.assertTrue(all(i["relay_text"] is None for p in document["plans"] for i in p["items"]))
        planned = {}
        for plan in saved:
            self.assertEqual((plan["format"], plan["version"]), ("ferry-plan", 1))
            for item in plan["items"]:
                planned[item["vm"]["name"]] = (item["operation"], item["to"]["host"]["name"],
                                               {d["userdevice"]: d["to_sr"]["name"] for d in item["disks"]
                                                if d["userdevice"] is not None})
        # The pool places web-02 on its own host (most free memory): a disk move.
        self.assertIn(planned["web-02"][0], ("O2", "O3"))
        self.assertEqual(planned["legacy-web"][0], "O2")
        self.assertTrue(all(sr == "Prod-iSCSI" for p in planned.values() for sr in p[2].values()))

        # Nothing moved yet.
        self.assertEqual(self.sim.vm("Production", "web-02")[0], "prod-host-03")

        # apply finds the pools by the addresses in the plan.
        run = self.run_json("apply", path)
        self.assertEqual(run["status"], "succeeded")
        self.assertEqual(sorted(j["vm"]["name"] for j in run["jobs"]), ["legacy-web", "web-02"])
        self.assertEqual({j["state"] for j in run["jobs"]}, {"succeeded"})
        self.assertEqual(sorted(run["plans"]), sorted(p["id"] for p in saved))
        for name, (operation, host, disks) in planned.items():
            where = self.sim.vm("Production", name)
            self.assertEqual((where[0], where[1], where[2]), (host, disks, "Running"), name)
            job = next(j for j in run["jobs"] if j["vm"]["name"] == name)
            self.assertEqual(job["operation"]["id"], operation)

        # The same words on a fresh simulator with migrate: the same moves.
        other = Sim("--scenario", DEMO, "--time-scale", self.scale)
        self.addCleanup(other.stop)
        args = [a for name in ("Production", "legacy-01")
                for a in ("--server", next(p["master_http"] for p in other.world["pools"] if p["name"] == name)
                          if name == "Production"
                          else next(h["http_url"] for h in other.world["standalone"] if h["name"] == name))]
        direct = self.run_json(*args, "migrate", "web-02", "legacy-web", "--to", "Production", "--sr", "Prod-iSCSI")
        self.assertEqual(direct["status"], "succeeded")
        for name in planned:
            self.assertEqual(other.vm("Production", name), self.sim.vm("Production", name), name)

    def test_blocked_plan_is_written_but_apply_refuses_it(self):
        path = os.path.join(self.home, "blocked.json")
        document = self.run_json(*self.servers("Production"), "plan", "rt-control", "--to", "prod-host-02",
                                 "-o", path, status=BLOCKED, shape="plan-document")
        self.assertFalse(document["allowed"])
        self.assertIn("R24", [f["rule"] for f in document["findings"] if f["severity"] == "blocker"])
        run = self.run_json(*self.servers("Production"), "apply", path, status=BLOCKED)
        self.assertEqual((run["status"], run["jobs"]), ("blocked", []))
        self.assertEqual(self.sim.vm("Production", "rt-control")[0], "prod-host-01")

    def test_apply_errors(self):
        self.assertError(self.cli("--json", "--demo", "apply"), "usage")
        self.assertError(self.cli("--json", "--demo", "apply", os.path.join(self.home, "none.json")), "usage")
        bad = os.path.join(self.home, "bad.json")
        with open(bad, "w") as f:
            f.write('{"format": "something-else"}')
        self.assertError(self.cli("--json", "--demo", "apply", bad), "usage")


class Moves(SimTestCase):
    def test_migrate_with_home_server_network_and_compression(self):
        run = self.run_json(*self.servers("Production"), "migrate", "web-01", "--to", "prod-host-03",
                            "--home", "prod-host-03", "--no-compress", "--network", "Storage")
        self.assertEqual(run["status"], "succeeded")
        job = run["jobs"][0]
        self.assertEqual((job["operation"]["id"], job["state"], job["progress"]), ("O1", "succeeded", 1.0))
        self.assertIsInstance(job["duration"], float)
        self.assertEqual(self.sim.vm("Production", "web-01")[0], "prod-host-03")
        x = self.sim.xapi("Production")
        vm = x.VM.get_by_name_label("web-01")[0]
        self.assertEqual(x.host.get_name_label(x.VM.get_affinity(vm)), "prod-host-03")

    def test_migrate_dry_run_moves_nothing(self):
        document = self.run_json(*self.servers("Production"), "migrate", "web-02", "--to", "prod-host-01",
                                 "--compress", "--dry-run", shape="plan-document")
        self.assertTrue(document["allowed"])
        self.assertEqual(document["plans"][0]["compression"], "on")
        self.assertEqual(self.sim.vm("Production", "web-02")[0], "prod-host-03")

    def test_migrate_network_map(self):
        document = self.run_json(*self.servers("Production", "legacy-01"), "migrate", "legacy-web",
                                 "--to", "Production", "--network-map", "0=Storage", "--dry-run",
                                 shape="plan-document")
        vif = document["plans"][0]["items"][0]["vifs"][0]
        self.assertEqual((vif["to_network"]["name"], vif["reason"]), ("Storage", "chosen"))

    def test_blocked_migrate_moves_nothing(self):
        run = self.run_json(*self.servers("Production"), "migrate", "rt-control", "web-02",
                            "--to", "prod-host-02", status=BLOCKED)
        self.assertEqual(run["status"], "blocked")
        self.assertIn("R24", [f["rule"] for f in run["findings"]])
        self.assertEqual(self.sim.vm("Production", "web-02")[0], "prod-host-03")
        # --skip-blocked moves the others, and still says 1.
        run = self.run_json(*self.servers("Production"), "migrate", "rt-control", "web-02",
                            "--to", "prod-host-02", "--skip-blocked", status=BLOCKED)
        self.assertEqual([(j["vm"]["name"], j["state"]) for j in run["jobs"]], [("web-02", "succeeded")])
        self.assertEqual(self.sim.vm("Production", "web-02")[0], "prod-host-02")
        self.assertEqual(self.sim.vm("Production", "rt-control")[0], "prod-host-01")

    def test_move_vm_moves_a_halted_vm_and_its_disk(self):
        run = self.run_json(*self.servers("Production"), "move-vm", "test-halted", "--to", "prod-host-02",
                            "--sr", "Prod-iSCSI")
        self.assertEqual(run["jobs"][0]["operation"]["id"], "O4")
        host, disks, state = self.sim.vm("Production", "test-halted")
        self.assertEqual((state, set(disks.values())), ("Halted", {"Prod-iSCSI"}))
        # A running VM is not a move-vm: refused, nothing moves.
        run = self.run_json(*self.servers("Production"), "move-vm", "web-02", "--to", "prod-host-02", status=BLOCKED)
        self.assertEqual(run["status"], "blocked")
        self.assertEqual(self.sim.vm("Production", "web-02")[0], "prod-host-03")

    def test_move_vdi_moves_a_disk_of_a_running_vm(self):
        before = self.sim.vm("Production", "web-02")
        run = self.run_json(*self.servers("Production"), "move-vdi", "web-02 0", "--to", "Prod-iSCSI")
        self.assertEqual(run["jobs"][0]["operation"]["id"], "O3")
        host, disks, state = self.sim.vm("Production", "web-02")
        self.assertEqual((host, disks["0"], state), (before[0], "Prod-iSCSI", "Running"))

    def test_evacuate_in_batches(self):
        run = self.run_json(*self.servers("Evac"), "evacuate", "ev-1", "--batch", "2")
        self.assertEqual(len(run["jobs"]), 5)
        self.assertEqual({j["operation"]["id"] for j in run["jobs"]}, {"O5"})
        self.assertEqual({j["state"] for j in run["jobs"]}, {"succeeded"})
        plan = self.run_json(*self.servers("Evac"), "history", shape="history-document")
        self.assertEqual(len([e for e in plan["entries"] if e["outcome"] == "succeeded"]), 5)
        x = self.sim.xapi("Evac")
        host = x.host.get_by_name_label("ev-1")[0]
        self.assertFalse(x.host.get_enabled(host), "left in maintenance")
        for i in range(1, 6):
            self.assertIn(self.sim.vm("Evac", f"ev-vm-{i}")[0], ("ev-2", "ev-3"))

    def test_usage_errors(self):
        for args in (["migrate", "web-02"], ["migrate", "--to", "prod-host-01"],
                     ["migrate", "web-02", "--to", "prod-host-01", "--compress", "--no-compress"],
                     ["migrate", "web-02", "--to", "prod-host-01", "--on-interrupt", "maybe"],
                     ["move-vdi", "web-02 0"], ["evacuate"], ["evacuate", "prod-host-01", "prod-host-02"],
                     ["cancel"], ["watch", "extra"], ["history", "--since", "yesterday-ish"],
                     ["put-back"], ["plan", "web-02", "--to", "prod-host-01", "--sr", "Prod-NFS", "--sr-map", "0=Prod-NFS"]):
            self.assertError(self.cli("--json", "--demo", *args), "usage")
        self.assertError(self.cli("--json", "--demo", "migrate", "no-such-vm", "--to", "prod-host-01"), "not-found")
        self.assertError(self.cli("--json", "--demo", "move-vdi", "no-such-disk", "--to", "Prod-NFS"), "not-found")
        self.assertError(self.cli("--json", "--demo", "cancel", "no-such-job"), "not-found")


class Demo(CliTestCase):
    def test_plan_xe_and_demo_moves(self):
        result = self.cli("--demo", "plan", "web-02", "--to", "prod-host-01", "--xe")
        self.assertExit(result, OK)
        self.assertIn("xe vm-migrate", result.stdout)
        document = self.cli_json("--demo", "plan", "evacuate", "prod-host-01", "--xe", status=BLOCKED)
        self.assertShape(document, "plan-document")
        self.assertIn("xe", document["xe"])
        # A move in the demo prints one plain line per event without a terminal.
        result = self.cli("--demo", "migrate", "web-02", "--to", "prod-host-02",
                          env={"FERRY_DEMO_TIME_SCALE": "100"})
        self.assertExit(result, OK)
        self.assertIn("web-02: succeeded", result.stdout)
        self.assertIn("1 move: 1 succeeded", result.stdout)

    def test_watch_and_history_with_nothing(self):
        document = self.cli_json("--demo", "watch")
        self.assertShape(document, "run-document")
        self.assertEqual((document["status"], document["jobs"]), ("succeeded", []))
        document = self.cli_json("history")
        self.assertShape(document, "history-document")
        self.assertEqual(document["entries"], [])
        self.assertExit(self.cli("history"), OK)


class PutBack(SimTestCase):
    def test_history_and_put_back_move_the_vms_back(self):
        servers = self.servers("Production")
        before = {name: self.sim.vm("Production", name) for name in ("web-02", "app-02")}
        since = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        time.sleep(1.1)

        self.run_json(*servers, "migrate", "web-02", "app-02", "--to", "prod-host-02")
        self.run_json(*servers, "move-vdi", "web-02 0", "--to", "Prod-iSCSI")
        self.assertEqual(self.sim.vm("Production", "web-02")[0], "prod-host-02")

        history = self.run_json("history", "--since", since, shape="history-document")
        moves = [(e["vm"]["name"], e["operation"]["id"], e["outcome"]) for e in history["entries"]]
        self.assertEqual(sorted(moves), [("app-02", "O1", "succeeded"), ("web-02", "O1", "succeeded"),
                                         ("web-02", "O3", "succeeded")])
        self.assertEqual(self.run_json("history", "--vm", "app-02", shape="history-document")["entries"][0]["vm"]
                         ["name"], "app-02")
        text = self.cli("history")
        self.assertExit(text, OK)
        self.assertIn("web-02", text.stdout)

        dry = self.run_json(*servers, "put-back", "--before", since, "--dry-run", shape="plan-document")
        self.assertTrue(dry["allowed"])
        self.assertEqual(self.sim.vm("Production", "web-02")[0], "prod-host-02", "dry run")

        run = self.run_json(*servers, "put-back", "--before", since)
        self.assertEqual(run["status"], "succeeded")
        for name, where in before.items():
            self.assertEqual(self.sim.vm("Production", name), where, name)

        # Nothing left to put back.
        run = self.run_json(*servers, "put-back", "--before", "1h")
        self.assertEqual(run["jobs"], [])


if __name__ == "__main__":
    unittest.main(verbosity=2)

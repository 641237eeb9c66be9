#!/usr/bin/python3
# The operations O1–O5 end to end through Debian's python3-os-xenapi (the
# classic XenAPI.py, XML-RPC), as a script would drive a real pool, with the
# simulator's invariants checked after each.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

try:
    from os_xenapi.client import XenAPI
except ImportError:  # pragma: no cover
    print("1..0 # SKIP python3-os-xenapi is not installed")
    sys.exit(77)

SIM = os.path.join(os.environ.get("FERRY_BUILD_ROOT", "_build"), "src", "ferry-sim", "ferry-sim")
DEMO = os.path.join(os.environ.get("FERRY_SOURCE_ROOT", "."), "data", "scenarios", "demo.json")

# A pool without HA, to evacuate (Production has HA on, Lab mixes CPU vendors).
EVAC = {
    "users": {"root": "demo"},
    "pools": [{
        "name": "Evac",
        "hosts": [{"name": "ev-1", "memory": "64 GiB"}, {"name": "ev-2", "memory": "64 GiB"},
                  {"name": "ev-3", "memory": "64 GiB"}],
        "networks": [{"name": "Mgmt", "nic": "eth0", "management": True},
                     {"name": "Migration", "nic": "eth1", "subnet": "10.9.1.0/24"}],
        "srs": [{"name": "Evac-NFS", "type": "nfs", "size": "2 TiB"}],
        "vms": [{"name": f"ev-vm-{i}", "power_state": "running", "host": "ev-1", "memory": "4 GiB",
                 "os": "debian-12", "disks": [{"size": "10 GiB", "sr": "Evac-NFS"}], "vifs": ["Mgmt"]}
                for i in range(1, 6)],
    }],
}


def unwrap(result):
    """A task result is an XML-RPC fragment: <value>OpaqueRef:…</value>."""
    return result.replace("<value>", "").replace("</value>", "")


class Operations(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        evac = os.path.join(cls.tmp.name, "evac.json")
        with open(evac, "w") as f:
            json.dump(EVAC, f)
        cls.proc = subprocess.Popen([SIM, "--scenario", DEMO, "--scenario", evac, "--port", "0",
                                     "--time-scale", "5000"], stdout=subprocess.PIPE, text=True)
        cls.world = json.loads(cls.proc.stdout.readline())
        cls.urls = {p["name"]: p["master_http"] for p in cls.world["pools"]}
        cls.urls.update({h["name"]: h["http_url"] for h in cls.world["standalone"]})
        cls.sessions = {}

    @classmethod
    def tearDownClass(cls):
        for s in cls.sessions.values():
            s.xenapi.session.logout()
        cls.proc.terminate()
        cls.proc.wait(10)
        cls.tmp.cleanup()

    def x(self, pool):
        if pool not in self.sessions:
            s = XenAPI.Session(self.urls[pool])
            s.login_with_password("root", "demo", "2.21", "ferry-operations-test")
            self.sessions[pool] = s
        return self.sessions[pool].xenapi

    def control(self, path, body=None):
        url = self.urls["Production"] + path.lstrip("/")
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data, {"Content-Type": "application/json"},
                                         method="POST" if data else "GET")
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read())

    def assert_invariants(self):
        state = self.control("/sim/invariants")
        self.assertTrue(state["ok"], state)

    def wait(self, pool, task):
        x = self.x(pool)
        for _ in range(3000):
            if x.task.get_status(task) not in ("pending", "cancelling"):
                break
            time.sleep(0.01)
        record = x.task.get_record(task)
        x.task.destroy(task)
        return record

    def ref(self, pool, cls, name):
        return getattr(self.x(pool), cls).get_by_name_label(name)[0]

    def disks(self, pool, vm):
        x = self.x(pool)
        return [x.VBD.get_VDI(b) for b in x.VM.get_VBDs(vm)
                if x.VBD.get_type(b) == "Disk" and not x.VBD.get_empty(b)]

    def receive(self, pool, host, network):
        x = self.x(pool)
        return x.host.migrate_receive(self.ref(pool, "host", host), self.ref(pool, "network", network), {})

    # O1 ------------------------------------------------------------------
    def test_o1_live_migration(self):
        x = self.x("Production")
        vm = self.ref("Production", "VM", "web-02")
        dest = self.ref("Production", "host", "prod-host-04")
        uuid = x.VM.get_uuid(vm)
        self.assertIn("pool_migrate", x.VM.get_allowed_operations(vm))
        x.VM.assert_can_boot_here(vm, dest)
        self.assertIn(dest, x.VM.get_possible_hosts(vm))

        record = self.wait("Production", x.Async.VM.pool_migrate(vm, dest, {"live": "true"}))
        self.assertEqual(record["status"], "success")
        self.assertEqual(record["result"], "<value></value>")
        self.assertEqual(record["progress"], 1.0)
        for key in ("sim_duration_s", "sim_downtime_s", "sim_bytes_sent"):
            self.assertIn(key, record["other_config"])
        self.assertEqual(x.VM.get_resident_on(vm), dest)
        self.assertEqual(x.VM.get_power_state(vm), "Running")
        self.assertEqual(x.VM.get_scheduled_to_be_resident_on(vm), "OpaqueRef:NULL")
        messages = [m for m in x.message.get_all_records().values()
                    if m["name"] == "VM_MIGRATED" and m["obj_uuid"] == uuid]
        self.assertEqual(len(messages), 1)
        self.assertEqual(messages[0]["cls"], "VM")
        self.assert_invariants()

    def test_o1_checks_arrive_as_failures(self):
        x = self.x("Production")
        rt = self.ref("Production", "VM", "rt-control")
        with self.assertRaises(XenAPI.Failure) as caught:
            x.VM.pool_migrate(rt, self.ref("Production", "host", "prod-host-02"), {})
        self.assertEqual(caught.exception.details, ["VM_IS_IMMOBILE", rt])
        # An Async call's business checks end up in its task (xapi.md §1.9).
        erp = self.ref("Production", "VM", "erp-db")
        record = self.wait("Production", x.Async.VM.pool_migrate(erp, self.ref("Production", "host", "prod-host-03"), {}))
        self.assertEqual(record["status"], "failure")
        self.assertEqual(record["error_info"][0], "HOST_NOT_ENOUGH_FREE_MEMORY")

    def test_o1_cancel(self):
        x = self.x("Production")
        vm = self.ref("Production", "VM", "app-01")
        source = x.VM.get_resident_on(vm)
        self.control("/sim/time", {"scale": 2})
        try:
            task = x.Async.VM.pool_migrate(vm, self.ref("Production", "host", "prod-host-04"), {})
            while x.task.get_progress(task) < 0.05:
                time.sleep(0.01)
            self.assertEqual(x.task.get_allowed_operations(task), ["cancel"])
            x.task.cancel(task)
            record = self.wait("Production", task)
        finally:
            self.control("/sim/time", {"scale": 5000})
        self.assertEqual(record["status"], "cancelled")
        self.assertEqual(record["error_info"], ["TASK_CANCELLED", task])
        self.assertEqual(x.VM.get_resident_on(vm), source)
        self.assert_invariants()

    # O2 ------------------------------------------------------------------
    def test_o2_within_the_pool(self):
        x = self.x("Production")
        vm = self.ref("Production", "VM", "build-01")
        dest = self.receive("Production", "prod-host-03", "Storage")
        local = self.ref("Production", "SR", "Local storage prod-host-03")
        vdi_map = {vdi: local for vdi in self.disks("Production", vm)}
        x.VM.assert_can_migrate(vm, dest, True, vdi_map, {}, {})
        record = self.wait("Production", x.Async.VM.migrate_send(vm, dest, True, vdi_map, {}, {}))
        self.assertEqual(record["status"], "success", record["error_info"])
        self.assertEqual(unwrap(record["result"]), vm)
        self.assertEqual(x.VM.get_resident_on(vm), dest["host"])
        self.assertEqual([x.VDI.get_SR(v) for v in self.disks("Production", vm)], [local])
        self.assert_invariants()

    def test_o2_to_another_pool(self):
        lab, prod = self.x("Lab"), self.x("Production")
        vm = self.ref("Lab", "VM", "lab-db-01")
        uuid = lab.VM.get_uuid(vm)
        macs = sorted(lab.VIF.get_MAC(v) for v in lab.VM.get_VIFs(vm))
        dest = self.receive("Production", "prod-host-02", "Storage")
        nfs = self.ref("Production", "SR", "Prod-NFS")
        vdi_map = {vdi: nfs for vdi in self.disks("Lab", vm)}
        vif_map = {vif: self.ref("Production", "network", "VM Network") for vif in lab.VM.get_VIFs(vm)}
        lab.VM.assert_can_migrate(vm, dest, True, vdi_map, vif_map, {})
        record = self.wait("Lab", lab.Async.VM.migrate_send(vm, dest, True, vdi_map, vif_map, {}))
        self.assertEqual(record["status"], "success", record["error_info"])
        moved = unwrap(record["result"])
        self.assertEqual(prod.VM.get_by_uuid(uuid), moved)
        self.assertEqual(prod.VM.get_power_state(moved), "Running")
        self.assertEqual(prod.VM.get_resident_on(moved), dest["host"])
        self.assertEqual(sorted(prod.VIF.get_MAC(v) for v in prod.VM.get_VIFs(moved)), macs)
        self.assertEqual([prod.VDI.get_SR(v) for v in self.disks("Production", moved)], [nfs])
        with self.assertRaises(XenAPI.Failure) as caught:
            lab.VM.get_by_uuid(uuid)
        self.assertEqual(caught.exception.details, ["UUID_INVALID", "VM", uuid])
        self.assert_invariants()

    def test_o2_refused_to_an_older_pool(self):
        prod = self.x("Production")
        vm = self.ref("Production", "VM", "web-03")
        dest = self.receive("Lab", "lab-host-01", "Management")
        host = dest["host"]
        vdi_map = {vdi: self.ref("Lab", "SR", "Lab-NFS") for vdi in self.disks("Production", vm)}
        with self.assertRaises(XenAPI.Failure) as caught:
            prod.VM.assert_can_migrate(vm, dest, True, vdi_map, {}, {})
        self.assertEqual(caught.exception.details, ["VM_HOST_INCOMPATIBLE_VERSION_MIGRATE", vm, host])

    # O3 ------------------------------------------------------------------
    def test_o3_move_a_disk(self):
        x = self.x("Production")
        vm = self.ref("Production", "VM", "jump-host")
        host = x.VM.get_resident_on(vm)
        iscsi = self.ref("Production", "SR", "Prod-iSCSI")
        vdi = self.disks("Production", vm)[0]
        record = self.wait("Production", x.Async.VDI.pool_migrate(vdi, iscsi, {}))
        self.assertEqual(record["status"], "success", record["error_info"])
        new = unwrap(record["result"])
        self.assertNotEqual(new, vdi)
        self.assertEqual(x.VDI.get_SR(new), iscsi)
        self.assertEqual(self.disks("Production", vm), [new])
        self.assertEqual(x.VM.get_resident_on(vm), host)
        self.assert_invariants()

    # O4 ------------------------------------------------------------------
    def test_o4_move_a_halted_vm_within_the_pool(self):
        x = self.x("Production")
        vm = self.ref("Production", "VM", "test-halted")
        iscsi = self.ref("Production", "SR", "Prod-iSCSI")
        old = self.disks("Production", vm)[0]
        old_vbd = x.VDI.get_VBDs(old)[0]
        record = self.wait("Production", x.Async.VDI.copy(old, iscsi))
        self.assertEqual(record["status"], "success", record["error_info"])
        copy = unwrap(record["result"])
        x.VBD.destroy(old_vbd)
        x.VBD.create({"VM": vm, "VDI": copy, "userdevice": "0", "bootable": True, "mode": "RW",
                      "type": "Disk", "empty": False, "other_config": {}, "unpluggable": True,
                      "qos_algorithm_type": "", "qos_algorithm_params": {}})
        x.VDI.destroy(old)
        self.assertEqual(self.disks("Production", vm), [copy])
        self.assert_invariants()

        # …and back with migrate_send, live=false.
        dest = self.receive("Production", "prod-host-02", "Management")
        nfs = self.ref("Production", "SR", "Prod-NFS")
        self.assertEqual(x.VM.migrate_send(vm, dest, False, {copy: nfs}, {}, {}), vm)
        self.assertEqual(x.VDI.get_SR(self.disks("Production", vm)[0]), nfs)
        self.assertEqual(x.VM.get_power_state(vm), "Halted")
        self.assert_invariants()

    def test_o4_move_a_halted_vm_to_another_pool(self):
        legacy, lab = self.x("legacy-01"), self.x("Lab")
        vm = self.ref("legacy-01", "VM", "legacy-halted")
        uuid = legacy.VM.get_uuid(vm)
        dest = self.receive("Lab", "lab-host-01", "Management")
        vdi_map = {vdi: self.ref("Lab", "SR", "Lab-NFS") for vdi in self.disks("legacy-01", vm)}
        vif_map = {vif: self.ref("Lab", "network", "Lab network") for vif in legacy.VM.get_VIFs(vm)}
        moved = legacy.VM.migrate_send(vm, dest, False, vdi_map, vif_map, {})
        self.assertEqual(lab.VM.get_by_uuid(uuid), moved)
        self.assertEqual(lab.VM.get_power_state(moved), "Halted")
        self.assert_invariants()

    # O5 ------------------------------------------------------------------
    def test_o5_evacuate(self):
        x = self.x("Evac")
        host = self.ref("Evac", "host", "ev-1")
        x.host.disable(host)
        self.assertEqual(x.host.get_vms_which_prevent_evacuation(host), {})
        x.host.assert_can_evacuate(host)
        record = self.wait("Evac", x.Async.host.evacuate(host, self.ref("Evac", "network", "Migration"), "2"))
        self.assertEqual(record["status"], "success", record["error_info"])
        resident = x.host.get_resident_VMs(host)
        self.assertEqual([x.VM.get_is_control_domain(v) for v in resident], [True])
        self.assertFalse(x.host.get_enabled(host))
        x.host.enable(host)
        self.assert_invariants()

    def test_o5_blocked_by_ha(self):
        x = self.x("Production")
        host = self.ref("Production", "host", "prod-host-02")
        blockers = x.host.get_vms_which_prevent_evacuation(host)
        app = self.ref("Production", "VM", "app-01")
        self.assertEqual(blockers[app], ["HOST_EVACUATE_VM_NOT_HA_PROTECTED", app])
        with self.assertRaises(XenAPI.Failure) as caught:
            x.host.assert_can_evacuate(host)
        self.assertEqual(caught.exception.details[0], "CANNOT_EVACUATE_HOST")
        self.assertIn(f"HOST_EVACUATE_VM_NOT_HA_PROTECTED,{app}", caught.exception.details[1].split("|"))


if __name__ == "__main__":
    unittest.main(verbosity=2)

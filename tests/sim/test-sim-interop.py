#!/usr/bin/python3
# Interoperability: Debian's python3-os-xenapi (the classic XenAPI.py, XML-RPC)
# must not be able to tell ferry-sim from a real pool.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import json
import os
import ssl
import subprocess
import sys
import time
import unittest
import xmlrpc.client

try:
    from os_xenapi.client import XenAPI
except ImportError:  # pragma: no cover
    print("1..0 # SKIP python3-os-xenapi is not installed")
    sys.exit(77)

SIM = os.path.join(os.environ.get("FERRY_BUILD_ROOT", "_build"), "src", "ferry-sim", "ferry-sim")
SCENARIO = os.path.join(os.environ.get("FERRY_SOURCE_ROOT", "."), "data", "scenarios", "demo.json")


class Interop(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.proc = subprocess.Popen([SIM, "--scenario", SCENARIO, "--port", "0"],
                                    stdout=subprocess.PIPE, text=True)
        cls.world = json.loads(cls.proc.stdout.readline())
        production = [p for p in cls.world["pools"] if p["name"] == "Production"][0]
        cls.master = production["master_http"]
        cls.master_tls = production["master"]
        cls.member = [h["http_url"] for h in production["hosts"] if not h["master"]][0]
        cls.master_address = [h["address"] for h in production["hosts"] if h["master"]][0]

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(10)

    def session(self, url=None, transport=None):
        s = XenAPI.Session(url or self.master, transport=transport)
        s.login_with_password("root", "demo", "2.21", "ferry-interop-test")
        self.addCleanup(s.xenapi.session.logout)
        return s

    def test_login_reads_api_version(self):
        s = self.session()
        # XenAPI.py reads pool.get_master and host.get_API_version_* at login.
        self.assertEqual(s.API_version, "2.21")

    def test_bad_password_is_a_xapi_failure(self):
        s = XenAPI.Session(self.master)
        with self.assertRaises(XenAPI.Failure) as caught:
            s.login_with_password("root", "wrong")
        self.assertEqual(caught.exception.details,
                         ["SESSION_AUTHENTICATION_FAILED", "root", "Authentication failure"])

    def test_list_vms_and_read_records(self):
        s = self.session()
        records = s.xenapi.VM.get_all_records()
        vms = {ref: r for ref, r in records.items()
               if not r["is_a_template"] and not r["is_control_domain"] and not r["is_a_snapshot"]}
        self.assertGreaterEqual(len(vms), 30)
        ref, record = next(iter(vms.items()))
        self.assertEqual(s.xenapi.VM.get_record(ref)["uuid"], record["uuid"])
        self.assertEqual(s.xenapi.VM.get_by_uuid(record["uuid"]), ref)
        # int64 arrives as a bare string, as from a real host.
        self.assertIsInstance(record["memory_static_max"], str)
        self.assertTrue(record["memory_static_max"].isdigit())
        self.assertIn(record["power_state"], ("Halted", "Running", "Paused", "Suspended"))
        for vbd in record["VBDs"]:
            self.assertEqual(s.xenapi.VBD.get_VM(vbd), ref)

    def test_async_call_and_its_task(self):
        s = self.session()
        records = s.xenapi.VM.get_all_records()
        running = [ref for ref, r in records.items()
                   if r["power_state"] == "Running" and not r["is_control_domain"]][0]
        task = s.xenapi.Async.VM.pause(running)
        self.assertTrue(task.startswith("OpaqueRef:"))
        for _ in range(500):
            status = s.xenapi.task.get_status(task)
            if status != "pending":
                break
            time.sleep(0.01)
        self.assertEqual(status, "success")
        self.assertEqual(s.xenapi.task.get_result(task), "<value></value>")
        self.assertEqual(s.xenapi.task.get_progress(task), 1.0)
        self.assertEqual(s.xenapi.VM.get_power_state(running), "Paused")
        s.xenapi.task.destroy(task)
        s.xenapi.VM.unpause(running)

    def test_async_failure_lands_in_the_task(self):
        s = self.session()
        records = s.xenapi.VM.get_all_records()
        halted = [ref for ref, r in records.items()
                  if r["power_state"] == "Halted" and not r["is_a_template"] and not r["is_a_snapshot"]][0]
        task = s.xenapi.Async.VM.pause(halted)
        for _ in range(500):
            if s.xenapi.task.get_status(task) != "pending":
                break
            time.sleep(0.01)
        self.assertEqual(s.xenapi.task.get_status(task), "failure")
        self.assertEqual(s.xenapi.task.get_error_info(task),
                         ["VM_BAD_POWER_STATE", halted, "running", "halted"])

    def test_errors_decode_as_from_a_real_host(self):
        s = self.session()
        with self.assertRaises(XenAPI.Failure) as caught:
            s.xenapi.VM.get_record("OpaqueRef:no-such-vm")
        self.assertEqual(caught.exception.details, ["HANDLE_INVALID", "VM", "OpaqueRef:no-such-vm"])
        with self.assertRaises(XenAPI.Failure) as caught:
            s.xenapi.VM.no_such_message()
        self.assertEqual(caught.exception.details, ["MESSAGE_METHOD_UNKNOWN", "VM.no_such_message"])

    def test_member_sends_clients_to_the_master(self):
        s = XenAPI.Session(self.member)
        with self.assertRaises(XenAPI.Failure) as caught:
            s.login_with_password("root", "demo")
        self.assertEqual(caught.exception.details, ["HOST_IS_SLAVE", self.master_address])

    def test_https(self):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        s = self.session(self.master_tls, xmlrpc.client.SafeTransport(context=context))
        self.assertEqual(len(s.xenapi.host.get_all()), 4)

    def test_expired_session_is_renewed_by_the_client(self):
        s = self.session()
        s.xenapi.pool.get_all()
        # A logout behind the client's back: XenAPI.py sees SESSION_INVALID and logs in again.
        raw = xmlrpc.client.ServerProxy(self.master)
        raw.session.logout(s._session)
        self.assertEqual(len(s.xenapi.pool.get_all()), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)

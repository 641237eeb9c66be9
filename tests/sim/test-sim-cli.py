#!/usr/bin/python3
# ferry-sim as a program: its options, its first line, and its errors (exit status 2).
#
# SPDX-License-Identifier: GPL-3.0-or-later
import json
import os
import subprocess
import tempfile
import unittest
import urllib.request

SIM = os.path.join(os.environ.get("FERRY_BUILD_ROOT", "_build"), "src", "ferry-sim", "ferry-sim")
TESTDATA = os.environ.get("FERRY_TESTDATA_DIR", "")


def run(*args, timeout=30):
    return subprocess.run([SIM, *args], capture_output=True, text=True, timeout=timeout)


def start(*args):
    proc = subprocess.Popen([SIM, "--port", "0", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line:
        proc.wait(10)
        raise AssertionError("ferry-sim did not start: " + proc.stderr.read())
    return proc, json.loads(line)


def login(url, password="demo"):
    body = json.dumps({"jsonrpc": "2.0", "method": "session.login_with_password",
                       "params": ["root", password], "id": 1}).encode()
    req = urllib.request.Request(url + "jsonrpc", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as reply:
        return json.loads(reply.read())


class Cli(unittest.TestCase):
    def write(self, text, suffix=".json"):
        f = tempfile.NamedTemporaryFile("w", suffix=suffix, delete=False)
        f.write(text)
        f.close()
        self.addCleanup(os.unlink, f.name)
        return f.name

    def test_version(self):
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        self.assertTrue(r.stdout.startswith("ferry-sim "))

    def test_default_is_the_demo(self):
        proc, world = start()
        try:
            names = [p["name"] for p in world["pools"]]
            self.assertIn("Production", names)
            self.assertIn("Lab", names)
            self.assertGreaterEqual(len(world["standalone"]), 1)
            every_url = [h["url"] for p in world["pools"] for h in p["hosts"]] + \
                        [h["url"] for h in world["standalone"]]
            self.assertEqual(len(every_url), len(set(every_url)), "each host has its own port")
        finally:
            proc.terminate()
            proc.wait(10)

    def test_broken_scenario_names_file_and_line(self):
        path = self.write('{\n  "pools": [\n    { "name": "P", "hosts": [ { "name": "h1" } ],\n'
                          '      "vms": [ { "name": "v", "host": "nowhere", "power_state": "Running" } ] }\n  ]\n}\n')
        r = run("--scenario", path)
        self.assertEqual(r.returncode, 2)
        self.assertRegex(r.stderr, rf"{path}:\d+: ")
        self.assertEqual(r.stdout, "")

    def test_unparsable_scenario(self):
        path = self.write('{\n  "pools": [\n    {\n')
        r = run("--scenario", path)
        self.assertEqual(r.returncode, 2)
        self.assertRegex(r.stderr, rf"{path}:\d+: ")

    def test_missing_file(self):
        r = run("--scenario", "/nonexistent/scenario.json")
        self.assertEqual(r.returncode, 2)
        self.assertIn("/nonexistent/scenario.json", r.stderr)

    def test_broken_state_db(self):
        path = self.write('<?xml version="1.0"?>\n<database>\n<table name="VM">\n<row ref="x"\n', ".xml")
        r = run("--state-db", path)
        self.assertEqual(r.returncode, 2)
        self.assertRegex(r.stderr, rf"{path}:\d+: ")

    def test_bad_generate_spec(self):
        r = run("--generate", "hosts=banana")
        self.assertEqual(r.returncode, 2)
        self.assertIn("hosts", r.stderr)

    def test_bad_port(self):
        r = run("--port", "70000")
        self.assertEqual(r.returncode, 2)

    @unittest.skipUnless(os.path.isdir(TESTDATA), "shared testdata not present")
    def test_state_db_with_password(self):
        proc, world = start("--state-db", os.path.join(TESTDATA, "xapi-db", "boston-db.xml"),
                            "--password", "s3cret")
        try:
            pool = world["pools"][0]
            self.assertEqual(len(pool["hosts"]), 2)
            self.assertIn("result", login(pool["master_http"], "s3cret"))
            self.assertEqual(login(pool["master_http"], "demo")["error"]["message"],
                             "SESSION_AUTHENTICATION_FAILED")
        finally:
            proc.terminate()
            proc.wait(10)

    def test_generate(self):
        proc, world = start("--generate", "hosts=3,vms=20,seed=7")
        try:
            self.assertEqual(len(world["pools"][0]["hosts"]), 3)
            self.assertIn("result", login(world["pools"][0]["master_http"]))
        finally:
            proc.terminate()
            proc.wait(10)

    def test_tls_cert_and_key_go_together(self):
        r = run("--tls-cert", "/tmp/x.pem")
        self.assertEqual(r.returncode, 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)

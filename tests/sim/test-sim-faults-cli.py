#!/usr/bin/python3
# ferry-sim --faults FILE and --time-scale, and the /sim control endpoint, on the binary.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import http.client
import json
import os
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

SIM = os.path.join(os.environ.get("FERRY_BUILD_ROOT", "_build"), "src", "ferry-sim", "ferry-sim")


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


def rpc(url, method, params):
    body = json.dumps({"jsonrpc": "2.0", "method": method, "params": params, "id": 1}).encode()
    req = urllib.request.Request(url + "jsonrpc", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=20) as reply:
        return json.loads(reply.read())


def control(url, path, method="GET", body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + path.lstrip("/"), data, method=method)
    with urllib.request.urlopen(req, timeout=20) as reply:
        return json.loads(reply.read())


def pool(world, name):
    return next(p for p in world["pools"] if p["name"] == name)


def member(world, pool_name):
    return next(h for h in pool(world, pool_name)["hosts"] if not h["master"])


class FaultsCli(unittest.TestCase):
    def write(self, text):
        f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        f.write(text)
        f.close()
        self.addCleanup(os.unlink, f.name)
        return f.name

    def start(self, *args):
        proc, world = start(*args)

        def stop():
            proc.terminate()
            proc.wait(10)
            proc.stdout.close()
            proc.stderr.close()
        self.addCleanup(stop)
        return world

    def test_faults_file_is_loaded_and_shown(self):
        path = self.write(json.dumps({
            "comment": "a session cut and a slow login",
            "faults": [
                {"type": "slow_responses", "delay": 3, "count": 1,
                 "method": "session.login_with_password"},
                {"type": "expire_sessions", "pool": "Production", "after": 20},
            ]}))
        world = self.start("--faults", path, "--time-scale", "10")
        url = pool(world, "Production")["master_http"]

        state = control(url, "/sim/faults")
        self.assertEqual([f["type"] for f in state["faults"]], ["slow_responses", "expire_sessions"])
        self.assertEqual([f["state"] for f in state["faults"]], ["armed", "pending"])
        self.assertEqual(control(url, "/sim/time")["time_scale"], 10)

        # 3 simulated seconds at 10x: 0.3 s.
        started = time.monotonic()
        session = rpc(url, "session.login_with_password", ["root", "demo"])["result"]
        self.assertGreaterEqual(time.monotonic() - started, 0.29)
        started = time.monotonic()
        rpc(url, "pool.get_all", [session])
        self.assertLess(time.monotonic() - started, 0.25)

        # 20 simulated seconds after start (2 s real) every session ends.
        self.assertIn("result", rpc(url, "pool.get_all", [session]))
        deadline = time.monotonic() + 10
        while control(url, "/sim/faults")["faults"][1]["state"] != "spent":
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.1)
        reply = rpc(url, "pool.get_all", [session])
        self.assertEqual(reply["error"]["message"], "SESSION_INVALID")

        self.assertEqual(control(url, "/sim/faults", "DELETE")["faults"], [])
        self.assertTrue(control(url, "/sim/invariants")["ok"])

    def test_refused_connection(self):
        path = self.write(json.dumps([{"type": "refuse_connections", "host": "prod-host-02", "count": 1}]))
        world = self.start("--faults", path)
        host = member(world, "Production")
        self.assertEqual(host["name"], "prod-host-02")
        address, port = host["address"].rsplit(":", 1)

        conn = http.client.HTTPConnection(address, int(port), timeout=10)
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            conn.request("POST", "/jsonrpc", b"{}", {"Content-Type": "application/json"})
            conn.getresponse()
        conn.close()

        reply = rpc(host["http_url"], "session.login_with_password", ["root", "demo"])
        self.assertEqual(reply["error"]["message"], "HOST_IS_SLAVE")
        self.assertEqual(control(host["http_url"], "/sim/faults")["faults"][0]["state"], "spent")

    def test_bad_faults_file(self):
        path = self.write('{"faults": [{"type": "fail_migration", "count": 0}]}\n')
        r = run("--port", "0", "--faults", path)
        self.assertEqual(r.returncode, 2)
        self.assertIn(path, r.stderr)
        self.assertIn("Fault 1:", r.stderr)
        self.assertEqual(r.stdout, "")

        r = run("--port", "0", "--faults", "/nonexistent/faults.json")
        self.assertEqual(r.returncode, 2)
        self.assertIn("/nonexistent/faults.json", r.stderr)

    def test_bad_time_scale(self):
        for value in ("0", "-2", "nan", "fast"):
            r = run("--time-scale", value)
            self.assertEqual(r.returncode, 2, value)
            self.assertIn("time-scale", r.stderr)

    def test_control_only_on_loopback(self):
        world = self.start("--bind", "0.0.0.0")
        port = pool(world, "Production")["hosts"][0]["address"].rsplit(":", 1)[1]
        with self.assertRaises(urllib.error.HTTPError) as cm:
            control(f"http://127.0.0.1:{port}/", "/sim/faults")
        self.assertEqual(cm.exception.code, 404)

    def test_control_errors(self):
        world = self.start()
        url = pool(world, "Production")["master_http"]
        with self.assertRaises(urllib.error.HTTPError) as cm:
            control(url, "/sim/faults", "POST", {"type": "nonsense"})
        self.assertEqual(cm.exception.code, 400)
        self.assertIn("nonsense", json.loads(cm.exception.read())["error"])
        with self.assertRaises(urllib.error.HTTPError) as cm:
            control(url, "/sim/nothing")
        self.assertEqual(cm.exception.code, 404)
        with self.assertRaises(urllib.error.HTTPError) as cm:
            control(url, "/sim/invariants", "DELETE")
        self.assertEqual(cm.exception.code, 405)
        self.assertTrue(control(url, "/sim/invariants")["ok"])


if __name__ == "__main__":
    unittest.main(verbosity=2)

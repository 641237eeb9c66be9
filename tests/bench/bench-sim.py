#!/usr/bin/python3
# ferry-sim serve times and memory on a generated pool (issue: simulator foundation).
# Targets: VM.get_all_records < 1 s, a full event.from snapshot < 1 s, RSS < 400 MB,
# with 64 hosts, 10,000 VMs and 20,000 VDIs on a 2-core machine.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import json
import os
import subprocess
import sys
import time
import urllib.request

SIM = sys.argv[1] if len(sys.argv) > 1 else "_build-release/src/ferry-sim/ferry-sim"
SPEC = os.environ.get("FERRY_BENCH_SPEC", "hosts=64,vms=10000,vdis=20000,seed=1")
ROUNDS = int(os.environ.get("FERRY_BENCH_ROUNDS", "5"))


def rpc_raw(url, method, params):
    """The time until the whole reply has arrived, and its size; no parsing."""
    body = json.dumps({"jsonrpc": "2.0", "method": method, "params": params, "id": 1}).encode()
    req = urllib.request.Request(url + "jsonrpc", body, {"Content-Type": "application/json"})
    t = time.monotonic()
    with urllib.request.urlopen(req, timeout=120) as reply:
        data = reply.read()
    return time.monotonic() - t, data


def rpc(url, method, params):
    _, data = rpc_raw(url, method, params)
    return json.loads(data)


def rss_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def best(times):
    return min(times), sorted(times)[len(times) // 2]


def main():
    start = time.monotonic()
    proc = subprocess.Popen([SIM, "--generate", SPEC, "--port", "0"], stdout=subprocess.PIPE, text=True)
    world = json.loads(proc.stdout.readline())
    ready = time.monotonic() - start
    url = world["pools"][0]["master_http"]
    try:
        session = rpc(url, "session.login_with_password", ["root", "demo"])["result"]
        counts = rpc(url, "event.from", [session, ["vm", "vdi", "host"], "", 0.0])["result"]["valid_ref_counts"]

        get_all = []
        size_records = 0
        for _ in range(ROUNDS):
            elapsed, data = rpc_raw(url, "VM.get_all_records", [session])
            get_all.append(elapsed)
            size_records = len(data)

        snapshot = []
        size_snapshot = 0
        for _ in range(ROUNDS):
            elapsed, data = rpc_raw(url, "event.from", [session, ["*"], "", 0.0])
            snapshot.append(elapsed)
            size_snapshot = len(data)
        del data

        rss = rss_kib(proc.pid, "VmRSS")
        peak = rss_kib(proc.pid, "VmHWM")
    finally:
        proc.terminate()
        proc.wait(10)

    rows = [
        ("pool", f"{counts.get('host')} hosts, {counts.get('vm')} VMs, {counts.get('vdi')} VDIs", ""),
        ("start to listening (generate + certificates)", f"{ready:.2f} s", ""),
        ("VM.get_all_records (best / median)", "%.3f s / %.3f s" % best(get_all), "< 1 s"),
        ("  reply size", f"{size_records / 1e6:.1f} MB", ""),
        ("event.from full snapshot (best / median)", "%.3f s / %.3f s" % best(snapshot), "< 1 s"),
        ("  reply size", f"{size_snapshot / 1e6:.1f} MB", ""),
        ("RSS now / peak", f"{rss / 1024:.0f} MB / {peak / 1024:.0f} MB", "< 400 MB"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:<24} {target}")
    ok = best(get_all)[1] < 1.0 and best(snapshot)[1] < 1.0 and peak / 1024 < 400
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
# The connection layer against Debian's XenAPI client, on a generated pool
# (issue: engine connection layer, point 7).
#
# Targets, with ferry-sim --generate hosts=64,vms=10000 on a 2-core machine:
#   - connection start to a fully populated FerryCache  < 2 s
#   - peak RSS of the client process                      < 250 MB
#   - at least 3x faster than os_xenapi's XenAPI.Session fetching
#     get_all_records for the same classes (aim)
#
# Usage: tests/bench/bench-engine.py [BUILD_DIR]     (default: _build)
#   FERRY_BENCH_SPEC   the pool (default hosts=64,vms=10000)
#   FERRY_BENCH_TLS=1  both clients over HTTPS instead of plain HTTP
#
# SPDX-License-Identifier: GPL-3.0-or-later
import json
import os
import resource
import ssl
import subprocess
import sys
import time

BUILD = sys.argv[1] if len(sys.argv) > 1 else "_build"
SIM = os.path.join(BUILD, "src", "ferry-sim", "ferry-sim")
BENCH = os.path.join(BUILD, "tests", "bench", "bench-engine")
SPEC = os.environ.get("FERRY_BENCH_SPEC", "hosts=64,vms=10000")
TLS = os.environ.get("FERRY_BENCH_TLS", "0") == "1"

# Every class the FerryCache keeps (src/libferry/ferry-types.h), by wire name.
CLASSES = [
    "pool", "host", "host_metrics", "host_cpu", "VM", "VM_metrics", "VM_guest_metrics",
    "SR", "SM", "PBD", "VDI", "VBD", "VIF", "network", "PIF", "PCI", "PGPU", "GPU_group",
    "VGPU", "VGPU_type", "VUSB", "PUSB", "USB_group", "Cluster", "Cluster_host",
    "task", "message",
]


def time_os_xenapi(url):
    """Login, then get_all_records of every class, as a script would."""
    from os_xenapi.client import XenAPI

    if TLS:
        # xmlrpc.client takes an SSL context through its transport.
        import xmlrpc.client
        context = ssl._create_unverified_context()
        transport = xmlrpc.client.SafeTransport(context=context)
        session = XenAPI.Session(url, transport=transport)
    else:
        session = XenAPI.Session(url)

    start = time.monotonic()
    session.xenapi.login_with_password("root", "demo", "2.21", "bench-engine.py")
    objects = 0
    fetched = []
    for cls in CLASSES:
        try:
            records = getattr(session.xenapi, cls).get_all_records()
        except XenAPI.Failure as failure:
            if failure.details and failure.details[0] == "MESSAGE_METHOD_UNKNOWN":
                continue
            raise
        objects += len(records)
        fetched.append(cls)
    elapsed = time.monotonic() - start
    session.xenapi.session.logout()
    return elapsed, objects, fetched


def main():
    for path in (SIM, BENCH):
        if not os.path.exists(path):
            print(f"{path} is missing: build with tests first (meson setup {BUILD})", file=sys.stderr)
            return 2

    sim = subprocess.Popen([SIM, "--generate", SPEC, "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        world = json.loads(sim.stdout.readline())
        pool = world["pools"][0]
        url = pool["master"] if TLS else pool["master_http"]

        # Ferry: a process of its own, so that its peak RSS is its own.
        args = [BENCH, "--url", url] + (["--tls"] if TLS else [])
        run = subprocess.run(args, stdout=subprocess.PIPE, text=True, check=True)
        print(run.stdout.rstrip())
        ferry = json.loads(run.stdout.strip().splitlines()[-1])

        # Debian's XenAPI client, best of three.
        rounds = [time_os_xenapi(url) for _ in range(3)]
        python_s = min(r[0] for r in rounds)
        python_objects = rounds[0][1]
        python_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    finally:
        sim.terminate()
        sim.wait(10)

    ratio = python_s / ferry["populated_s"]
    print()
    rows = [
        ("pool", SPEC + (" (https)" if TLS else " (http)"), ""),
        ("Ferry: connect to cache populated", f"{ferry['populated_s']:.3f} s", "< 2 s"),
        ("Ferry: peak RSS", f"{ferry['peak_rss_mb']:.0f} MB", "< 250 MB"),
        ("Ferry: objects cached", str(ferry["objects"]), ""),
        ("os_xenapi: login + get_all_records", f"{python_s:.3f} s (best of 3)", ""),
        ("os_xenapi: objects, classes", f"{python_objects}, {len(rounds[0][2])}", ""),
        ("os_xenapi: peak RSS (this script)", f"{python_rss:.0f} MB", ""),
        ("Ferry is faster by", f"{ratio:.1f}x", ">= 3x (aim)"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:<28} {target}")

    ok = ferry["populated_s"] < 2.0 and ferry["peak_rss_mb"] < 250
    print("targets met" if ok and ratio >= 3 else
          "targets met (ratio below the 3x aim)" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

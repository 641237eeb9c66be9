#!/usr/bin/python3
# Relay moves through this computer (ferry-relay.h) against a plain curl
# pipe of the same export into the same import, in the same run.
#
# Targets (issue 11, point 5), a VM with 8 GiB of disks, 2 GiB written:
#   - Ferry's relay reaches at least 80 % of the throughput of
#     curl GET /export | curl -0 PUT /import (unsized, as xapi takes it)
#   - the relaying process stays under 64 MB of RSS, with 2 GiB and 8 GiB
#     of disks alike
#
# Usage: tests/bench/bench-relay.py [BUILD_DIR | path/to/ferry-sim]
#   (./run bench passes the release ferry-sim; bench-relay is built with the
#   tests, so a test build (_build-relay, _build) is used for it.)
#
# SPDX-License-Identifier: GPL-3.0-or-later
import json
import os
import subprocess
import sys
import tempfile
import time
import xmlrpc.client

GiB = 1024 ** 3

SCENARIO = {
    "users": {"root": "demo"},
    "pools": [
        {"name": "Src", "hosts": [{"name": "s-1"}],
         "networks": [{"name": "LAN", "nic": "eth0", "management": True}],
         "srs": [{"name": "Src-NFS", "type": "nfs", "size": "1 TiB"}],
         "vms": [
             {"name": "vm-8g", "disks": [{"size": "2 GiB", "sr": "Src-NFS", "used": "512 MiB"}] * 4},
             {"name": "vm-2g", "disks": [{"size": "2 GiB", "sr": "Src-NFS", "used": "512 MiB"}]},
         ]},
        {"name": "Dst", "hosts": [{"name": "d-1"}],
         "networks": [{"name": "LAN", "nic": "eth0", "management": True}],
         "srs": [{"name": "Dst-NFS", "type": "nfs", "size": "4 TiB"}]},
    ],
}


def find_builds(arg):
    if arg and os.path.isfile(arg):
        sim = arg
        candidates = [os.path.dirname(os.path.dirname(os.path.dirname(arg)))]
    else:
        candidates = [arg] if arg else []
        sim = None
    candidates += ["_build-relay", "_build"]
    for build in candidates:
        bench = os.path.join(build, "tests", "bench", "bench-relay")
        if os.path.exists(bench):
            return sim or os.path.join(build, "src", "ferry-sim", "ferry-sim"), bench
    return None, None


def main():
    sim, bench = find_builds(sys.argv[1] if len(sys.argv) > 1 else None)
    if bench is None:
        print("bench-relay: no test build with tests/bench/bench-relay (meson setup _build)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "relay.json")
        with open(path, "w") as f:
            json.dump(SCENARIO, f)
        proc = subprocess.Popen([sim, "--scenario", path, "--port", "0"], stdout=subprocess.PIPE, text=True)
        try:
            ann = json.loads(proc.stdout.readline())
            src = ann["pools"][0]["master_http"]
            dst = ann["pools"][1]["master_http"]
            return run(src, dst, bench)
        finally:
            proc.terminate()
            proc.wait()


def curl_pipe(src, dst, vm_name):
    s = xmlrpc.client.ServerProxy(src)
    d = xmlrpc.client.ServerProxy(dst)
    ss = s.session.login_with_password("root", "demo")["Value"]
    ds = d.session.login_with_password("root", "demo")["Value"]
    vm = s.VM.get_by_name_label(ss, vm_name)["Value"][0]
    sr = d.SR.get_by_name_label(ds, "Dst-NFS")["Value"][0]
    export = f"{src}export?session_id={ss}&ref={vm}&use_compression=false"
    imp = f"{dst}import?session_id={ds}&sr_id={sr}"
    start = time.monotonic()
    cmd = (f"curl -sS -f '{export}' | "
           # As xapi takes a body of unknown length: HTTP/1.0, no length,
           # no Transfer-Encoding (import.ml refuses chunked ones).
           f"curl -sS -f -0 -T - -H 'Transfer-Encoding:' -o /dev/null '{imp}'")
    subprocess.run(cmd, shell=True, check=True)
    return time.monotonic() - start


def ferry_relay(bench, src, dst, vm_name):
    out = subprocess.run([bench, src, dst, vm_name, "Dst-NFS"], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    return json.loads(out.stdout)


def run(src, dst, bench):
    status = 0
    written = 2 * GiB
    # Warm-up (page cache, first connections).
    curl_pipe(src, dst, "vm-2g")
    for vm, size in (("vm-8g", 8), ("vm-2g", 2)):
        # Interleaved, best of three each: other load on the machine hits both alike.
        curls, runs = [], []
        for _ in range(3):
            curls.append(curl_pipe(src, dst, vm))
            runs.append(ferry_relay(bench, src, dst, vm))
        curl_s = min(curls)
        best = min(runs, key=lambda r: r["seconds"])
        rss = max(r["max_rss_kb"] for r in runs) / 1024
        data = written if size == 8 else written // 4
        ratio = curl_s / best["seconds"]
        print(f"{vm}: {size} GiB of disks, {data / GiB:.1f} GiB written")
        print(f"  curl | curl      {curl_s:6.2f} s  {data / curl_s / 2**20:7.1f} MiB/s")
        print(f"  Ferry relay      {best['seconds']:6.2f} s  {data / best['seconds'] / 2**20:7.1f} MiB/s"
              f"  = {ratio * 100:5.1f} % of curl (target >= 80 %)")
        print(f"  Ferry max RSS    {rss:6.1f} MB (target < 64 MB); {best['bytes'] / 2**20:.0f} MiB relayed")
        if size == 8 and ratio < 0.8:
            status = 1
        if rss >= 64:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())

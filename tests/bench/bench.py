#!/usr/bin/python3
# Every benchmark in one table, and bench-results.json (what ./run bench runs).
#
# Usage: tests/bench/bench.py RELEASE_BUILD_DIR [OUTPUT.json]
#   FERRY_BENCH_SPEC     the generated pool (default hosts=64,vms=10000,vdis=20000,seed=1)
#   FERRY_BENCH_SKIP     comma-separated sections to leave out (sim, engine, events,
#                        rules, ui, evac, xenapi, relay); they show as n/a
#
# Each row is measured in this run, or "n/a" with the reason (a component
# not built, xvfb-run missing, …): never a number from elsewhere.
# Sections: the simulator's serve times (bench-sim.py), the engine's
# connect-to-ready time and peak RSS (bench-engine), the event apply rate
# (bench-cache), the feasibility grid (bench-rules), the GUI
# (bench-ui, under Xvfb), the makespan of an evacuation in simulated time
# (bench-evac), Debian's python3-os-xenapi doing the same full fetch as
# the engine (a ratio), and the relay (bench-relay.py) when present.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = sys.argv[1] if len(sys.argv) > 1 else "_build-release"
OUTPUT = sys.argv[2] if len(sys.argv) > 2 else "bench-results.json"
SPEC = os.environ.get("FERRY_BENCH_SPEC", "hosts=64,vms=10000,vdis=20000,seed=1")
SKIP = set(filter(None, os.environ.get("FERRY_BENCH_SKIP", "").split(",")))
SIM = os.path.join(BUILD, "src", "ferry-sim", "ferry-sim")

rows = []      # (section, name, value text, target)
results = {}   # name → number or {"value": None, "reason": …}


def load(name):
    spec = importlib.util.spec_from_file_location(name.replace("-", "_"), os.path.join(HERE, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def record(section, key, label, value, unit, target="", digits=3):
    results[key] = value
    rows.append((section, label, f"{value:.{digits}f} {unit}".strip(), target))


def missing(section, key, label, reason):
    results[key] = {"value": None, "reason": reason}
    rows.append((section, label, "n/a", reason))


def exe(*parts):
    path = os.path.join(BUILD, *parts)
    return path if os.path.exists(path) else None


class Sim:
    def __init__(self, *args):
        self.proc = subprocess.Popen([SIM, "--port", "0", *args], stdout=subprocess.PIPE, text=True)
        self.world = json.loads(self.proc.stdout.readline())

    def pool(self):
        return self.world["pools"][0]

    def address(self):
        return self.pool()["master_http"].split("//")[1].rstrip("/")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)
        self.proc.stdout.close()


def bench_sim(sim):
    bench = load("bench-sim")
    url = sim.pool()["master_http"]
    session = bench.rpc(url, "session.login_with_password", ["root", "demo"])["result"]
    counts = bench.rpc(url, "event.from", [session, ["vm", "vdi", "host"], "", 0.0])["result"]["valid_ref_counts"]
    results["pool"] = {"spec": SPEC, "hosts": counts.get("host"), "vms": counts.get("vm"), "vdis": counts.get("vdi")}
    rows.append(("pool", "generated pool", f"{counts.get('host')} hosts, {counts.get('vm')} VMs, "
                 f"{counts.get('vdi')} VDIs", ""))
    get_all = min(bench.rpc_raw(url, "VM.get_all_records", [session])[0] for _ in range(3))
    snapshot = min(bench.rpc_raw(url, "event.from", [session, ["*"], "", 0.0])[0] for _ in range(3))
    record("sim", "sim_get_all_records_s", "VM.get_all_records serve (best of 3)", get_all, "s", "< 1 s")
    record("sim", "sim_event_from_snapshot_s", "event.from full snapshot serve (best of 3)", snapshot, "s", "< 1 s")


def bench_engine(sim):
    path = exe("tests", "bench", "bench-engine")
    if path is None:
        missing("engine", "engine_ready_s", "connect to cache populated", "bench-engine not built (tests off)")
        missing("engine", "engine_peak_rss_mb", "engine peak RSS", "bench-engine not built")
        return None
    run = subprocess.run([path, "--url", sim.pool()["master_http"]], stdout=subprocess.PIPE, text=True, check=True)
    ferry = json.loads(run.stdout.strip().splitlines()[-1])
    record("engine", "engine_ready_s", "connect to cache populated", ferry["populated_s"], "s", "< 2 s")
    record("engine", "engine_peak_rss_mb", "engine peak RSS", ferry["peak_rss_mb"], "MB", "< 250 MB", 0)
    results["engine_objects"] = ferry["objects"]
    return ferry["populated_s"]


def bench_xenapi(sim, ferry_s):
    try:
        bench = load("bench-engine")
        python_s = min(bench.time_os_xenapi(sim.pool()["master_http"])[0] for _ in range(2))
    except ImportError as e:
        missing("xenapi", "os_xenapi_full_fetch_s", "python3-os-xenapi full fetch", f"not installed ({e})")
        missing("xenapi", "os_xenapi_ratio", "os_xenapi time / Ferry time", "os_xenapi not installed")
        return
    record("xenapi", "os_xenapi_full_fetch_s", "python3-os-xenapi login + get_all_records (best of 2)",
           python_s, "s")
    if ferry_s is None:
        missing("xenapi", "os_xenapi_ratio", "os_xenapi time / Ferry time", "no Ferry time (bench-engine missing)")
    else:
        record("xenapi", "os_xenapi_ratio", "os_xenapi time / Ferry time (higher: Ferry faster)",
               python_s / ferry_s, "x", ">= 3x (aim)", 1)


def bench_events(sim):
    path = exe("tests", "bench", "bench-cache")
    if path is None:
        missing("events", "event_apply_rate", "event apply rate", "bench-cache not built (tests off)")
        return
    out = subprocess.run([path, "--url", sim.pool()["master_http"], "--rounds", "3"], stdout=subprocess.PIPE,
                         text=True, check=True).stdout
    m = re.search(r"total\s+([\d.]+) s \((\d+) events/s\)", out)
    if m is None:
        missing("events", "event_apply_rate", "event apply rate", "bench-cache printed no rate")
        return
    record("events", "event_apply_rate", "event apply rate (parse + apply, mod events)", float(m.group(2)),
           "events/s", "", 0)


def bench_rules(sim):
    path = exe("tests", "bench", "bench-rules")
    if path is None:
        missing("rules", "grid_1x64_ms", "feasibility grid 1 × 64", "bench-rules not built (tests off)")
        missing("rules", "grid_500x64_ms", "feasibility grid 500 × 64", "bench-rules not built")
        return
    out = subprocess.run([path, "--url", sim.pool()["master_http"]], stdout=subprocess.PIPE, text=True,
                         check=True).stdout
    # "×" may come out as "?" in a C locale.
    m = re.search(r"1 \S+ 64 < 5 ms: \w+ \(([\d.]+) ms\); 500 \S+ 64 < 100 ms: \w+ \(([\d.]+) ms\)", out)
    if m is None:
        missing("rules", "grid_1x64_ms", "feasibility grid 1 × 64", "bench-rules printed no times")
        missing("rules", "grid_500x64_ms", "feasibility grid 500 × 64", "bench-rules printed no times")
        return
    record("rules", "grid_1x64_ms", "feasibility grid 1 VM × 64 hosts (median)", float(m.group(1)), "ms", "< 5 ms")
    record("rules", "grid_500x64_ms", "feasibility grid 500 VMs × 64 hosts (median)", float(m.group(2)), "ms",
           "< 100 ms")


def bench_ui(sim):
    path = exe("tests", "ui", "bench-ui")
    if path is None:
        for key, label in (("ui_populated_tree_ms", "GUI start to populated tree"), ("ui_peak_rss_mb", "GUI peak RSS")):
            missing("ui", key, label, "no app build (GTK 4/libadwaita missing or -Dapp=disabled)")
        return
    command = [path, sim.pool()["master_http"]]
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        if not shutil.which("xvfb-run"):
            for key, label in (("ui_populated_tree_ms", "GUI start to populated tree"), ("ui_peak_rss_mb", "GUI peak RSS")):
                missing("ui", key, label, "no display and no xvfb-run")
            return
        command = ["xvfb-run", "-a", "-s", "-screen 0 1024x700x24"] + command
    env = dict(os.environ, GSK_RENDERER="cairo", NO_AT_BRIDGE="1", GTK_A11Y="none", GSETTINGS_BACKEND="memory",
               GSETTINGS_SCHEMA_DIR=os.path.join(BUILD, "data"))
    env.pop("G_MESSAGES_DEBUG", None)
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    ui = json.loads(out.strip().splitlines()[-1])
    record("ui", "ui_populated_tree_ms", "GUI start to tree populated and drawn (Xvfb)", ui["drawn_ms"], "ms",
           "< 2500 ms", 0)
    record("ui", "ui_peak_rss_mb", "GUI peak RSS", ui["peak_rss_mb"], "MB", "< 300 MB", 0)


EVAC_SCENARIO = {
    "format": 1,
    "comment": "bench.py: 40 running VMs on evac-1, four hosts to take them, one shared SR",
    "users": {"root": "demo"},
    "pools": [{
        "name": "Evac40",
        "hosts": [{"name": f"evac-{i}", "memory": "256 GiB", "nics": {"eth0": "10G"}} for i in range(1, 6)],
        "srs": [{"name": "Shared", "type": "nfs", "size": "20 TiB", "bandwidth": "1 GiB/s"}],
        "default_sr": "Shared",
        "vms": [{"name": f"vm-{i:02d}", "power_state": "running", "host": "evac-1", "memory": "4 GiB",
                 "os": "debian-12", "disks": [{"size": "20 GiB", "sr": "Shared"}]} for i in range(1, 41)],
    }],
}


def bench_evac():
    path = exe("tests", "bench", "bench-evac")
    if path is None:
        for batch in (10, 1):
            missing("evac", f"evacuation_makespan_batch{batch}_s", f"evacuate 40 VMs, batches of {batch}",
                    "bench-evac not built (tests off)")
        return
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(EVAC_SCENARIO, f)
        scenario = f.name
    try:
        for batch in (10, 1):
            sim = Sim("--scenario", scenario, "--time-scale", "200")
            try:
                env = dict(os.environ, GSETTINGS_BACKEND="memory", GIO_USE_PROXY_RESOLVER="dummy")
                out = subprocess.run([path, "--address", sim.address(), "--control", sim.pool()["master_http"],
                                      "--host", "evac-1", "--batch", str(batch)],
                                     stdout=subprocess.PIPE, text=True, env=env, timeout=900).stdout
                evac = json.loads(out.strip().splitlines()[-1])
            finally:
                sim.stop()
            if evac["succeeded"] != evac["vms"]:
                missing("evac", f"evacuation_makespan_batch{batch}_s", f"evacuate 40 VMs, batches of {batch}",
                        f"only {evac['succeeded']} of {evac['vms']} moved")
                continue
            record("evac", f"evacuation_makespan_batch{batch}_s",
                   f"evacuate {evac['vms']} VMs, batches of {batch} (simulated time)", evac["makespan_s"], "s", "", 1)
    finally:
        os.unlink(scenario)
    if isinstance(results.get("evacuation_makespan_batch1_s"), float) and \
       isinstance(results.get("evacuation_makespan_batch10_s"), float):
        record("evac", "evacuation_batch_speedup", "  batches of 10 vs 1: speed-up",
               results["evacuation_makespan_batch1_s"] / results["evacuation_makespan_batch10_s"], "x", "", 1)


def bench_relay():
    script = os.path.join(HERE, "bench-relay.py")
    if not os.path.exists(script):
        return
    run = subprocess.run([sys.executable, script, SIM], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    curl = re.findall(r"curl \| curl\s+([\d.]+) s\s+([\d.]+) MiB/s", run.stdout)
    ferry = re.findall(r"Ferry relay\s+([\d.]+) s\s+([\d.]+) MiB/s", run.stdout)
    rss = re.findall(r"Ferry max RSS\s+([\d.]+) MB", run.stdout)
    if not ferry or not curl:
        missing("relay", "relay_throughput_mib_s", "relay throughput",
                (run.stdout.strip().splitlines() or ["bench-relay.py printed nothing"])[-1][:80])
        return
    record("relay", "relay_throughput_mib_s", "relay throughput (largest VM)", float(ferry[-1][1]), "MiB/s", "", 1)
    record("relay", "relay_vs_curl", "relay / curl | curl throughput", float(ferry[-1][1]) / float(curl[-1][1]),
           "x", ">= 0.8x", 2)
    if rss:
        record("relay", "relay_peak_rss_mb", "relay peak RSS", max(float(r) for r in rss), "MB", "< 64 MB", 0)


def section(name, func, *args):
    if name in SKIP:
        rows.append((name, f"({name} skipped: FERRY_BENCH_SKIP)", "n/a", ""))
        results[f"{name}_skipped"] = True
        return None
    try:
        return func(*args)
    except Exception as e:   # one broken section must not hide the others
        missing(name, f"{name}_error", f"{name}: failed", f"{type(e).__name__}: {e}"[:120])
        return None


def main():
    started = time.monotonic()
    if not os.path.exists(SIM):
        print(f"{SIM} is missing: build first (meson setup {BUILD})", file=sys.stderr)
        return 2
    sim = Sim("--generate", SPEC)
    try:
        section("sim", bench_sim, sim)
        ferry_s = section("engine", bench_engine, sim)
        section("xenapi", bench_xenapi, sim, ferry_s)
        section("events", bench_events, sim)
        section("rules", bench_rules, sim)
        section("ui", bench_ui, sim)
    finally:
        sim.stop()
    section("evac", bench_evac)
    section("relay", bench_relay)

    width = max(len(r[1]) for r in rows)
    current = None
    print(f"Ferry benchmarks ({BUILD}, {SPEC})")
    for sec, name, value, target in rows:
        if sec != current:
            print(f"-- {sec}")
            current = sec
        print(f"  {name:<{width}}  {value:<16} {target}")
    document = {
        "format": 1,
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                 cwd=HERE).stdout.strip() or None,
        "build": BUILD,
        "spec": SPEC,
        "seconds": round(time.monotonic() - started, 1),
        "results": results,
    }
    with open(OUTPUT, "w") as f:
        json.dump(document, f, indent=2)
        f.write("\n")
    print(f"Written to {OUTPUT} ({document['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

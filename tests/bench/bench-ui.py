#!/usr/bin/python3
# The main window against a generated pool (issue: the application, point 8).
#
# Targets, with ferry-sim --generate hosts=64,vms=10000,seed=1:
#   - start → tree populated and drawn          < 2.5 s
#   - filter keystroke → redraw                 < 50 ms (each keystroke)
#   - RSS of the app process                    < 300 MB (peak)
#
# Usage: tests/bench/bench-ui.py [BUILD_DIR or path/to/ferry-sim]   (default: _build)
#   FERRY_BENCH_SPEC  the pool (default hosts=64,vms=10000,seed=1)
# Without a display it runs under xvfb-run (1024×700). GSK_RENDERER=cairo,
# the renderer GTK uses where there is no GPU (Xvfb, CI).
#
# SPDX-License-Identifier: GPL-3.0-or-later
import json
import os
import shutil
import subprocess
import sys

arg = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("FERRY_BUILD_DIR", "_build")
if os.path.isfile(arg):
    build = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(arg))))
else:
    build = arg
SPEC = os.environ.get("FERRY_BENCH_SPEC", "hosts=64,vms=10000,seed=1")

sim = os.path.join(build, "src", "ferry-sim", "ferry-sim")
bench = os.path.join(build, "tests", "ui", "bench-ui")
if not os.path.exists(bench):
    # A release build without tests: use the everyday build for the UI.
    fallback = os.environ.get("FERRY_BUILD_DIR", "_build")
    print(f"(no {bench}; building it in {fallback})")
    subprocess.run(["ninja", "-C", fallback, "tests/ui/bench-ui", "src/ferry-sim/ferry-sim"],
                   check=True, stdout=subprocess.DEVNULL)
    bench = os.path.join(fallback, "tests", "ui", "bench-ui")
    if not os.path.exists(sim):
        sim = os.path.join(fallback, "src", "ferry-sim", "ferry-sim")

server = subprocess.Popen([sim, "--generate", SPEC, "--port", "0"],
                          stdout=subprocess.PIPE, text=True)
try:
    announcement = json.loads(server.stdout.readline())
    url = announcement["pools"][0]["master_http"]

    env = dict(os.environ, GSK_RENDERER="cairo", NO_AT_BRIDGE="1", GTK_A11Y="none",
               GSETTINGS_BACKEND="memory")
    env.pop("G_MESSAGES_DEBUG", None)
    command = [bench, url]
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        if not shutil.which("xvfb-run"):
            print("bench-ui: no display and no xvfb-run")
            sys.exit(2)
        command = ["xvfb-run", "-a", "-s", "-screen 0 1024x700x24"] + command
    # BENCH_VERBOSE=1 shows the per-keystroke log on stderr; BENCH_SCROLL=1
    # types with the tree scrolled to its middle; BENCH_CHECK=1 checks after
    # each keystroke that every row widget shows the item at its place.
    out = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE,
                         stderr=None if env.get("BENCH_VERBOSE") else subprocess.PIPE, text=True).stdout
finally:
    server.terminate()
    server.wait()

result = json.loads(out.strip().splitlines()[-1])
keys = result["keystroke_ms"]
ok = True


def check(label, value, limit, unit):
    global ok
    passed = value < limit
    ok = ok and passed
    print(f"  {label:<44} {value:8.1f} {unit:<3} (target < {limit} {unit}) {'ok' if passed else 'MISSED'}")


print(f"pool: {SPEC}; {result['rows']} rows in the tree with every host expanded")
check("start → cache populated", result["populated_ms"], 2500, "ms")
check("start → tree populated and drawn", result["drawn_ms"], 2500, "ms")
print(f"  {'start → every host expanded and drawn':<44} {result['expanded_ms']:8.1f} ms")
check(f"filter keystroke → redraw, worst of {len(keys)}", result["keystroke_max_ms"], 50, "ms")
print(f"  {'filter keystroke → redraw, median':<44} {result['keystroke_median_ms']:8.1f} ms")
print(f"  keystrokes (ms): {', '.join(f'{k:.0f}' for k in keys)}")
print(f"  their CPU time (ms): {', '.join(f'{k:.0f}' for k in result['keystroke_cpu_ms'])}")
check("RSS at the end", result["rss_mb"], 300, "MB")
check("peak RSS", result["peak_rss_mb"], 300, "MB")
sys.exit(0 if ok else 1)

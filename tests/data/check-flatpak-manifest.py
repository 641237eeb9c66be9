#!/usr/bin/env python3
# check-flatpak-manifest.py: the Flatpak manifest, checked without
# flatpak-builder (its runtime cannot be downloaded on our build
# machines):
#
#  - it parses as JSON;
#  - its app ID and command are the build's: the ID given, and a program
#    this build installs into bindir;
#  - it uses the GNOME runtime of a stable release (a number, not
#    "master"), with the matching SDK;
#  - its finish-args are the minimal set (network, wayland, fallback-x11,
#    dri) and nothing that reaches the keyring or the home directory:
#    secrets go through the portal;
#  - every path it names exists (sources, patches, module files), relative
#    to the manifest;
#  - the last module builds this tree with meson, runs its tests, and
#    passes only options that meson_options.txt defines.
#
# Usage: check-flatpak-manifest.py MANIFEST APP_ID COMMAND
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import re
import sys

SOURCE_ROOT = os.environ.get("FERRY_SOURCE_ROOT") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD_ROOT = os.environ.get("FERRY_BUILD_ROOT")

REQUIRED_FINISH_ARGS = {"--share=network", "--socket=wayland", "--socket=fallback-x11", "--device=dri"}
# --share=ipc is the usual companion of X11; anything else needs a reason.
ALLOWED_FINISH_ARGS = REQUIRED_FINISH_ARGS | {"--share=ipc"}
SOURCE_PATH_KEYS = ("path",)
SOURCE_PATHS_KEYS = ("paths",)


def installed_programs():
    """The file names this build installs into bindir, from meson's introspection."""
    if not BUILD_ROOT:
        return None
    info = os.path.join(BUILD_ROOT, "meson-info")
    try:
        with open(os.path.join(info, "intro-installed.json")) as f:
            installed = json.load(f)
        with open(os.path.join(info, "intro-buildoptions.json")) as f:
            options = {o["name"]: o["value"] for o in json.load(f)}
    except (OSError, ValueError):
        return None
    bindir = os.path.join(options["prefix"], options["bindir"])
    return {os.path.basename(dest) for dest in installed.values() if os.path.dirname(dest) == bindir}


def meson_options():
    with open(os.path.join(SOURCE_ROOT, "meson_options.txt")) as f:
        return set(re.findall(r"option\s*\(\s*'([^']+)'", f.read()))


def walk_modules(modules, base_dir, problems, found):
    for module in modules:
        if isinstance(module, str):
            path = os.path.join(base_dir, module)
            if not os.path.isfile(path):
                problems.append("module file %s does not exist" % module)
            continue
        found.append(module)
        for source in module.get("sources", []):
            if isinstance(source, str):
                if not os.path.isfile(os.path.join(base_dir, source)):
                    problems.append("source file %s does not exist" % source)
                continue
            for key in SOURCE_PATH_KEYS:
                if key in source and not os.path.exists(os.path.join(base_dir, source[key])):
                    problems.append("module %s: %s %s does not exist" % (module.get("name"), key, source[key]))
            for key in SOURCE_PATHS_KEYS:
                for path in source.get(key, []):
                    if not os.path.exists(os.path.join(base_dir, path)):
                        problems.append("module %s: %s does not exist" % (module.get("name"), path))
        walk_modules(module.get("modules", []), base_dir, problems, found)


def main():
    if len(sys.argv) != 4:
        print("usage: check-flatpak-manifest.py MANIFEST APP_ID COMMAND")
        return 2
    manifest_path, app_id, command = sys.argv[1:]
    base_dir = os.path.dirname(os.path.abspath(manifest_path))
    problems = []

    try:
        with open(manifest_path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        print("%s: %s" % (manifest_path, e))
        return 1

    if os.path.basename(manifest_path) != app_id + ".json":
        problems.append("the manifest is not named after the app ID")
    manifest_id = manifest.get("id", manifest.get("app-id"))
    if manifest_id != app_id:
        problems.append("app ID %r, the build uses %r" % (manifest_id, app_id))
    if manifest.get("command") != command:
        problems.append("command %r, the build's program is %r" % (manifest.get("command"), command))
    programs = installed_programs()
    if programs is not None and manifest.get("command") not in programs:
        problems.append("command %r is not installed into bindir by this build (it installs %s)"
                        % (manifest.get("command"), ", ".join(sorted(programs))))

    if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
        problems.append("runtime %r and sdk %r: expected org.gnome.Platform and org.gnome.Sdk"
                        % (manifest.get("runtime"), manifest.get("sdk")))
    if not re.fullmatch(r"[0-9]+", str(manifest.get("runtime-version", ""))):
        problems.append("runtime-version %r is not a stable GNOME release" % manifest.get("runtime-version"))

    finish_args = manifest.get("finish-args", [])
    for arg in sorted(REQUIRED_FINISH_ARGS - set(finish_args)):
        problems.append("finish-args lack %s" % arg)
    for arg in finish_args:
        if arg not in ALLOWED_FINISH_ARGS:
            problems.append("finish-args has %s, beyond the minimal set" % arg)

    modules = []
    walk_modules(manifest.get("modules", []), base_dir, problems, modules)
    if not modules:
        problems.append("no modules")
    else:
        project = modules[-1]
        if project.get("buildsystem") != "meson":
            problems.append("module %s is not built with meson" % project.get("name"))
        if not project.get("run-tests"):
            problems.append("module %s does not run its tests" % project.get("name"))
        dirs = [s for s in project.get("sources", []) if isinstance(s, dict) and s.get("type") == "dir"]
        if len(dirs) != 1 or os.path.realpath(os.path.join(base_dir, dirs[0].get("path", ""))) != \
                os.path.realpath(SOURCE_ROOT):
            problems.append("module %s is not built from this tree (a dir source pointing at %s)"
                            % (project.get("name"), os.path.relpath(SOURCE_ROOT, base_dir)))
        known = meson_options()
        for opt in project.get("config-opts", []):
            m = re.match(r"-D([^=]+)=", opt)
            if m and m.group(1) not in known and ":" not in m.group(1) and \
                    m.group(1) not in ("buildtype", "b_lto", "b_ndebug", "optimization", "debug"):
                problems.append("config-opts %s: no such option in meson_options.txt" % opt)

    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# check-install.py: `meson install` into a temporary DESTDIR, then check
# the installed tree:
#
#  - every file meson says it installs is there;
#  - the programs (ferry-sim; ferry when the app is built; ferry-cli when
#    src/ferry-cli installs it), and their --version runs from there;
#  - the desktop file, metainfo, D-Bus service (pointing at the installed
#    ferry), icons, GSettings schema (it compiles), the demo scenario;
#  - translations: a .mo file for every language of po/LINGUAS;
#  - the user guide: help/C/ferry with its index and a page per rule
#    R1-R35, and every language of help/LINGUAS;
#  - the man page and the bash completion of ferry-cli, when
#    src/ferry-cli/meson.build installs them.
#
# Usage: check-install.py MESON APP_ID VERSION
# FERRY_BUILD_ROOT names the build directory; FERRY_KEEP_INSTALL=1 keeps
# the temporary tree for a look.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SOURCE_ROOT = os.environ.get("FERRY_SOURCE_ROOT") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD_ROOT = os.environ.get("FERRY_BUILD_ROOT")
N_RULES = 35


def read_linguas(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [w for line in f if not line.lstrip().startswith("#") for w in line.split()]


def cli_installs(pattern):
    """Whether src/ferry-cli/meson.build mentions @pattern (a regex)."""
    try:
        with open(os.path.join(SOURCE_ROOT, "src", "ferry-cli", "meson.build")) as f:
            text = "\n".join(line.split("#", 1)[0] for line in f)
    except OSError:
        return False
    return re.search(pattern, text) is not None


def main():
    if len(sys.argv) != 4 or not BUILD_ROOT:
        print("usage: FERRY_BUILD_ROOT=… check-install.py MESON APP_ID VERSION")
        return 2
    meson, app_id, version = sys.argv[1:]
    problems = []

    with open(os.path.join(BUILD_ROOT, "meson-info", "intro-buildoptions.json")) as f:
        options = {o["name"]: o["value"] for o in json.load(f)}
    with open(os.path.join(BUILD_ROOT, "meson-info", "intro-installed.json")) as f:
        installed = sorted(set(json.load(f).values()))

    prefix = options["prefix"]

    def opt_dir(name):
        return os.path.join(prefix, options[name])

    bindir, datadir = opt_dir("bindir"), opt_dir("datadir")
    mandir, localedir = opt_dir("mandir"), opt_dir("localedir")

    destdir = tempfile.mkdtemp(prefix="ferry-install-")
    try:
        def staged(path):
            return os.path.join(destdir, os.path.relpath(path, "/"))

        def expect(path, what):
            if not os.path.exists(staged(path)):
                problems.append("%s is missing: %s" % (what, path))
                return False
            return True

        result = subprocess.run([meson, "install", "-C", BUILD_ROOT, "--destdir", destdir,
                                 "--no-rebuild", "--quiet"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if result.returncode != 0:
            print(result.stdout)
            print("meson install failed with status %d" % result.returncode)
            return 1

        for path in installed:
            expect(path, "an installed file")

        # Programs
        programs = ["ferry-sim"]
        if os.path.join(bindir, "ferry") in installed:
            programs.append("ferry")
        else:
            print("note: the application is not built here (no GTK 4 / libadwaita)")
        if cli_installs(r"executable\s*\(\s*'ferry-cli'"):
            programs.append("ferry-cli")
        else:
            print("note: src/ferry-cli does not build ferry-cli yet")
        for program in programs:
            path = staged(os.path.join(bindir, program))
            if not expect(os.path.join(bindir, program), "program " + program):
                continue
            if not os.access(path, os.X_OK):
                problems.append("%s is not executable" % path)
                continue
            run = subprocess.run([path, "--version"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, timeout=30, env=dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8"))
            if run.returncode != 0 or version not in run.stdout:
                problems.append("%s --version: status %d, output %r %r"
                                % (program, run.returncode, run.stdout.strip(), run.stderr.strip()))

        # Desktop integration
        expect(os.path.join(datadir, "applications", app_id + ".desktop"), "the desktop file")
        expect(os.path.join(datadir, "metainfo", app_id + ".metainfo.xml"), "the metainfo")
        expect(os.path.join(datadir, "icons", "hicolor", "scalable", "apps", app_id + ".svg"), "the app icon")
        expect(os.path.join(datadir, "icons", "hicolor", "symbolic", "apps", app_id + "-symbolic.svg"),
               "the symbolic app icon")
        expect(os.path.join(datadir, "ferry", "scenarios", "demo.json"), "the demo scenario")

        service = os.path.join(datadir, "dbus-1", "services", app_id + ".service")
        if expect(service, "the D-Bus service"):
            with open(staged(service)) as f:
                text = f.read()
            if "Name=%s\n" % app_id not in text or \
                    "Exec=%s --gapplication-service" % os.path.join(bindir, "ferry") not in text:
                problems.append("the D-Bus service does not start the installed ferry:\n" + text)

        schemas = os.path.join(datadir, "glib-2.0", "schemas")
        if expect(os.path.join(schemas, app_id + ".gschema.xml"), "the GSettings schema"):
            compile_schemas = shutil.which("glib-compile-schemas")
            if compile_schemas:
                run = subprocess.run([compile_schemas, "--strict", "--dry-run", staged(schemas)],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                if run.returncode != 0:
                    problems.append("the installed schemas do not compile: " + run.stdout)

        # Translations
        for lang in read_linguas(os.path.join(SOURCE_ROOT, "po", "LINGUAS")):
            expect(os.path.join(localedir, lang, "LC_MESSAGES", "ferry.mo"), "the %s translation" % lang)

        # The user guide
        if options.get("help", True):
            guide = os.path.join(datadir, "help", "C", "ferry")
            for page in ["index.page", "legal.xml"] + ["rule-r%d.page" % i for i in range(1, N_RULES + 1)]:
                expect(os.path.join(guide, page), "the user guide")
            for lang in read_linguas(os.path.join(SOURCE_ROOT, "help", "LINGUAS")):
                expect(os.path.join(datadir, "help", lang, "ferry", "index.page"),
                       "the %s user guide" % lang)

        # The command line's man page and completion
        if cli_installs(r"install_man|ferry-cli\.1"):
            if not any(re.search(r"/man1/ferry-cli\.1(\.gz)?$", p) for p in installed):
                problems.append("the man page ferry-cli.1 is not installed into %s/man1" % mandir)
        else:
            print("note: src/ferry-cli installs no man page yet")
        if cli_installs(r"completion"):
            if not any(re.search(r"/completions/(ferry-cli|_ferry-cli|ferry-cli\.bash)$", p) for p in installed):
                problems.append("the bash completion of ferry-cli is not installed")
        else:
            print("note: src/ferry-cli installs no shell completion yet")
    finally:
        if os.environ.get("FERRY_KEEP_INSTALL"):
            print("installed tree kept in " + destdir)
        else:
            shutil.rmtree(destdir, ignore_errors=True)

    for p in problems:
        print(p)
    print("%d files installed" % len(installed))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# check-settings.py: the compiled GSettings schema, read back through
# gsettings: its keys, their defaults and ranges. The schema holds no
# secrets: no string key is about passwords, tokens or keys.
#
# Usage: check-settings.py GSETTINGS SCHEMA_DIR SCHEMA_ID
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import subprocess
import sys

EXPECTED = {
    "window-width": "1024",
    "window-height": "700",
    "window-maximized": "false",
    "pane-position": "360",
    "concurrent-migrations-per-pool": "3",          # R14
    "evacuation-batch-size": "10",                  # R3
    "migration-compression-default": "'pool-default'",  # R2
    "remember-password": "true",
    "pools-managed-by-cvad": "@as []",              # R6
    "pools-with-hotfix-xs82ecu1033": "@as []",      # R11
}

RANGES = {
    "concurrent-migrations-per-pool": "range i 1 3",
    "evacuation-batch-size": "range i 1 100",
    "migration-compression-default": "enum\n'pool-default'\n'on'\n'off'",
}

SECRET_WORDS = re.compile(r"(password|passwd|secret|token|credential|private-key)")


def main():
    if len(sys.argv) != 4:
        print("usage: check-settings.py GSETTINGS SCHEMA_DIR SCHEMA_ID")
        return 2
    gsettings, schema_dir, schema = sys.argv[1:]
    env = dict(os.environ, GSETTINGS_BACKEND="memory")
    problems = []

    def run(*args):
        result = subprocess.run([gsettings, "--schemadir", schema_dir] + list(args),
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if result.returncode != 0:
            problems.append("gsettings %s: %s" % (" ".join(args), result.stderr.strip()))
            return None
        return result.stdout.strip()

    schemas = run("list-schemas")
    if schemas is None or schema not in schemas.split():
        problems.append("schema %s is not in %s" % (schema, schema_dir))
    else:
        keys = set((run("list-keys", schema) or "").split())
        for key in sorted(keys):
            if not re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", key):
                problems.append("key %s is not kebab-case" % key)
            if SECRET_WORDS.search(key):
                value_range = run("range", schema, key) or ""
                if not value_range.startswith("type b"):
                    problems.append("key %s looks like it holds a secret (%s)" % (key, value_range))
        for key, default in EXPECTED.items():
            if key not in keys:
                problems.append("key %s is missing" % key)
                continue
            value = run("get", schema, key)
            if value != default:
                problems.append("key %s: default %s, expected %s" % (key, value, default))
        for key, expected in RANGES.items():
            if key in keys:
                value_range = run("range", schema, key)
                if value_range != expected:
                    problems.append("key %s: range %r, expected %r" % (key, value_range, expected))
        for key in sorted(keys - set(EXPECTED)):
            problems.append("key %s is not covered by this test" % key)

    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

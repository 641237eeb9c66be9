#!/usr/bin/env python3
# check-help.py: the Mallard user guide in help/C.
#
#  - yelp-check: every page validates, page IDs match file names, every
#    xref resolves, and every page can be reached from the index;
#  - help/meson.build installs exactly the pages in help/C;
#  - every help ID the engine gives its findings has a page. The engine
#    makes the ID from the rule ID ("R12" -> "rule-r12", "X-HOST-DISABLED"
#    -> "rule-x-host-disabled", ferry_check_get_help_id()), so the rule IDs
#    are collected from the string literals in src/libferry, plus R1-R35 of
#    the requirements; and every rule-*.page belongs to such an ID.
#
# Usage: check-help.py YELP_CHECK
#
# SPDX-License-Identifier: GPL-3.0-or-later

import glob
import os
import re
import subprocess
import sys

SOURCE_ROOT = os.environ.get("FERRY_SOURCE_ROOT") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
HELP_C = os.path.join(SOURCE_ROOT, "help", "C")
RULE_LITERAL = re.compile(r'"(R[0-9]{1,2}|X-[A-Z0-9]+(?:-[A-Z0-9]+)*)"')
N_RULES = 35


def help_id(rule_id):
    return "rule-" + rule_id.lower()


def yelp_check(yelp, command, pages):
    result = subprocess.run([yelp, command] + pages, cwd=HELP_C,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = result.stdout.strip()
    problems = []
    if result.returncode != 0 or output:
        problems.append("yelp-check %s:\n%s" % (command, output or "(exit status %d)" % result.returncode))
    return problems


def engine_rule_ids():
    ids = set()
    for path in glob.glob(os.path.join(SOURCE_ROOT, "src", "libferry", "**", "*.c"), recursive=True):
        with open(path, encoding="utf-8") as f:
            for match in RULE_LITERAL.finditer(f.read()):
                ids.add(match.group(1))
    return ids


def main():
    if len(sys.argv) != 2:
        print("usage: check-help.py YELP_CHECK")
        return 2
    yelp = sys.argv[1]
    problems = []

    pages = sorted(os.path.basename(p) for p in glob.glob(os.path.join(HELP_C, "*.page")))
    if "index.page" not in pages:
        problems.append("help/C has no index.page")

    for command in ("validate", "ids", "links", "orphans"):
        problems += yelp_check(yelp, command, pages)

    # help/meson.build: the installed list
    with open(os.path.join(SOURCE_ROOT, "help", "meson.build"), encoding="utf-8") as f:
        listed = set(re.findall(r"'([^']+\.page)'", f.read()))
    for page in sorted(set(pages) - listed):
        problems.append("help/C/%s is not listed in help/meson.build" % page)
    for page in sorted(listed - set(pages)):
        problems.append("help/meson.build lists %s, which is not in help/C" % page)

    # The engine's help IDs
    rule_ids = engine_rule_ids() | {"R%d" % i for i in range(1, N_RULES + 1)}
    wanted = {help_id(r): r for r in rule_ids}
    for hid, rule in sorted(wanted.items()):
        if hid + ".page" not in pages:
            problems.append("no help page for %s: help/C/%s.page is missing" % (rule, hid))
    for page in pages:
        hid = page[:-len(".page")]
        if hid.startswith("rule-") and hid not in wanted:
            problems.append("help/C/%s has no rule in the engine (stale help ID?)" % page)

    for p in problems:
        print(p)
    print("%d pages, %d help IDs from the engine and the requirements" % (len(pages), len(wanted)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

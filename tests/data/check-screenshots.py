#!/usr/bin/env python3
# check-screenshots.py: every screenshot the metainfo lists under the
# project's raw GitHub URL is a file of this tree (data/screenshots/), a
# PNG at least 620 pixels wide (the AppStream/Flathub minimum), and every
# PNG in data/screenshots/ is listed.
#
# Usage: check-screenshots.py METAINFO_TEMPLATE
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import struct
import sys

SOURCE_ROOT = os.environ.get("FERRY_SOURCE_ROOT") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
PREFIX = "https://raw.githubusercontent.com/ferryvm/ferry/main/"


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    images = re.findall(r"<image[^>]*>\s*([^<\s]+)\s*</image>", text)
    problems = []
    if not images:
        problems.append("the metainfo lists no screenshot")
    listed = set()
    for url in images:
        if not url.startswith(PREFIX):
            problems.append("%s: not under %s, so the tree cannot vouch for it" % (url, PREFIX))
            continue
        rel = url[len(PREFIX):]
        listed.add(os.path.normpath(rel))
        path = os.path.join(SOURCE_ROOT, rel)
        if not os.path.isfile(path):
            problems.append("%s: %s does not exist" % (url, rel))
            continue
        size = png_size(path)
        if size is None:
            problems.append("%s is not a PNG" % rel)
        elif size[0] < 620:
            problems.append("%s is %dx%d, narrower than 620 pixels" % (rel, size[0], size[1]))
        else:
            print("%s: %dx%d" % (rel, size[0], size[1]))
    shots = os.path.join(SOURCE_ROOT, "data", "screenshots")
    for name in sorted(os.listdir(shots)) if os.path.isdir(shots) else []:
        rel = os.path.join("data", "screenshots", name)
        if name.endswith(".png") and rel not in listed:
            problems.append("%s is not listed in the metainfo" % rel)
    for p in problems:
        print("FAIL: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# check-icons.py: the app icons in data/icons are well-formed SVG of the
# right size (128 and 16 pixels), self-contained (no raster images,
# no text that needs a font, no external references); the symbolic one is
# drawn in a single colour, which GTK replaces with the theme's.
#
# Usage: check-icons.py
#
# SPDX-License-Identifier: GPL-3.0-or-later

import glob
import os
import re
import sys
import xml.etree.ElementTree as ET

SOURCE_ROOT = os.environ.get("FERRY_SOURCE_ROOT") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def check(path, size, symbolic):
    problems = []
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        return ["%s: %s" % (path, e)]
    if root.tag != SVG + "svg":
        problems.append("%s: the root element is not <svg>" % path)
    if root.get("viewBox") != "0 0 %d %d" % (size, size):
        problems.append("%s: viewBox %r, expected '0 0 %d %d'" % (path, root.get("viewBox"), size, size))
    for attr in ("width", "height"):
        if root.get(attr) != str(size):
            problems.append("%s: %s %r, expected %d" % (path, attr, root.get(attr), size))
    colours = set()
    for element in root.iter():
        tag = element.tag.replace(SVG, "")
        if tag in ("image", "text", "foreignObject", "script"):
            problems.append("%s: contains <%s>" % (path, tag))
        for name in ("href", XLINK_HREF):
            ref = element.get(name)
            if ref is not None and not ref.startswith("#"):
                problems.append("%s: refers to %s" % (path, ref))
        for attr in ("fill", "stroke"):
            value = element.get(attr)
            if value and value not in ("none",) and not value.startswith("url("):
                colours.add(value.lower())
        style = element.get("style") or ""
        colours.update(c.lower() for c in re.findall(r"(?:fill|stroke)\s*:\s*(#[0-9a-fA-F]{3,6})", style))
    if symbolic and len(colours) > 1:
        problems.append("%s: a symbolic icon in several colours: %s" % (path, ", ".join(sorted(colours))))
    if not symbolic and len(colours) < 2:
        problems.append("%s: a full-colour icon with %d colour(s)" % (path, len(colours)))
    return problems


def main():
    icons = os.path.join(SOURCE_ROOT, "data", "icons", "hicolor")
    full = sorted(glob.glob(os.path.join(icons, "scalable", "apps", "*.svg")))
    symbolic = sorted(glob.glob(os.path.join(icons, "symbolic", "apps", "*.svg")))
    problems = []
    if not full:
        problems.append("no app icon in data/icons/hicolor/scalable/apps")
    if not symbolic:
        problems.append("no symbolic icon in data/icons/hicolor/symbolic/apps")
    for path in full:
        problems += check(path, 128, False)
    for path in symbolic:
        if not path.endswith("-symbolic.svg"):
            problems.append("%s: a symbolic icon's name ends in -symbolic.svg" % path)
        problems += check(path, 16, True)
    for p in problems:
        print(p)
    print("%d icons checked" % (len(full) + len(symbolic)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# check-potfiles.py: po/POTFILES.in lists every file with translatable
# strings under src/ and data/, and only files that exist.
#
# Translatable means: a call that xgettext extracts with the glib preset
# (_(), N_(), C_(), NC_(), Q_(), ngettext, g_dngettext, g_dcgettext,
# g_dpgettext2), translatable="yes" in a .ui file,
# and the desktop file, metainfo and GSettings schema templates in data/.
# Comments and string literals in C are skipped, so a comment that
# mentions N_() does not count. po/POTFILES.skip, if present, lists files
# that have such calls but are deliberately left out.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import sys

SOURCE_ROOT = os.environ.get("FERRY_SOURCE_ROOT") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))

C_CALL = re.compile(r"(?<![A-Za-z0-9_])(_|N_|C_|NC_|Q_|ngettext|g_dngettext|g_dpgettext2|g_dcgettext)\s*\(")
UI_TRANSLATABLE = re.compile(r"""translatable\s*=\s*["'](yes|true|1)["']""")
DATA_TEMPLATES = (".desktop.in", ".desktop.in.in", ".metainfo.xml.in", ".metainfo.xml.in.in",
                  ".appdata.xml.in", ".appdata.xml.in.in")


def strip_c(text):
    """The C code of @text with comments, strings and char literals blanked."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(" ")
            i = end
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def has_translatable(path):
    name = os.path.basename(path)
    try:
        with open(os.path.join(SOURCE_ROOT, path), encoding="utf-8") as f:
            text = f.read()
    except (UnicodeDecodeError, OSError):
        return False
    if name.endswith((".c", ".h")):
        return C_CALL.search(strip_c(text)) is not None
    if name.endswith(".ui"):
        return UI_TRANSLATABLE.search(text) is not None
    if name.endswith(DATA_TEMPLATES):
        return True
    if name.endswith(".gschema.xml"):
        return "gettext-domain" in text and "<summary" in text
    return False


def read_list(path):
    entries = []
    if not os.path.exists(path):
        return entries
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                entries.append(line)
    return entries


def main():
    potfiles_path = os.path.join(SOURCE_ROOT, "po", "POTFILES.in")
    listed = read_list(potfiles_path)
    skipped = set(read_list(os.path.join(SOURCE_ROOT, "po", "POTFILES.skip")))
    problems = []

    seen = set()
    for entry in listed:
        if entry in seen:
            problems.append("po/POTFILES.in lists %s twice" % entry)
        seen.add(entry)
        if not os.path.isfile(os.path.join(SOURCE_ROOT, entry)):
            problems.append("po/POTFILES.in lists %s, which does not exist" % entry)
        elif not has_translatable(entry):
            problems.append("po/POTFILES.in lists %s, which has no translatable strings" % entry)

    found = []
    for top in ("src", "data"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(SOURCE_ROOT, top)):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                rel = os.path.relpath(os.path.join(dirpath, name), SOURCE_ROOT)
                if has_translatable(rel):
                    found.append(rel)

    for rel in found:
        if rel not in seen and rel not in skipped:
            problems.append("%s has translatable strings but is not in po/POTFILES.in" % rel)

    if listed != sorted(listed):
        problems.append("po/POTFILES.in is not sorted")

    for p in problems:
        print(p)
    print("%d files listed, %d files with translatable strings found" % (len(listed), len(found)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# check-po.py: every translation is complete and current.
#
# Mode "gettext" checks po/LINGUAS (the app, CLI, simulator, desktop file,
# metainfo, schema); mode "help" checks help/LINGUAS (the user guide,
# translated with itstool):
#
#  - msgfmt --check --statistics: valid, no untranslated or fuzzy entry;
#  - the template regenerated from today's sources (xgettext with the
#    flags of meson's i18n.gettext(preset: 'glib'), POTFILES.in) has
#    exactly the msgids of the .po: a new string in the code makes this
#    test fail until `ninja -C BUILD ferry-update-po` has been run and the
#    new entries translated;
#  - {placeholders} of the engine's message templates (ferry-check-xapi.c)
#    and the desktop file's keyword list survive translation;
#  - help: the template is regenerated with itstool from help/C (so an
#    edited page makes the test fail until `ninja -C BUILDDIR
#    help-ferry-update-po` has been run and the entries translated), the
#    translated pages are built with itstool -m and pass yelp-check validate.
#
# Usage: check-po.py gettext XGETTEXT MSGFMT
#        check-po.py help ITSTOOL MSGFMT YELP_CHECK
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import subprocess
import sys
import tempfile

SOURCE_ROOT = os.environ.get("FERRY_SOURCE_ROOT") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
PO_DIR = os.path.join(SOURCE_ROOT, "po")

# meson's i18n module, preset 'glib' (mesonbuild/modules/i18n.py).
XGETTEXT_ARGS = [
    "--from-code=UTF-8", "--add-comments",
    "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
    "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3", "--keyword=g_dpgettext2:2c,3",
    "--flag=N_:1:pass-c-format", "--flag=C_:2:pass-c-format", "--flag=NC_:2:pass-c-format",
    "--flag=g_dngettext:2:pass-c-format", "--flag=g_strdup_printf:1:c-format",
    "--flag=g_string_printf:2:c-format", "--flag=g_string_append_printf:2:c-format",
    "--flag=g_error_new:3:c-format", "--flag=g_set_error:4:c-format",
    "--flag=g_markup_printf_escaped:1:c-format", "--flag=g_log:3:c-format",
    "--flag=g_print:1:c-format", "--flag=g_printerr:1:c-format", "--flag=g_printf:1:c-format",
    "--flag=g_fprintf:2:c-format", "--flag=g_sprintf:2:c-format", "--flag=g_snprintf:3:c-format",
]

PLACEHOLDER = re.compile(r"\{[a-z0-9_]+(?::[a-z]+)?\}")

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def unquote(s):
    s = s.strip()[1:-1]
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s)


def parse_po(path):
    """The live entries of @path: dicts with msgctxt, msgid, msgid_plural,
    msgstr (a list), flags."""
    entries, cur, field = [], None, None

    def flush():
        if cur is not None and "msgid" in cur:
            entries.append(cur)

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                flush()
                cur, field = None, None
                continue
            if cur is None:
                cur = {"msgstr": [], "flags": set(), "obsolete": False}
            if line.startswith("#~"):
                cur["obsolete"] = True
            elif line.startswith("#,"):
                cur["flags"].update(x.strip() for x in line[2:].split(","))
            elif line.startswith("#"):
                pass
            elif line.startswith('"'):
                if field == "msgstr":
                    cur["msgstr"][-1] += unquote(line)
                else:
                    cur[field] += unquote(line)
            else:
                m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$', line)
                if not m:
                    raise ValueError("%s: cannot parse %r" % (path, line))
                field = "msgstr" if m.group(1).startswith("msgstr") else m.group(1)
                if field == "msgstr":
                    cur["msgstr"].append(unquote(m.group(2)))
                else:
                    cur[field] = unquote(m.group(2))
    flush()
    return [e for e in entries if not e["obsolete"] and e["msgid"] != ""]


def key(e):
    return (e.get("msgctxt"), e["msgid"], e.get("msgid_plural"))


def describe(k):
    ctxt, msgid, _ = k
    text = msgid if len(msgid) < 70 else msgid[:67] + "…"
    return ("[%s] " % ctxt if ctxt else "") + repr(text)


def read_linguas(directory):
    with open(os.path.join(directory, "LINGUAS"), encoding="utf-8") as f:
        return [w for line in f for w in line.split("#")[0].split()]


def main():
    mode = sys.argv[1]
    msgfmt = sys.argv[3]
    help_c = os.path.join(SOURCE_ROOT, "help", "C")
    if mode == "help":
        itstool, yelp_check = sys.argv[2], sys.argv[4]
        directory, update = os.path.join(SOURCE_ROOT, "help"), "help-ferry-update-po"
    else:
        xgettext = sys.argv[2]
        directory, update = PO_DIR, "ferry-update-po"
    rel = os.path.relpath(directory, SOURCE_ROOT)

    languages = read_linguas(directory)
    if not languages:
        fail("%s/LINGUAS lists no language" % rel)

    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, "ferry.pot")
        if mode == "help":
            pages = sorted(f for f in os.listdir(help_c) if f.endswith((".page", ".xml")))
            subprocess.run([itstool, "-o", pot, *pages], check=True, cwd=help_c)
        else:
            subprocess.run([xgettext, *XGETTEXT_ARGS, "--package-name=ferry",
                            "-D", SOURCE_ROOT, "-f", os.path.join(PO_DIR, "POTFILES.in"),
                            "-o", pot], check=True, cwd=SOURCE_ROOT)
        template = {key(e) for e in parse_po(pot)}

        for lang in languages:
            po = os.path.join(directory, lang, lang + ".po") if mode == "help" else os.path.join(directory, lang + ".po")
            if not os.path.exists(po):
                fail("%s is missing" % os.path.relpath(po, SOURCE_ROOT))
                continue

            # msgfmt --check: syntax, headers, c-format and plural forms.
            r = subprocess.run([msgfmt, "--check", "--statistics", "-o", os.path.join(tmp, lang + ".mo"), po],
                               capture_output=True, text=True, env=dict(os.environ, LC_ALL="C"))
            stats = (r.stdout + r.stderr).strip()
            print("%s.po: %s" % (lang, stats))
            if r.returncode != 0:
                fail("msgfmt --check rejects po/%s.po" % lang)
            if re.search(r"\d+ (fuzzy|untranslated)", stats):
                fail("%s has fuzzy or untranslated entries: %s" % (os.path.relpath(po, SOURCE_ROOT), stats))

            entries = parse_po(po)
            have = {key(e): e for e in entries}
            for e in entries:
                if "fuzzy" in e["flags"]:
                    fail("%s: fuzzy: %s" % (lang, describe(key(e))))
                if any(s == "" for s in e["msgstr"]):
                    fail("%s: untranslated: %s" % (lang, describe(key(e))))
                wanted = sorted(PLACEHOLDER.findall(e["msgid"]))
                for s in e["msgstr"]:
                    if s and sorted(PLACEHOLDER.findall(s)) != wanted:
                        fail("%s: placeholders %s differ in %s" % (lang, wanted, describe(key(e))))
                if e["msgid"].endswith(";") and ";" in e["msgid"] and " " not in e["msgid"].split(";")[0]:
                    if not all(s.endswith(";") for s in e["msgstr"]):
                        fail("%s: a keyword list must end with “;”: %s" % (lang, describe(key(e))))

            new = sorted(template - have.keys(), key=lambda k: k[1])
            gone = sorted(have.keys() - template, key=lambda k: k[1])
            for k in new:
                fail("%s: not in %s (new in the sources): %s" % (lang, os.path.relpath(po, SOURCE_ROOT), describe(k)))
            for k in gone:
                fail("%s: no longer in the sources: %s" % (lang, describe(k)))
            if new or gone:
                print("%s is out of date: run `ninja -C BUILDDIR %s`, then translate the "
                      "new entries (msgid/msgstr pairs marked fuzzy or empty)." % (os.path.relpath(po, SOURCE_ROOT), update))

            if mode == "help" and r.returncode == 0:
                # Build the translated guide the way gnome.yelp does, and validate it.
                out = os.path.join(tmp, lang)
                os.mkdir(out)
                pages = sorted(f for f in os.listdir(help_c) if f.endswith((".page", ".xml")))
                subprocess.run([itstool, "-m", os.path.join(tmp, lang + ".mo"), "--lang", lang, "-o", out,
                                *[os.path.join(help_c, p) for p in pages]], check=True)
                v = subprocess.run([yelp_check, "validate", *[p for p in pages if p.endswith(".page")]],
                                   cwd=out, capture_output=True, text=True)
                if v.returncode != 0 or v.stdout.strip():
                    fail("help/%s: the translated pages do not validate:\n%s" % (lang, v.stdout + v.stderr))
                else:
                    print("help/%s: %d translated pages validate" % (lang, len(pages) - 1))

    if failures:
        print("%d problem(s)" % len(failures))
        return 1
    print("translations complete: %s" % ", ".join(languages))
    return 0


if __name__ == "__main__":
    sys.exit(main())

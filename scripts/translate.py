"""Fill French translations into a .po file from a JSON file of {msgid: msgstr}.

Usage: python scripts/translate.py APP_OR_ROOT translations.json
  APP_OR_ROOT is "." for the project's locale/ or an app folder (meetings, …).
Reports the msgids still untranslated, and compiles the .mo (pure Python, no gettext needed).
Plural entries take a list of two strings.
"""

import json
import sys
from pathlib import Path

import polib


def main(folder, json_path):
    po_path = Path(folder) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(po_path))
    translations = json.loads(Path(json_path).read_text(encoding="utf-8")) if json_path else {}
    for entry in po:
        if entry.msgid in translations:
            value = translations[entry.msgid]
            if entry.msgid_plural:
                entry.msgstr_plural = {0: value[0], 1: value[1]}
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.metadata["Language"] = "fr"
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n > 1);"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save()
    po.save_as_mofile(str(po_path.with_suffix(".mo")))
    missing = [e.msgid for e in po if not e.obsolete and not e.translated()]
    for entry in po:
        if not entry.obsolete and not entry.translated():
            guess = f"  (fuzzy guess: {entry.msgstr!r})" if "fuzzy" in entry.flags else ""
            print(f"untranslated: {entry.msgid!r}{guess}")
    print(f"{po_path}: {len(po) - len(missing)}/{len(po)} translated")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))

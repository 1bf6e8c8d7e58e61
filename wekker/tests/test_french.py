"""French elision: “de” or “que” before a name that may start with a vowel reads wrong
(“Présence de Anaïs Cadiou”, “Membres de Emploi des seniors”). Translations put the
name after a colon or a noun instead; dates and numbers (“le %(date)s”) are fine."""

import re
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
# "de %(name)s", "que {{ group }}": a person's, group's, body's or place's name right after a word that elides.
ELIDING = re.compile(
    r"\b(?:de|que) (?:%\((?:name|group|organisation)\)s|\{\{ ?(?:name|group|organisation) ?\}\})", re.I
)


def catalogues():
    return [ROOT / "locale/fr/LC_MESSAGES/django.po", *ROOT.glob("*/locale/fr/LC_MESSAGES/django.po")]


def test_it_never_puts_a_name_after_a_word_that_elides():
    found = []
    for path in catalogues():
        for entry in polib.pofile(str(path)):
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                if ELIDING.search(text):
                    found.append(f"{path.relative_to(ROOT)}: {text}")
    assert found == []

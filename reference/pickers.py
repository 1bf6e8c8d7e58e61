"""Territory pickers: grouped by level (optgroups), sorted by name, searchable when long (SPEC.md,
"Territory codes as files carry them")."""

import re

from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from .models import Territory

LEVEL_GROUPS = {
    Territory.Level.COUNTRY: _("Country"),
    Territory.Level.REGION: _("Régions"),
    Territory.Level.DEPARTEMENT: _("Départements"),
    Territory.Level.MISSION_LOCALE: _("Missions Locales"),
}
# A picker with more options than this gets a search box (reference/static/reference/picker.js).
SEARCHABLE_FROM = 30
PREFIXED_DEPARTEMENT = re.compile(r"^D(\d{2})$")


def insee_code(code, level):
    """The code as INSEE writes it: a département's "D53" is "53" (the D only tells it from the région)."""
    match = PREFIXED_DEPARTEMENT.match(code)
    return match.group(1) if match and level == Territory.Level.DEPARTEMENT else code


def option_label(name, code, level):
    return f"{name} ({insee_code(code, level)})"


def grouped(rows, value=lambda row: row["code"]):
    """[(group label, [(value, label), …]), …] of territory rows (dicts with code, name, level)."""
    groups = {level: [] for level in LEVEL_GROUPS}
    for row in sorted(rows, key=lambda r: (r["name"].casefold(), r["code"])):
        groups.setdefault(row["level"], []).append((value(row), option_label(row["name"], row["code"], row["level"])))
    return [(str(LEVEL_GROUPS.get(level, level)), options) for level, options in groups.items() if options]


class _LevelIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        territories = {t.pk: t for t in self.queryset}
        rows = [{"pk": t.pk, "code": t.code, "name": t.name, "level": t.level} for t in territories.values()]
        yield from grouped(rows, value=lambda row: self.choice(territories[row["pk"]])[0])


def by_level(field):
    """Make a ModelChoiceField of territories show them grouped by level, sorted by name, searchable."""
    field.iterator = _LevelIterator
    field.widget.choices = field.choices
    searchable(field)
    return field


def searchable(field):
    field.widget.attrs["data-searchable"] = "true"
    field.widget.attrs["data-search-label"] = str(_("Search in the list"))
    return field

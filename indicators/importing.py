"""Importing indicators: all rows or none (SPEC.md, "CSV import").

`plan` compares the rows `indicators.reading` checked with the database; `apply` writes a
plan in one transaction with bulk upserts. `import_file` chains them for the command.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import ngettext

from reference.models import Domain, Stage, Territory

from .models import IndicatorImport, Observation
from .reading import read_file

KEY_FIELDS = ("year", "month", "territory_id", "domain_id", "stage")


@dataclass
class Plan:
    """What an import would do: rows to add, rows whose counts change, rows unchanged."""

    added: list
    changed: list
    unchanged: int
    combined_rows: int = 0  # lines of the file summed with others (F1703 + F1704 → F)
    combined_into: int = 0  # the observations they made


def plan(rows):
    """Compare the rows with the database (one query per year and month in the file)."""
    existing = {}
    periods = {(r.year, r.month) for r in rows}
    territories = {r.territory_id for r in rows}
    for year, month in sorted(periods):
        found = Observation.objects.filter(year=year, month=month, territory_id__in=territories).values_list(
            *KEY_FIELDS, "women", "men", "unknown"
        )
        for *key, women, men, unknown in found:
            existing[tuple(key)] = (women, men, unknown)
    added, changed, unchanged = [], [], 0
    for row in rows:
        current = existing.get(row.key)
        if current is None:
            added.append(row)
        elif current != (row.women, row.men, row.unknown):
            row.previous = current
            changed.append(row)
        else:
            unchanged += 1
    combined = [len(r.lines) for r in rows if len(r.lines) > 1]
    return Plan(added, changed, unchanged, combined_rows=sum(combined), combined_into=len(combined))


CHANGES_SHOWN = 50


def counts_text(added, changed, unchanged, *, planned=False):
    """'3 rows added, 1 changed, 0 unchanged' with the plurals of the reader's language."""
    values = {"added": added, "changed": changed, "unchanged": unchanged}
    if planned:
        parts = [
            ngettext("%(added)s row to add", "%(added)s rows to add", added),
            ngettext("%(changed)s to change", "%(changed)s to change", changed),
        ]
    else:
        parts = [
            ngettext("%(added)s row added", "%(added)s rows added", added),
            ngettext("%(changed)s changed", "%(changed)s changed", changed),
        ]
    parts.append(ngettext("%(unchanged)s unchanged", "%(unchanged)s unchanged", unchanged))
    return ", ".join(part % values for part in parts)


def described_changes(the_plan, limit=CHANGES_SHOWN):
    """The first changed rows as a person reads them, old → new (two queries for the codes)."""
    rows = the_plan.changed[:limit]
    territories = Territory.objects.in_bulk({r.territory_id for r in rows})
    domains = Domain.objects.in_bulk({r.domain_id for r in rows})
    out = []
    for r in rows:
        domain = domains[r.domain_id]
        out.append(
            {
                "line": r.line,
                "period": f"{r.year}" if not r.month else f"{r.year}-{r.month:02d}",
                "territory": territories[r.territory_id],
                "domain": domain,
                "stage": Stage(r.stage).label,
                "old": dict(zip(("women", "men", "unknown"), r.previous, strict=True)),
                "new": {"women": r.women, "men": r.men, "unknown": r.unknown},
            }
        )
    return out


@transaction.atomic
def apply(the_plan, *, file_name, user=None):
    """Write a plan: one IndicatorImport record, then upserts in batches."""
    record = IndicatorImport.objects.create(
        imported_by=user if user is not None and user.is_authenticated else None,
        file_name=file_name[:255],
        rows_added=len(the_plan.added),
        rows_changed=len(the_plan.changed),
        rows_unchanged=the_plan.unchanged,
    )
    objects = [
        Observation(
            year=r.year,
            month=r.month,
            territory_id=r.territory_id,
            domain_id=r.domain_id,
            stage=r.stage,
            women=r.women,
            men=r.men,
            unknown=r.unknown,
            is_fictitious=False,
            source=record,
        )
        for r in [*the_plan.added, *the_plan.changed]
    ]
    Observation.objects.bulk_create(
        objects,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=list(KEY_FIELDS),
        update_fields=["women", "men", "unknown", "is_fictitious", "source"],
    )
    return record


def import_file(data, *, file_name, user=None, dry_run=False):
    """Read, check and (unless dry_run) write a file. Returns (parsed, plan or None, record or None)."""
    parsed = read_file(data)
    if not parsed.ok:
        return parsed, None, None
    the_plan = plan(parsed.rows)
    if dry_run:
        return parsed, the_plan, None
    return parsed, the_plan, apply(the_plan, file_name=file_name, user=user)

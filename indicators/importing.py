"""Importing indicators: all rows or none (SPEC.md, "CSV import").

`check` streams a file into the staging table and compares it with the database (a dry
run); `write` writes a checked batch in one transaction and refreshes the rollup.
`import_file` chains them for the command line and the tests; the web goes through
`indicators.uploads` and a Celery task.
"""

import io
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import ngettext

from . import rollup, staging
from .models import ImportStatus, IndicatorImport
from .reading import Parsed

CHANGES_SHOWN = 50


@dataclass
class Plan:
    """What an import would do: rows to add, rows whose counts change, rows unchanged."""

    added: int
    changed: int
    unchanged: int
    combined_rows: int = 0  # lines of the file summed with others (F1703 + F1704 → F)
    combined_into: int = 0  # the observations they made
    changes: list = field(default_factory=list)  # the first changed rows, old → new

    @property
    def more_changes(self):
        return max(0, self.changed - len(self.changes))

    def as_dict(self):
        return {
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "combined_rows": self.combined_rows,
            "combined_into": self.combined_into,
            "changes": self.changes,
        }


NAMES = ("added", "changed", "unchanged")


def counts_text(added, changed, unchanged, *, planned=False):
    """'3 rows added, 1 changed, 0 unchanged' with the plurals of the reader's language."""
    numbers = zip(NAMES, (added, changed, unchanged), strict=True)
    values = {name: number_format(n, force_grouping=True) for name, n in numbers}
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


def check(binary, batch, *, progress=None):
    """Stage and check a file, and compare it with the database. Returns (parsed, plan or None)."""
    staging.discard_abandoned()
    parsed = staging.stage(binary, batch, Parsed(), progress=progress)
    if not parsed.ok:
        staging.discard(batch)
        return parsed, None
    return parsed, Plan(*staging.plan(batch, CHANGES_SHOWN))


@transaction.atomic
def write(batch, record):
    """Write a checked batch and refresh the rollup, in one transaction; the record gets the counts."""
    the_plan = Plan(*staging.plan(batch, 0))  # the database may have changed since the check
    years = staging.write(batch, record.pk)
    rollup.refresh(years)
    record.rows_added, record.rows_changed, record.rows_unchanged = the_plan.added, the_plan.changed, the_plan.unchanged
    record.status = ImportStatus.DONE
    record.finished_at = timezone.now()
    record.save()
    staging.discard(batch)
    return the_plan


def _open(source):
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source)
    return Path(source).open("rb")


def import_file(source, *, file_name, user=None, dry_run=False, progress=None):
    """Read, check and (unless dry_run) write a file given as bytes or a path.

    Returns (parsed, plan or None, record or None); a rejected file or a dry run writes no record.
    """
    batch = staging.new_batch()
    with _open(source) as binary:
        parsed, the_plan = check(binary, batch, progress=progress)
    if the_plan is None or dry_run:
        staging.discard(batch)
        return parsed, the_plan, None
    with transaction.atomic():
        record = IndicatorImport.objects.create(
            imported_by=user if user is not None and user.is_authenticated else None, file_name=file_name[:255]
        )
        write(batch, record)
    return parsed, the_plan, record

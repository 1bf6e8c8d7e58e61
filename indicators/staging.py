"""A file being imported, streamed into the StagedRow table: the database finds its duplicate
keys, sums its full ROME codes, compares it with the observations and writes it.

Memory stays bounded whatever the file's size: rows go to the table in batches, and every
question about the whole file is one SQL statement over the batch.
"""

import time
import uuid

from django.db import connection
from django.utils.translation import gettext as _

from reference.models import Domain, Stage, Territory

from .models import Observation, StagedRow
from .reading import ERRORS_KEPT, MAX_COUNT, check_rows

BATCH_ROWS = 5000
KEY = ("year", "month", "territory_id", "domain_id", "stage")
COLUMNS = ("batch", "line", *KEY, "women", "men", "unknown", "code", "is_detail")
ABANDONED_AFTER = 24 * 3600  # seconds


def new_batch():
    """A batch name that starts with its creation time, so that abandoned ones can be found."""
    return f"{int(time.time()):010d}-{uuid.uuid4().hex[:16]}"


def discard(batch):
    StagedRow.objects.filter(batch=batch).delete()


def discard_abandoned(now=None):
    """Batches older than a day: a preview never confirmed, or a process that died."""
    cutoff = f"{int((now or time.time()) - ABANDONED_AFTER):010d}-"
    StagedRow.objects.filter(batch__lt=cutoff).delete()


def stage(binary, batch, parsed, *, progress=None, lookups=None):
    """Check every row of the file and put the good ones in the table; then check the keys."""
    write = _copy if connection.vendor == "postgresql" else _bulk_create
    buffer = []
    for row in check_rows(binary, parsed, lookups=lookups, progress=progress):
        buffer.append((batch, row.line, *(getattr(row, k) for k in KEY), row.women, row.men, row.unknown))
        buffer[-1] += (row.code[:20], row.is_detail)
        if len(buffer) >= BATCH_ROWS:
            write(buffer)
            buffer = []
    if buffer:
        write(buffer)
    _check_keys(batch, parsed)
    return parsed


def _copy(rows):
    table = StagedRow._meta.db_table
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _bulk_create(rows):
    StagedRow.objects.bulk_create([StagedRow(**dict(zip(COLUMNS, row, strict=True))) for row in rows])


def _fetch(sql, params):
    tables = {"staged": StagedRow._meta.db_table, "observation": Observation._meta.db_table}
    with connection.cursor() as cursor:
        cursor.execute(sql.format(keys=KEYS.format(**tables), differs=DIFFERS, **tables), params)
        return cursor.fetchall()


# Window functions sort the batch once: a self-join would be quadratic where the planner guesses wrong.
DUPLICATES = """
SELECT line, first_line FROM (
    SELECT line, MIN(line) OVER (PARTITION BY year, month, territory_id, domain_id, stage, code) AS first_line
    FROM {staged} WHERE batch = %s
) x WHERE line > first_line ORDER BY line LIMIT %s
"""
TOTAL_AND_DETAIL = """
SELECT line, code, first_code, first_line FROM (
    SELECT line, code, is_detail,
           FIRST_VALUE(line) OVER w AS first_line, FIRST_VALUE(code) OVER w AS first_code,
           FIRST_VALUE(is_detail) OVER w AS first_detail
    FROM {staged} WHERE batch = %s
    WINDOW w AS (PARTITION BY year, month, territory_id, domain_id, stage ORDER BY line)
) x WHERE line > first_line AND NOT (is_detail AND first_detail) AND code <> first_code ORDER BY line LIMIT %s
"""
TOO_BIG = """
SELECT MIN(line) FROM {staged} WHERE batch = %s GROUP BY year, month, territory_id, domain_id, stage
HAVING SUM(women) > %s OR SUM(men) > %s OR SUM(unknown) > %s ORDER BY 1 LIMIT %s
"""


def _check_keys(batch, parsed):
    """What only the whole file tells: a key twice, a domain's total beside its detail, sums too big."""
    for line, first in _fetch(DUPLICATES, [batch, ERRORS_KEPT]):
        parsed.error(line, None, _("the same key already appears on line %(line)s") % {"line": first})
    for line, code, other, other_line in _fetch(TOTAL_AND_DETAIL, [batch, ERRORS_KEPT]):
        parsed.error(
            line,
            "domain",
            _(
                "“%(code)s” and “%(other)s” on line %(line)s count the same people (a domain's total and "
                "its detail): keep one or the other"
            )
            % {"code": code, "other": other, "line": other_line},
        )
    for (line,) in _fetch(TOO_BIG, [batch, MAX_COUNT, MAX_COUNT, MAX_COUNT, ERRORS_KEPT]):
        parsed.error(line, None, _("the counts summed for this domain are larger than the database holds"))


KEYS = """
(SELECT year, month, territory_id, domain_id, stage, SUM(women) AS women, SUM(men) AS men,
        SUM(unknown) AS unknown, COUNT(*) AS n, MIN(line) AS line
 FROM {staged} WHERE batch = %s GROUP BY year, month, territory_id, domain_id, stage) k
LEFT JOIN {observation} o ON o.year = k.year AND o.month = k.month AND o.territory_id = k.territory_id
     AND o.domain_id = k.domain_id AND o.stage = k.stage
"""
DIFFERS = "(o.women <> k.women OR o.men <> k.men OR o.unknown <> k.unknown)"
PLAN = """
SELECT COALESCE(SUM(CASE WHEN o.id IS NULL THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN o.id IS NOT NULL AND {differs} THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN o.id IS NOT NULL AND NOT {differs} THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN k.n > 1 THEN k.n ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN k.n > 1 THEN 1 ELSE 0 END), 0)
FROM {keys}
"""
CHANGES = """
SELECT k.line, k.year, k.month, k.territory_id, k.domain_id, k.stage, o.women, o.men, o.unknown,
       k.women, k.men, k.unknown
FROM {keys} WHERE o.id IS NOT NULL AND {differs} ORDER BY k.line LIMIT %s
"""


def plan(batch, changes_shown):
    """(added, changed, unchanged, combined rows, combined into, the first changed rows old → new)."""
    (counts,) = _fetch(PLAN, [batch])
    rows = _fetch(CHANGES, [batch, changes_shown])
    return (*(int(n) for n in counts), _described(rows))


def _described(rows):
    territories = Territory.objects.in_bulk({r[3] for r in rows})
    domains = Domain.objects.in_bulk({r[4] for r in rows})
    out = []
    for line, year, month, territory_id, domain_id, stage_code, *counts in rows:
        territory, domain = territories[territory_id], domains[domain_id]
        out.append(
            {
                "line": line,
                "period": f"{year}" if not month else f"{year}-{month:02d}",
                "territory": f"{territory.name} ({territory.code})",
                "domain": f"{domain.code} – {domain.label}",
                "stage": str(Stage(stage_code).label),
                "old": dict(zip(("women", "men", "unknown"), map(int, counts[:3]), strict=True)),
                "new": dict(zip(("women", "men", "unknown"), map(int, counts[3:]), strict=True)),
            }
        )
    return out


WRITE = """
INSERT INTO {observation} (year, month, territory_id, domain_id, stage, women, men, unknown, is_fictitious, source_id)
SELECT year, month, territory_id, domain_id, stage, SUM(women), SUM(men), SUM(unknown), %s, %s
FROM {staged} WHERE batch = %s GROUP BY year, month, territory_id, domain_id, stage
ON CONFLICT (year, month, territory_id, domain_id, stage) DO UPDATE
SET women = excluded.women, men = excluded.men, unknown = excluded.unknown,
    is_fictitious = excluded.is_fictitious, source_id = excluded.source_id
WHERE {observation}.women <> excluded.women OR {observation}.men <> excluded.men
   OR {observation}.unknown <> excluded.unknown
"""
YEARS = "SELECT DISTINCT year FROM {staged} WHERE batch = %s"


def write(batch, record_id):
    """Insert the new keys, update the changed ones (one statement); returns the years touched."""
    with connection.cursor() as cursor:
        table = {"staged": StagedRow._meta.db_table, "observation": Observation._meta.db_table}
        cursor.execute(WRITE.format(**table), [False, record_id, batch])
    return sorted(year for (year,) in _fetch(YEARS, [batch]))

"""The rollup: every territory's figures, summed once per import instead of once per page.

`refresh(years)` rebuilds the rows of those years in a few statements, bottom-up: each
territory's own keys first (the yearly row, else the sum of the monthly ones), then, level
by level towards the root, a parent's keys that it has no rows of its own for, as the sum
of its children's. Call it inside the transaction that changed the observations.
"""

from django.db import connection, transaction
from django.db.models import F

from reference.models import Domain, Territory

from .models import Coverage, Observation, Rollup, RollupVersion

OWN = """
INSERT INTO {rollup} (territory_id, nomenclature, year, stage, domain_id, women, men, unknown, fictitious, own)
SELECT o.territory_id, d.nomenclature, o.year, o.stage, o.domain_id,
       -- a key's yearly row when it has one, else the sum of its monthly rows
       CASE WHEN MAX(CASE WHEN o.month = 0 THEN 1 ELSE 0 END) = 1
            THEN SUM(CASE WHEN o.month = 0 THEN o.women ELSE 0 END) ELSE SUM(o.women) END,
       CASE WHEN MAX(CASE WHEN o.month = 0 THEN 1 ELSE 0 END) = 1
            THEN SUM(CASE WHEN o.month = 0 THEN o.men ELSE 0 END) ELSE SUM(o.men) END,
       CASE WHEN MAX(CASE WHEN o.month = 0 THEN 1 ELSE 0 END) = 1
            THEN SUM(CASE WHEN o.month = 0 THEN o.unknown ELSE 0 END) ELSE SUM(o.unknown) END,
       MAX(CASE WHEN o.is_fictitious THEN 1 ELSE 0 END), %s
FROM {observation} o JOIN {domain} d ON d.id = o.domain_id
WHERE {years}
GROUP BY o.territory_id, d.nomenclature, o.year, o.stage, o.domain_id
"""
CHILDREN = """
INSERT INTO {rollup} (territory_id, nomenclature, year, stage, domain_id, women, men, unknown, fictitious, own)
SELECT t.parent_id, r.nomenclature, r.year, r.stage, r.domain_id,
       SUM(r.women), SUM(r.men), SUM(r.unknown), MAX(r.fictitious), %s
FROM {rollup} r JOIN {territory} t ON t.id = r.territory_id
WHERE t.parent_id IN ({parents}) AND {years}
  AND NOT EXISTS (SELECT 1 FROM {rollup} p WHERE p.territory_id = t.parent_id AND p.year = r.year
                  AND p.stage = r.stage AND p.domain_id = r.domain_id)
GROUP BY t.parent_id, r.nomenclature, r.year, r.stage, r.domain_id
"""


def _parents_by_depth():
    """[[ids of the territories with children at depth d] for d from the deepest up to the root]."""
    parent_of = dict(Territory.objects.values_list("id", "parent_id"))
    depth = {}

    def depth_of(tid, seen=()):
        if tid not in depth:
            parent = parent_of.get(tid)
            depth[tid] = 0 if parent is None or parent in seen else depth_of(parent, (*seen, tid)) + 1
        return depth[tid]

    levels = {}
    for parent in parent_of.values():
        if parent is not None:
            levels.setdefault(depth_of(parent), set()).add(parent)
    return [sorted(levels[d]) for d in sorted(levels, reverse=True)]


def _years_clause(alias, years):
    if years is None:
        return "1 = 1", []
    return f"{alias}.year IN ({', '.join(['%s'] * len(years))})", list(years)


@transaction.atomic
def refresh(years=None):
    """Rebuild the rollup for these years (None: every year) and move the version on."""
    years = None if years is None else sorted(set(years))
    tables = {
        "rollup": Rollup._meta.db_table,
        "observation": Observation._meta.db_table,
        "domain": Domain._meta.db_table,
        "territory": Territory._meta.db_table,
    }
    if years == []:
        return
    stale = Rollup.objects.all() if years is None else Rollup.objects.filter(year__in=years)
    stale.delete()
    with connection.cursor() as cursor:
        clause, params = _years_clause("o", years)
        cursor.execute(OWN.format(years=clause, **tables), [True, *params])
        for parents in _parents_by_depth():
            clause, params = _years_clause("r", years)
            sql = CHILDREN.format(parents=", ".join(["%s"] * len(parents)), years=clause, **tables)
            cursor.execute(sql, [False, *parents, *params])
    _refresh_coverage(years)
    bump()


def _refresh_coverage(years):
    stale = Coverage.objects.all() if years is None else Coverage.objects.filter(year__in=years)
    stale.delete()
    own = Rollup.objects.filter(own=True)
    if years is not None:
        own = own.filter(year__in=years)
    rows = own.order_by().values_list("territory_id", "nomenclature", "year").distinct()
    Coverage.objects.bulk_create(
        [Coverage(territory_id=t, nomenclature=n, year=y) for t, n, y in rows.iterator()], batch_size=2000
    )


def bump():
    """Move the version on: every cached figure and chart is then stale."""
    if not RollupVersion.objects.filter(pk=1).update(version=F("version") + 1):
        RollupVersion.objects.create(pk=1, version=1)


def version():
    row = RollupVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    return row or 0

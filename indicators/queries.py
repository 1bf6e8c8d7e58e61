"""The observatory's sums, computed by the database (GROUP BY), never row by row in Python.

Two rules of SPEC.md shape the SQL:
- a year's figure for a key is its yearly row (month 0) when there is one, else the
  sum of its monthly rows — never both;
- a territory's figure is its own rows where it has some, else the sum of its
  children's: a row counts only when no ancestor (up to the chosen territory) has a
  row for the same year, domain and stage.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import Max

from reference.models import Domain, Territory
from reference.pickers import grouped

from .models import Observation


@dataclass
class TerritoryTree:
    """Every territory, with its parent, loaded in one query."""

    by_id: dict
    by_code: dict
    children: dict

    @classmethod
    def load(cls):
        rows = list(Territory.objects.order_by("code").values("id", "code", "name", "level", "parent_id"))
        children = defaultdict(list)
        for row in rows:
            children[row["parent_id"]].append(row["id"])
        return cls({r["id"]: r for r in rows}, {r["code"]: r for r in rows}, children)

    def root(self):
        """FR when it exists, else the first territory without a parent."""
        if "FR" in self.by_code:
            return self.by_code["FR"]
        roots = [self.by_id[i] for i in self.children.get(None, [])]
        return roots[0] if roots else None

    def subtree(self, territory_id):
        """The territory and all its descendants, each with its ancestors below and up to the territory."""
        ancestors = {territory_id: ()}
        stack = [territory_id]
        while stack:
            current = stack.pop()
            for child in self.children.get(current, []):
                if child not in ancestors:  # a cycle in the admin's data must not hang a request
                    ancestors[child] = (current, *ancestors[current])
                    stack.append(child)
        return ancestors

    def label(self, row):
        """A territory named with its level, as codes clash across levels: "Guadeloupe (région, 01)"."""
        return f"{row['name']} ({Territory.Level(row['level']).label.lower()}, {row['code']})"

    def options(self):
        """(group, [(code, label), …]) for a select: grouped by level, sorted by name."""
        return grouped(self.by_id.values())


@dataclass
class Figures:
    """Counts per (year, stage, domain_id) for one territory and nomenclature."""

    cells: dict = field(default_factory=dict)  # (year, stage, domain_id) -> (women, men, unknown)
    fictitious_keys: set = field(default_factory=set)  # (year, stage, domain_id) counting demo rows
    territories: dict = field(default_factory=dict)  # year -> ids of the subtree's territories with rows

    @property
    def years(self):
        return sorted({year for year, _s, _d in self.cells})


def _labels(tree, territory_id, nomenclature):
    """Sort the subtree's territories by what may hide their rows.

    Returns (ids of the subtree, or None for every territory; {label: territory ids};
    {label: ancestors with rows of their own}). A territory with rows of its own gets
    its own label, so that its keys are known; the others share a label by the chain
    of their ancestors with rows. Usually no inner territory has rows: one label.
    """
    subtree = tree.subtree(territory_id)
    internal = [tid for tid in subtree if tree.children.get(tid)]
    with_rows = set()
    if internal:
        with_rows = set(
            Observation.objects.filter(territory_id__in=internal, domain__nomenclature=nomenclature)
            .order_by()
            .values_list("territory_id", flat=True)
            .distinct()
        )
    members, hidden_by = defaultdict(list), {}
    for tid, ancestors in subtree.items():
        chain = tuple(a for a in ancestors if a in with_rows)
        label = f"t{tid}" if tid in with_rows else "c" + "-".join(map(str, chain))
        members[label].append(tid)
        hidden_by[label] = chain
    ids = None if len(subtree) == len(tree.by_id) else list(subtree)
    return ids, members, hidden_by


FIGURES_SQL = """
SELECT k.year, k.stage, k.domain_id, k.label,
       SUM(k.women), SUM(k.men), SUM(k.unknown), SUM(k.fictitious)
FROM (
    SELECT o.year, o.stage, o.domain_id, {label} AS label,
           -- a key's yearly row when it has one, else the sum of its monthly rows
           CASE WHEN MAX(CASE WHEN o.month = 0 THEN 1 ELSE 0 END) = 1
                THEN SUM(CASE WHEN o.month = 0 THEN o.women ELSE 0 END) ELSE SUM(o.women) END AS women,
           CASE WHEN MAX(CASE WHEN o.month = 0 THEN 1 ELSE 0 END) = 1
                THEN SUM(CASE WHEN o.month = 0 THEN o.men ELSE 0 END) ELSE SUM(o.men) END AS men,
           CASE WHEN MAX(CASE WHEN o.month = 0 THEN 1 ELSE 0 END) = 1
                THEN SUM(CASE WHEN o.month = 0 THEN o.unknown ELSE 0 END) ELSE SUM(o.unknown) END AS unknown,
           MAX(CASE WHEN o.is_fictitious THEN 1 ELSE 0 END) AS fictitious
    FROM {observation} o
    INNER JOIN {domain} d ON d.id = o.domain_id
    WHERE d.nomenclature = %s {in_subtree}
    GROUP BY o.year, o.territory_id, o.domain_id, o.stage
) k
GROUP BY k.year, k.stage, k.domain_id, k.label
"""


def figures_for(tree, territory_id, nomenclature):
    """All years' counts of a territory by (year, stage, domain), in one query of two GROUP BYs.

    The inner GROUP BY applies the yearly-or-monthly rule to each key of each
    territory; the outer one sums them by label (see _labels). Then a label's sums
    count for a key unless an ancestor with rows has a row for that key.
    """
    ids, members, hidden_by = _labels(tree, territory_id, nomenclature)
    sql, params = _figures_sql(ids, members, nomenclature)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    present = {(year, stage, domain_id, label) for year, stage, domain_id, label, *_rest in rows}
    figures = Figures(territories=_territories_with_rows(nomenclature, ids))
    for year, stage, domain_id, label, women, men, unknown, fictitious in rows:
        chain = hidden_by.get(label, ())
        if any((year, stage, domain_id, f"t{a}") in present for a in chain):
            continue  # an ancestor has its own figure for this key
        key = (year, stage, domain_id)
        w, m, u = figures.cells.get(key, (0, 0, 0))
        figures.cells[key] = (w + int(women), m + int(men), u + int(unknown))
        if fictitious:
            figures.fictitious_keys.add(key)
    return figures


def _figures_sql(ids, members, nomenclature):
    """FIGURES_SQL for a subtree (None: every territory) and its labels, with its parameters."""
    params = []  # in the order of the placeholders: the label's CASE, then the WHERE
    if len(members) == 1:
        label = "''"
    else:
        whens = []
        for name, tids in members.items():
            whens.append(f"WHEN o.territory_id IN ({', '.join(['%s'] * len(tids))}) THEN '{name}'")
            params += tids
        label = "CASE " + " ".join(whens) + " ELSE '' END"
    params.append(nomenclature)
    in_subtree = ""
    if ids is not None:
        in_subtree = f"AND o.territory_id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    sql = FIGURES_SQL.format(
        label=label, observation=Observation._meta.db_table, domain=Domain._meta.db_table, in_subtree=in_subtree
    )
    return sql, params


def _territories_with_rows(nomenclature, ids):
    """{year: ids of the territories with rows}, for the coverage line (one DISTINCT query)."""
    rows = Observation.objects.filter(domain__nomenclature=nomenclature)
    if ids is not None:
        rows = rows.filter(territory_id__in=ids)
    found = defaultdict(set)
    for year, territory_id in rows.order_by().values_list("year", "territory_id").distinct():
        found[year].add(territory_id)
    return {year: frozenset(tids) for year, tids in found.items()}


COVERAGE_LISTED = 12


def coverage(tree, territory_id, with_rows):
    """Whose rows make a territory's figure, and whether some of its territories are missing.

    The sources are the territories with rows and no ancestor with rows (up to the chosen
    territory), at the level of a year. The figure is complete when the territory has rows
    of its own, or when each of its children is complete; a territory without rows nor
    children is missing. `focus` is the smallest territory holding every source.
    """
    subtree = tree.subtree(territory_id)
    with_rows = set(with_rows) & set(subtree)
    sources = sorted(
        (tid for tid in with_rows if not any(a in with_rows for a in subtree[tid])),
        key=lambda tid: tree.by_id[tid]["name"],
    )
    if not sources:
        return None
    children = tree.children.get(territory_id, [])
    reached = {a for s in sources for a in (s, *subtree[s])}
    focus = _focus(subtree, sources, territory_id)
    names = [tree.by_id[tid]["name"] for tid in sources]
    return {
        "territories": [tree.by_id[tid]["code"] for tid in sources],
        "names": names[:COVERAGE_LISTED],
        "more": max(0, len(names) - COVERAGE_LISTED),
        "count": len(sources),
        "partial": not _complete(tree, territory_id, with_rows, {}),
        "children": len(children),
        "children_with_data": sum(1 for c in children if c in reached),
        "focus": None if focus == territory_id else tree.by_id[focus]["code"],
        "focus_label": None if focus == territory_id else tree.label(tree.by_id[focus]),
    }


def _complete(tree, tid, with_rows, memo):
    """A territory's figure is complete when it has rows, or when each of its children is complete."""
    if tid not in memo:
        children = tree.children.get(tid, [])
        memo[tid] = tid in with_rows or (bool(children) and all(_complete(tree, c, with_rows, memo) for c in children))
    return memo[tid]


def _focus(subtree, sources, territory_id):
    """The lowest territory that every source's chain goes through."""
    chains = [(*reversed(subtree[s]), s) for s in sources]
    focus = territory_id
    for level in zip(*chains, strict=False):  # as deep as the shortest chain
        if len(set(level)) > 1:
            break
        focus = level[0]
    return focus


def observations_for_export(tree, territory_id, nomenclature, year, domain_code=None):
    """The rows of a territory and those under it for one year, as import rows (one query)."""
    rows = Observation.objects.filter(
        territory_id__in=list(tree.subtree(territory_id)), domain__nomenclature=nomenclature, year=year
    )
    if domain_code:
        rows = rows.filter(domain__code=domain_code)
    fields = ("year", "month", "territory__code", "domain__code", "stage", "women", "men", "unknown")
    for year_, month, territory, domain, stage, women, men, unknown in (
        rows.order_by("month", "territory__code", "domain__code", "stage")
        .values_list(*fields)
        .iterator(chunk_size=5000)
    ):
        period = f"{year_}" if not month else f"{year_}-{month:02d}"
        yield period, territory, nomenclature, domain, stage, women, men, unknown


CACHE_SECONDS = 600


def cached_figures(tree, territory_id, nomenclature):
    """figures_for, kept in the cache until the observations change.

    The version is the newest observation and the newest import that wrote one (both
    read from an index): an import, a demo reload or a generator run moves it. An edit
    in the admin shows after CACHE_SECONDS at most.
    """
    version = Observation.objects.aggregate(last=Max("id"), source=Max("source_id"))
    key = f"indicators:figures:{territory_id}:{nomenclature}:{version['last']}:{version['source']}"
    figures = cache.get(key)
    if figures is None:
        figures = figures_for(tree, territory_id, nomenclature)
        cache.set(key, figures, CACHE_SECONDS)
    return figures

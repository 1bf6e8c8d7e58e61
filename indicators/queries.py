"""The observatory's figures, read from the rollup (indicators.rollup), which applies SPEC.md's rules:
- a year's figure for a key is its yearly row (month 0) when there is one, else the
  sum of its monthly rows — never both;
- a territory's figure is its own rows where it has some, else the sum of its children's.
No page sums raw observations: the rollup is refreshed by each import.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from reference.models import Domain, Territory
from reference.pickers import grouped

from . import rollup
from .caching import cached
from .models import Coverage, Observation, Rollup


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


def figures_for(territory_id, nomenclature):
    """All years' figures of a territory by (year, stage, domain), read from the rollup (two queries)."""
    figures = Figures()
    rows = Rollup.objects.filter(territory_id=territory_id, nomenclature=nomenclature).values_list(
        "year", "stage", "domain_id", "women", "men", "unknown", "fictitious"
    )
    for year, stage, domain_id, women, men, unknown, fictitious in rows:
        key = (year, stage, domain_id)
        figures.cells[key] = (int(women), int(men), int(unknown))
        if fictitious:
            figures.fictitious_keys.add(key)
    return figures


def territories_with_rows(tree, territory_id, nomenclature):
    """{year: ids of the subtree's territories with rows of their own}, for the coverage line (one query)."""
    subtree = tree.subtree(territory_id)
    found = defaultdict(set)
    for year, tid in Coverage.objects.filter(nomenclature=nomenclature).values_list("year", "territory_id"):
        if tid in subtree:
            found[year].add(tid)
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


CACHE_SECONDS = 24 * 3600
REFERENCE_SECONDS = 300  # territories and domains change in the admin only: seen within five minutes


def cached_reference(version, nomenclature):
    """(TerritoryTree, the nomenclature's domains), kept a few minutes under the rollup's version."""
    return cached(
        f"indicators:reference:{version}:{nomenclature}",
        lambda: (TerritoryTree.load(), list(Domain.objects.filter(nomenclature=nomenclature).order_by("code"))),
        REFERENCE_SECONDS,
    )


def cached_figures(tree, territory_id, nomenclature, version=None):
    """figures_for and its coverage, cached under the rollup's version: an import moves it.
    With the cache unreachable they are computed without it (caching.cached)."""
    version = rollup.version() if version is None else version

    def compute():
        figures = figures_for(territory_id, nomenclature)
        figures.territories = territories_with_rows(tree, territory_id, nomenclature)
        return figures

    return cached(f"indicators:figures:{version}:{territory_id}:{nomenclature}", compute, CACHE_SECONDS)

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

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear

from .models import Observation, Territory


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

    def options(self):
        """(code, label) pairs for a select, indented by depth, root first."""
        root = self.root()
        if root is None:
            return []
        out = []

        def walk(tid, depth):
            row = self.by_id[tid]
            out.append((row["code"], "\u00a0\u00a0" * depth + f"{row['name']} ({row['code']})"))
            for child in self.children.get(tid, []):
                walk(child, depth + 1)

        walk(root["id"], 0)
        return out


@dataclass
class Figures:
    """Counts per (year, stage, domain_id) for one territory and nomenclature."""

    cells: dict = field(default_factory=dict)  # (year, stage, domain_id) -> (women, men, unknown)
    fictitious: bool = False

    @property
    def years(self):
        return sorted({year for year, _s, _d in self.cells})


def counted_observations(tree, territory_id, nomenclature):
    """The observations that make up the figures of a territory: the two rules in SQL."""
    subtree = tree.subtree(territory_id)
    internal = [tid for tid in subtree if tree.children.get(tid)]
    # Which inner territories have rows of their own at all: usually none, and then no
    # row needs the (costlier) ancestor check.
    with_rows = set(
        Observation.objects.filter(territory_id__in=internal, domain__nomenclature=nomenclature)
        .order_by()
        .values_list("territory_id", flat=True)
        .distinct()
    ) if internal else set()
    by_chain = defaultdict(list)
    for tid, ancestors in subtree.items():
        by_chain[tuple(a for a in ancestors if a in with_rows)].append(tid)

    same_key = {"year": OuterRef("year"), "domain_id": OuterRef("domain_id"), "stage": OuterRef("stage")}
    in_territories = Q()
    for chain, ids in by_chain.items():
        part = Q(territory_id__in=ids)
        if chain:
            part &= ~Exists(Observation.objects.filter(territory_id__in=chain, **same_key))
        in_territories |= part
    yearly_row_exists = Exists(
        Observation.objects.filter(month=0, territory_id=OuterRef("territory_id"), **same_key)
    )
    return Observation.objects.filter(domain__nomenclature=nomenclature).filter(in_territories).filter(
        Q(month=0) | ~yearly_row_exists
    )


def figures_for(tree, territory_id, nomenclature):
    """All years' counts of a territory by (year, stage, domain), in one GROUP BY query."""
    rows = (
        counted_observations(tree, territory_id, nomenclature)
        .order_by()
        .values("year", "stage", "domain_id")
        .annotate(
            women_sum=Sum("women"),
            men_sum=Sum("men"),
            unknown_sum=Sum("unknown"),
            fictitious=Count("id", filter=Q(is_fictitious=True)),
        )
    )
    figures = Figures()
    for row in rows:
        key = (row["year"], row["stage"], row["domain_id"])
        figures.cells[key] = (row["women_sum"], row["men_sum"], row["unknown_sum"])
        figures.fictitious = figures.fictitious or bool(row["fictitious"])
    return figures


def actions_by_lever(user, years):
    """{(year, lever): count} of the actions the user may see (dropped ones left out),
    dated by their due date, else their creation date."""
    from meetings.models import Action

    if not years:
        return {}
    rows = (
        Action.objects.visible_to(user)
        .exclude(status=Action.Status.DROPPED)
        .annotate(action_year=Coalesce(ExtractYear("due_date"), ExtractYear("created_at")))
        .filter(action_year__gte=min(years), action_year__lte=max(years))
        .order_by()
        .values("action_year", "lever")
        .annotate(n=Count("id"))
    )
    return {(row["action_year"], row["lever"]): row["n"] for row in rows}

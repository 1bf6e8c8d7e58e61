"""What the dashboard, the JSON and the CSV show: sums turned into figures, small cells withheld.

One function, `build_summary`, so that the three outputs can never disagree.
"""

from dataclasses import dataclass

from django.conf import settings

from reference.models import STAGE_ORDER, Domain, Stage

from . import metrics


@dataclass(frozen=True)
class Selection:
    """The filters of the dashboard, already checked (see forms.DashboardFilters)."""

    territory: dict  # a TerritoryTree row
    nomenclature: str = "rome"
    year: int | None = None  # None: the latest year with data
    domain: str = ""  # a domain code, "" for all
    stage: str = ""  # a stage, "" for all
    rule: str = metrics.DARES15


def withheld_label():
    """How a withheld count reads, in pages and exports: "< 11" with the default threshold."""
    return f"< {settings.INDICATORS_SMALL_CELL_MAX + 1}"


class Withholding:
    """The small-cell rule for one reader: admins see everything."""

    def __init__(self, sees_small_cells):
        self.active = not sees_small_cells
        self.small_max = settings.INDICATORS_SMALL_CELL_MAX
        self.min_denominator = settings.INDICATORS_MIN_SHARE_DENOMINATOR

    def count(self, n):
        if self.active and metrics.is_small_cell(n, small_max=self.small_max):
            return None
        return n

    def share_shown(self, women, men):
        if not self.active:
            return True
        return metrics.share_is_shown(women, men, small_max=self.small_max, min_denominator=self.min_denominator)

    def ratio_shown(self, count, previous):
        if not self.active:
            return True
        small = metrics.is_small_cell(count, small_max=self.small_max)
        return previous >= self.min_denominator and not small

    def index_shown(self, women, men):
        return not self.active or (women >= self.min_denominator and men >= self.min_denominator)


def _round(value, digits):
    return None if value is None else round(value, digits)


def _counts(women, men, unknown, withhold):
    """A block of counts and share as shown to the reader, with its `suppressed` mark."""
    shown = {"women": withhold.count(women), "men": withhold.count(men), "unknown": withhold.count(unknown)}
    share = metrics.share_of_women(women, men)
    share_shown = withhold.share_shown(women, men)
    suppressed = any(shown[k] is None for k in shown) or (share is not None and not share_shown)
    return {**shown, "share_women": _round(share, 4) if share_shown else None, "suppressed": suppressed}


class _Cells:
    """A selection's counts, summed over domains: all of them, or those shown."""

    def __init__(self, figures, domains, shown_ids):
        self.cells, self.domains, self.shown_ids = figures.cells, domains, shown_ids

    def of(self, year, stage, domain_id):
        return self.cells.get((year, stage, domain_id), (0, 0, 0))

    def totals(self, year, stage, shown_only=False):
        w = m = u = 0
        for d in self.domains:
            if shown_only and d.id not in self.shown_ids:
                continue
            cw, cm, cu = self.of(year, stage, d.id)
            w, m, u = w + cw, m + cm, u + cu
        return w, m, u


def build_summary(figures, selection, domains, *, sees_small_cells):
    """The figures of a selection, as plain data (JSON-ready)."""
    withhold = Withholding(sees_small_cells)
    years = figures.years
    year = selection.year if selection.year is not None else (years[-1] if years else None)
    previous_year = year - 1 if year is not None and (year - 1) in years else None
    domains = list(domains)
    shown_ids = {d.id for d in domains if not selection.domain or d.code == selection.domain}
    cells = _Cells(figures, domains, shown_ids)
    stages_out = [_stage_block(cells, stage, year, previous_year, selection.rule, withhold) for stage in STAGE_ORDER]
    true_totals = {stage: cells.totals(year, stage, shown_only=True)[:2] for stage in STAGE_ORDER}
    if selection.stage:
        stages_out = [s for s in stages_out if s["stage"] == selection.stage]
    return {
        "year": year,
        "previous_year": previous_year,
        "years": years,
        "territory": selection.territory["code"],
        "territory_name": selection.territory["name"],
        "nomenclature": selection.nomenclature,
        "domain": selection.domain or None,
        "stage": selection.stage or None,
        "rule": selection.rule,
        "is_fictitious": figures.fictitious,
        "small_cells_withheld": withhold.active,
        "stages": stages_out,
        "path": _path(true_totals, withhold),
        "trend": _trend(cells, years, withhold),
    }


def _stage_block(cells, stage, year, previous_year, rule, withhold):
    """One stage of the path: its counts and share, Duncan index, classes, domains and change."""
    all_w, all_m, _all_u = cells.totals(year, stage)
    w, m, u = cells.totals(year, stage, shown_only=True)
    overall = metrics.share_of_women(all_w, all_m)
    domain_rows, classes, pairs = _domain_rows(cells, stage, year, rule, overall, withhold)
    duncan = metrics.duncan_index(pairs)
    block = {
        "stage": stage,
        "label": str(Stage(stage).label),
        **_counts(w, m, u, withhold),
        "duncan_index": _round(duncan, 1) if withhold.index_shown(all_w, all_m) else None,
        "overall_share_women": _round(overall, 4) if withhold.share_shown(all_w, all_m) else None,
        "classes": classes,
        "domains": domain_rows,
    }
    previous = change = None
    if previous_year is not None:
        pw, pm, pu = cells.totals(previous_year, stage, shown_only=True)
        previous = _counts(pw, pm, pu, withhold)
        if block["share_women"] is not None and previous["share_women"] is not None:
            change = metrics.change(metrics.share_of_women(w, m), metrics.share_of_women(pw, pm))
    block["previous"] = previous
    block["change_share_women"] = _round(change, 4)
    return block


def _domain_rows(cells, stage, year, rule, overall, withhold):
    """(rows of the domains shown, class counts over all domains, (women, men) pairs for the index)."""
    rows, classes, pairs = [], dict.fromkeys(metrics.CLASSES, 0), []
    for d in cells.domains:
        dw, dm, du = cells.of(year, stage, d.id)
        pairs.append((dw, dm))
        klass = metrics.mixite_class(metrics.share_of_women(dw, dm), rule=rule, overall_share=overall)
        if klass:
            classes[klass] += 1
        if d.id not in cells.shown_ids:
            continue
        row = {"code": d.code, "label": d.label, **_counts(dw, dm, du, withhold)}
        # A class tells a share roughly: it goes with the denominator rule.
        hide_class = withhold.active and dw + dm < withhold.min_denominator
        row["class"] = None if hide_class else klass
        rows.append(row)
    return rows, classes, pairs


def _path(true_totals, withhold):
    """Each stage's count over the previous stage's, for girls and for boys."""
    path = []
    for step in metrics.path_by_sex([(s, *true_totals[s]) for s in STAGE_ORDER]):
        pw, pm = true_totals[step.previous]
        w, m = true_totals[step.stage]
        girls = step.girls_ratio if withhold.ratio_shown(w, pw) else None
        boys = step.boys_ratio if withhold.ratio_shown(m, pm) else None
        gap = None if girls is None or boys is None else step.gap
        path.append(
            {
                "stage": step.stage,
                "label": str(Stage(step.stage).label),
                "previous_stage": step.previous,
                "previous_label": str(Stage(step.previous).label),
                "girls_ratio": _round(girls, 4),
                "boys_ratio": _round(boys, 4),
                "gap": _round(gap, 4),
                "suppressed": (girls is None and pw > 0) or (boys is None and pm > 0),
            }
        )
    return path


def _trend(cells, years, withhold):
    """The share of women at each stage, year by year."""
    trend = []
    for y in years:
        shares = {}
        for stage in STAGE_ORDER:
            w, m, _u = cells.totals(y, stage, shown_only=True)
            share = metrics.share_of_women(w, m)
            shares[stage] = _round(share, 4) if withhold.share_shown(w, m) else None
        trend.append({"year": y, "share_women": shares})
    return trend


def domains_of(nomenclature):
    return Domain.objects.filter(nomenclature=nomenclature).order_by("code")

"""What the dashboard, the JSON and the CSV show: sums turned into figures, small cells withheld.

One function, `build_summary`, so that the three outputs can never disagree.
"""

from dataclasses import dataclass

from django.conf import settings

from reference.models import STAGE_ORDER, Stage

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
    """A selection's counts, summed over domains: all of them, or those shown. A key without a
    row is missing (None), never zero."""

    def __init__(self, figures, domains, shown_ids):
        self.cells, self.domains, self.shown_ids = figures.cells, domains, shown_ids
        self.fictitious_keys = figures.fictitious_keys

    def of(self, year, stage, domain_id):
        return self.cells.get((year, stage, domain_id))

    def observed_ids(self, year, stage, shown_only=False):
        """Ids of the domains with a figure for this year and stage."""
        ids = self.shown_ids if shown_only else {d.id for d in self.domains}
        return {i for i in ids if (year, stage, i) in self.cells}

    def totals(self, year, stage, shown_only=False, among=None):
        """(women, men, unknown) summed over the domains with a figure, or None when none has one."""
        ids = self.observed_ids(year, stage, shown_only) if among is None else among
        if not ids:
            return None
        cells = [self.cells[(year, stage, i)] for i in ids if (year, stage, i) in self.cells]
        return tuple(sum(c[k] for c in cells) for k in range(3))

    def fictitious(self, year, stages):
        return any((year, stage, i) in self.fictitious_keys for stage in stages for i in self.shown_ids)


MISSING = {"women": None, "men": None, "unknown": None, "share_women": None, "suppressed": False}


def build_summary(figures, selection, domains, *, sees_small_cells):
    """The figures of a selection, as plain data (JSON-ready)."""
    withhold = Withholding(sees_small_cells)
    years = figures.years
    year = selection.year if selection.year is not None else (years[-1] if years else None)
    previous_year = year - 1 if year is not None and (year - 1) in years else None
    domains = list(domains)
    shown_ids = {d.id for d in domains if not selection.domain or d.code == selection.domain}
    cells = _Cells(figures, domains, shown_ids)
    territories = figures.territories
    same_territories = previous_year is not None and territories.get(year) == territories.get(previous_year)
    context = (cells, year, previous_year, selection.rule, withhold, same_territories)
    stages_out = [_stage_block(context, stage) for stage in STAGE_ORDER]
    true_totals = {stage: cells.totals(year, stage, shown_only=True) for stage in STAGE_ORDER}
    if selection.stage:
        stages_out = [s for s in stages_out if s["stage"] == selection.stage]
    shown_stages = [s["stage"] for s in stages_out]
    fictitious = year is not None and cells.fictitious(year, shown_stages)
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
        "fictitious": fictitious,
        "is_fictitious": fictitious,  # the name before SPEC's "fictitious"; kept for readers of the old one
        "fictitious_years": [y for y in years if cells.fictitious(y, shown_stages)],
        "observed_stages": [s["stage"] for s in stages_out if s["observed"]],
        "observed_domains": sorted(
            {d.code for d in domains for s in shown_stages if d.id in cells.observed_ids(year, s, shown_only=True)}
        ),
        "small_cells_withheld": withhold.active,
        "stages": stages_out,
        "path": _path(true_totals, withhold),
        "trend": _trend(cells, years, withhold),
    }


def _stage_block(context, stage):
    """One stage of the path: its counts and share, Duncan index, classes, domains and change."""
    cells, year, _previous_year, rule, withhold, _same = context
    everything = cells.totals(year, stage)  # every domain: the dares15 reference, whatever the filter
    shown = cells.totals(year, stage, shown_only=True)
    all_w, all_m, _all_u = everything or (0, 0, 0)
    overall = metrics.share_of_women(all_w, all_m)
    domain_rows, classes, pairs = _domain_rows(cells, stage, year, rule, overall, withhold)
    block = {"stage": stage, "label": str(Stage(stage).label), "observed": shown is not None}
    if shown is None:
        block.update(MISSING, duncan_index=None, overall_share_women=None)
    else:
        duncan = metrics.duncan_index(pairs)
        block.update(
            _counts(*shown, withhold),
            duncan_index=_round(duncan, 1) if withhold.index_shown(all_w, all_m) else None,
            overall_share_women=_round(overall, 4) if withhold.share_shown(all_w, all_m) else None,
        )
    block["classes"] = classes
    block["domains"] = domain_rows
    block.update(_change(context, stage))
    return block


def _change(context, stage):
    """The change of the share of women against the previous year, on the keys present in both years.

    Returns previous (the previous year's counts on those keys), change_share_women, and
    change_domains / change_note: how many domains the change compares, or why there is none.
    """
    cells, year, previous_year, _rule, withhold, same_territories = context
    out = {"previous": None, "change_share_women": None, "change_domains": None, "change_note": None}
    if previous_year is None:
        return out
    now, before = cells.observed_ids(year, stage, shown_only=True), cells.observed_ids(previous_year, stage, True)
    common = now & before
    if not common:
        out["change_note"] = "no_common_domains"
        return out
    if not same_territories:
        out["change_note"] = "territories_differ"
        return out
    w, m, _u = cells.totals(year, stage, among=common)
    pw, pm, pu = cells.totals(previous_year, stage, among=common)
    out["previous"] = _counts(pw, pm, pu, withhold)
    out["change_domains"] = len(common)
    if common != now or common != before:
        out["change_note"] = "common_domains_only"
    if withhold.share_shown(w, m) and out["previous"]["share_women"] is not None:
        change = metrics.change(metrics.share_of_women(w, m), metrics.share_of_women(pw, pm))
        out["change_share_women"] = _round(change, 4)
    return out


def _domain_rows(cells, stage, year, rule, overall, withhold):
    """(rows of the domains shown, class counts over all domains, (women, men) pairs for the index)."""
    rows, classes, pairs = [], dict.fromkeys(metrics.CLASSES, 0), []
    for d in cells.domains:
        cell = cells.of(year, stage, d.id)
        klass = None
        if cell is not None:
            dw, dm, du = cell
            pairs.append((dw, dm))
            klass = metrics.mixite_class(metrics.share_of_women(dw, dm), rule=rule, overall_share=overall)
            if klass:
                classes[klass] += 1
        if d.id not in cells.shown_ids:
            continue
        if cell is None:
            rows.append({"code": d.code, "label": d.label, "observed": False, **MISSING, "class": None})
            continue
        row = {"code": d.code, "label": d.label, "observed": True, **_counts(dw, dm, du, withhold)}
        # A class tells a share roughly: it goes with the denominator rule.
        hide_class = withhold.active and dw + dm < withhold.min_denominator
        row["class"] = None if hide_class else klass
        rows.append(row)
    return rows, classes, pairs


def _path(true_totals, withhold):
    """Each stage's count over the previous stage's, for girls and for boys; only between stages
    that both have figures (no leak towards a missing stage)."""
    path = []
    for previous, stage in zip(STAGE_ORDER, STAGE_ORDER[1:], strict=False):
        before, now = true_totals[previous], true_totals[stage]
        observed = before is not None and now is not None
        girls = boys = None
        suppressed = False
        if observed:
            (step,) = metrics.path_by_sex([(previous, *before[:2]), (stage, *now[:2])])
            (pw, pm), (w, m) = before[:2], now[:2]
            girls = step.girls_ratio if withhold.ratio_shown(w, pw) else None
            boys = step.boys_ratio if withhold.ratio_shown(m, pm) else None
            suppressed = (girls is None and pw > 0) or (boys is None and pm > 0)
        gap = None if girls is None or boys is None else girls - boys
        path.append(
            {
                "stage": stage,
                "label": str(Stage(stage).label),
                "previous_stage": previous,
                "previous_label": str(Stage(previous).label),
                "observed": observed,
                "girls_ratio": _round(girls, 4),
                "boys_ratio": _round(boys, 4),
                "gap": _round(gap, 4),
                "suppressed": suppressed,
            }
        )
    return path


def _trend(cells, years, withhold):
    """The share of women at each stage, year by year (None where missing or withheld)."""
    trend = []
    for y in years:
        shares, observed = {}, {}
        for stage in STAGE_ORDER:
            totals = cells.totals(y, stage, shown_only=True)
            observed[stage] = totals is not None
            w, m, _u = totals or (0, 0, 0)
            share = metrics.share_of_women(w, m)
            shares[stage] = _round(share, 4) if totals and withhold.share_shown(w, m) else None
        trend.append({"year": y, "share_women": shares, "observed": observed})
    return trend

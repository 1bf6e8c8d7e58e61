"""The observatory's formulas, as plain functions of counts (SPEC.md, "Indicators").

Nothing here touches the database: `indicators.queries` sums the counts in SQL and
these functions turn the sums into shares, classes, indexes and ratios.
"""

from dataclasses import dataclass

DARES15 = "dares15"
BAND40_60 = "band40-60"
RULES = (DARES15, BAND40_60)

MASCULINISED = "masculinised"
MIXED = "mixed"
FEMINISED = "feminised"
CLASSES = (MASCULINISED, MIXED, FEMINISED)


def share_of_women(women, men):
    """women / (women + men), or None when nobody is counted. `unknown` never enters a share."""
    total = women + men
    if total == 0:
        return None
    return women / total


def mixite_class(share, *, rule=DARES15, overall_share=None):
    """The mixité class of a domain whose share of women is `share`.

    dares15: masculinised below overall − 15 points, feminised above overall + 15
    points, mixed in between; band40-60: mixed within [40 %, 60 %]. Bounds are inclusive
    (on the bound is mixed). None when the share is unknown.
    """
    if share is None:
        return None
    if rule == DARES15:
        if overall_share is None:
            return None
        low, high = overall_share - 0.15, overall_share + 0.15
    elif rule == BAND40_60:
        low, high = 0.40, 0.60
    else:
        raise ValueError(f"unknown mixité rule: {rule!r}")
    # Shares are fractions; round away float noise so that 0.25 − 0.15 meets 0.10.
    share, low, high = round(share, 9), round(low, 9), round(high, 9)
    if share < low:
        return MASCULINISED
    if share > high:
        return FEMINISED
    return MIXED


def duncan_index(pairs):
    """Duncan segregation index, 0–100, of (women, men) counts per domain.

    50 × Σ |womenᵢ / women − menᵢ / men|. None when there are no women or no men
    (the index compares two distributions; one of them is missing).
    """
    pairs = list(pairs)
    women = sum(w for w, _m in pairs)
    men = sum(m for _w, m in pairs)
    if women == 0 or men == 0:
        return None
    return 50 * sum(abs(w / women - m / men) for w, m in pairs)


@dataclass(frozen=True)
class PathStep:
    """One stage of the path by sex: its count over the previous stage's, for girls and boys."""

    stage: str
    previous: str
    girls_ratio: float | None
    boys_ratio: float | None

    @property
    def gap(self):
        """Girls' ratio minus boys' ratio: negative where girls drop out more than boys."""
        if self.girls_ratio is None or self.boys_ratio is None:
            return None
        return self.girls_ratio - self.boys_ratio


def ratio(count, previous):
    return None if not previous else count / previous


def path_by_sex(stage_counts):
    """[(stage, women, men), …] in path order → a PathStep for each stage after the first.

    Flows of one year, not cohorts: these are ratios, not rates (they may exceed 1).
    """
    steps = []
    for (prev_stage, prev_w, prev_m), (stage, w, m) in zip(stage_counts, stage_counts[1:], strict=False):
        steps.append(PathStep(stage, prev_stage, ratio(w, prev_w), ratio(m, prev_m)))
    return steps


def change(current, previous):
    """A figure against the previous year's; None when either is unknown."""
    if current is None or previous is None:
        return None
    return current - previous


def is_small_cell(count, *, small_max=10):
    """Counts from 1 to small_max are withheld from non-admins (0 is not: nobody to identify)."""
    return count is not None and 1 <= count <= small_max


def share_is_shown(women, men, *, small_max=10, min_denominator=30):
    """A share is withheld when its denominator is under min_denominator, or when either
    count is a small cell (with the share and the other count, it would be given away)."""
    if women + men < min_denominator:
        return False
    return not (is_small_cell(women, small_max=small_max) or is_small_cell(men, small_max=small_max))

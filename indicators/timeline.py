"""The groups' own work on the trend's time axis: their actions by lever and the young people
their actions and events reached, for the territory shown, or for one group (SPEC.md, "Indicators")."""

import hashlib
from dataclasses import dataclass

from django.utils import timezone

from meetings import selectors
from meetings.models import Lever

from . import caching

REACH = ("women", "men", "unknown")


@dataclass
class Timeline:
    axis: list  # the years of the trend and of the groups' work, in order
    levers: list  # (code, label)
    counts: dict  # (year, lever) -> actions
    reach: dict  # year -> {"women", "men", "unknown"}, a sex never recorded None

    def rows(self):
        """(year, [actions of each lever], reach or None) for the table."""
        return [(y, [self.counts.get((y, code), 0) for code, _l in self.levers], self.reach.get(y)) for y in self.axis]

    @property
    def has_actions(self):
        return bool(self.counts)

    @property
    def has_reach(self):
        return bool(self.reach)


# The groups' work changes with every action saved: counted again at most this long after.
WORK_SECONDS = 120


def _key(roles, span, territory_id, group):
    """Who sees which groups' work (an admin: all), for which territory, group and years."""
    seen = "all" if roles.is_admin else ".".join(map(str, sorted(roles.member_group_ids)))
    seen = hashlib.sha256(seen.encode()).hexdigest()[:24]
    group_id = getattr(group, "pk", group)
    return f"indicators:timeline:{seen}:{territory_id}:{group_id}:{span[0]}-{span[-1]}"


def timeline(roles, years, *, territory_id=None, group=None, today=None):
    """The groups' work from the first year with figures (or five years back) to this year (four queries)."""
    this_year = (today or timezone.localdate()).year
    start = min(years) if years else this_year - 4
    span = list(range(start, max(this_year, *years) + 1)) if years else list(range(start, this_year + 1))
    counts, reach = caching.cached(
        _key(roles, span, territory_id, group),
        lambda: (
            selectors.actions_by_year_and_lever(roles, span, territory=territory_id, group=group),
            selectors.reach_by_year(roles, span, territory=territory_id, group=group),
        ),
        WORK_SECONDS,
    )
    axis = sorted(set(years) | {y for y, _lever in counts} | set(reach))
    return Timeline(axis, [(code, str(label)) for code, label in Lever.choices], counts, reach)


def trend_on(axis, trend, stages):
    """The trend over the whole axis: a year without figures is there, every stage missing."""
    by_year = {t["year"]: t for t in trend}
    empty = {"share_women": dict.fromkeys(stages), "observed": dict.fromkeys(stages, False)}
    return [by_year.get(y) or {"year": y, **empty} for y in axis]

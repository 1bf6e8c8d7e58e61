"""Turning what a form says (days and Paris wall-clock times) into instants, or a French reason why not.

Days are kept within a sane range; a time that does not exist in Paris (the spring change of
clocks skips 2h00–2h59) is refused; one that exists twice (the autumn change repeats 2h00–2h59)
is taken at its first occurrence, summer time, and the form says so.
"""

import datetime as dt

from django.utils import formats
from django.utils.translation import gettext as _

from reference.timezones import PARIS

FIRST_YEAR, LAST_YEAR = 2000, 2100


def wall_clock(day, time):
    """(instant, problem) of a Paris wall-clock time on a day; problem is None, "gap" or "ambiguous"."""
    first = dt.datetime.combine(day, time, tzinfo=PARIS)
    second = first.replace(fold=1)
    if first.utcoffset() == second.utcoffset():
        return first, None
    # Two offsets: in the gap, neither reads back as the same wall-clock time.
    if first.astimezone(dt.UTC).astimezone(PARIS).replace(tzinfo=None) != first.replace(tzinfo=None):
        return first, "gap"
    return first, "ambiguous"


def _words(day, time):
    return {"day": formats.date_format(day, "l j F Y"), "time": formats.time_format(time, "G\\hi")}


def _instant(form, field, day, time):
    instant, problem = wall_clock(day, time)
    if problem == "gap":
        form.add_error(
            field,
            _(
                "%(time)s on %(day)s does not exist in Paris: clocks go forward from 2h00 to 3h00 that night. "
                "Choose another time."
            )
            % _words(day, time),
        )
        return None
    if problem == "ambiguous":
        form.notes.append(
            _(
                "%(time)s on %(day)s happens twice in Paris (clocks go back from 3h00 to 2h00 that night): "
                "the first one, summer time, was taken."
            )
            % _words(day, time)
        )
    return instant


def _check_range(form, cleaned, field):
    day = cleaned.get(field)
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        form.add_error(
            field, _("Choose a day between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
        return False
    return True


def clean_span(form, cleaned):
    """{starts_at, ends_at, all_day} from a form's day, last_day, all_day, start_time, end_time; or None
    with the form's errors added."""
    if not (_check_range(form, cleaned, "day") & _check_range(form, cleaned, "last_day")) or not cleaned.get("day"):
        return None
    first = cleaned["day"]
    last = cleaned.get("last_day") or first
    if last < first:
        form.add_error("last_day", _("The last day cannot be before the first day."))
        return None
    if cleaned.get("all_day"):
        return {
            "starts_at": dt.datetime.combine(first, dt.time(0), tzinfo=PARIS),
            "ends_at": dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=PARIS),
            "all_day": True,
        }
    start, end = cleaned.get("start_time"), cleaned.get("end_time")
    for field, value in (("start_time", start), ("end_time", end)):
        if value is None and field not in form.errors:
            form.add_error(field, _("Give the time, or tick “All day”."))
    if start is None or end is None:
        return None
    starts_at, ends_at = _instant(form, "start_time", first, start), _instant(form, "end_time", last, end)
    if starts_at is None or ends_at is None:
        return None
    if ends_at <= starts_at:
        form.add_error("end_time", _("A meeting must end after it starts."))
        return None
    return {"starts_at": starts_at, "ends_at": ends_at, "all_day": False}

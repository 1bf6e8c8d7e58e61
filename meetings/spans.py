"""When a meeting takes place, in words: one day and its hours, or the span of a multi-day event.

"mardi 9 décembre 2025, 9h30–12h00"; "du lundi 8 au vendredi 12 mars 2027" (all day);
"du mercredi 27 à 9h00 au dimanche 31 janvier 2027 à 17h00". The same words on every page,
in every mail and in the update notices (old → new).
"""

import datetime as dt

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from reference.timezones import PARIS


def _time(value):
    return formats.time_format(value, "G\\hi")


def start_day(start, end):
    """The first day, without the month or year the last day repeats: "lundi 8" … "vendredi 12 mars 2027"."""
    if start.year != end.year:
        return formats.date_format(start, "l j F Y")
    if start.month != end.month:
        return formats.date_format(start, "l j F")
    return formats.date_format(start, "l j")


def describe(starts_at, ends_at, all_day=False):
    """The words of a span of time, in the active language."""
    start, end = timezone.localtime(starts_at, PARIS), timezone.localtime(ends_at, PARIS)
    last = end.date() - dt.timedelta(days=1) if all_day or (end.time() == dt.time(0) and end > start) else end.date()
    last = max(last, start.date())
    last_words = formats.date_format(last, "l j F Y")
    if all_day:
        if last == start.date():
            return _("%(day)s, all day") % {"day": last_words}
        return _("from %(start)s to %(end)s") % {"start": start_day(start.date(), last), "end": last_words}
    if last == start.date():
        return f"{last_words}, {_time(start)}–{_time(end)}"
    return _("from %(start)s at %(start_time)s to %(end)s at %(end_time)s") % {
        "start": start_day(start.date(), last),
        "start_time": _time(start),
        "end": last_words,
        "end_time": _time(end),
    }


def meeting_when(meeting):
    return describe(meeting.starts_at, meeting.ends_at, meeting.all_day)

"""Proposed dates as people type them: one per line, and the quick entry that writes such lines.

A line is a day with a time slot, "12/01/2027 09:30-12:00" (also "9h30-12h"), or a span of
several days, "08/03/2027 09:00 - 12/03/2027 17:00". Times are Paris wall-clock times.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from reference.timezones import PARIS

DATE = r"(\d{1,2})/(\d{1,2})/(\d{4})"
TIME = r"(\d{1,2})\s*[h:H]\s*(\d{2})?"
DASH = r"\s*[-–—]\s*"
ONE_DAY = re.compile(rf"^{DATE}\s+{TIME}{DASH}{TIME}$")
SPAN = re.compile(rf"^{DATE}\s+{TIME}{DASH}{DATE}\s+{TIME}$")
EXAMPLE = "12/01/2027 09:30-12:00"
MAX_SLOTS = 40


def _moment(day, month, year, hour, minute):
    return dt.datetime(int(year), int(month), int(day), int(hour), int(minute or 0), tzinfo=PARIS)


def parse_line(line):
    """(starts_at, ends_at) of one line, or ValueError."""
    text = " ".join(line.split())
    if match := ONE_DAY.match(text):
        day, month, year, h1, m1, h2, m2 = match.groups()
        return _moment(day, month, year, h1, m1), _moment(day, month, year, h2, m2)
    if match := SPAN.match(text):
        d1, mo1, y1, h1, m1, d2, mo2, y2, h2, m2 = match.groups()
        return _moment(d1, mo1, y1, h1, m1), _moment(d2, mo2, y2, h2, m2)
    raise ValueError(text)


def parse_slots(text, now=None):
    """Every line's (starts_at, ends_at), in order; a ValidationError naming each bad line."""
    now = now or timezone.now()
    slots, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            slot = parse_line(line)
        except ValueError:
            errors.append(
                _("Line %(n)d: “%(line)s” is not a date with a time slot (for example %(example)s).")
                % {"n": number, "line": line.strip(), "example": EXAMPLE}
            )
            continue
        if slot[1] <= slot[0]:
            errors.append(_("Line %(n)d: the slot must end after it starts.") % {"n": number})
        elif slot[0] <= now:
            errors.append(_("Line %(n)d: this date has already passed.") % {"n": number})
        elif slot in slots:
            errors.append(_("Line %(n)d: this date is already proposed.") % {"n": number})
        else:
            slots.append(slot)
    if errors:
        raise ValidationError(errors)
    if not slots:
        raise ValidationError(_("Propose at least one date."))
    if len(slots) > MAX_SLOTS:
        raise ValidationError(_("Propose at most %(max)d dates.") % {"max": MAX_SLOTS})
    return sorted(slots)


def format_slot(starts_at, ends_at):
    """The line that parse_line reads back."""
    start, end = starts_at.astimezone(PARIS), ends_at.astimezone(PARIS)
    if start.date() == end.date():
        return f"{start:%d/%m/%Y %H:%M}-{end:%H:%M}"
    return f"{start:%d/%m/%Y %H:%M} - {end:%d/%m/%Y %H:%M}"


def weekly_slots(*, year, first_week, last_week, weekdays, start_time, end_time):
    """ "Every Tuesday and Thursday of weeks 3 to 5, 9:30–12:00": the slots, ISO weeks of `year`."""
    slots = []
    for week in range(first_week, last_week + 1):
        for weekday in sorted(weekdays):
            try:
                day = dt.date.fromisocalendar(year, week, weekday + 1)
            except ValueError:
                continue  # week 53 of a year that has 52
            slots.append(
                (dt.datetime.combine(day, start_time, tzinfo=PARIS), dt.datetime.combine(day, end_time, tzinfo=PARIS))
            )
    return slots

"""When notices fall due: reminder times in Paris wall-clock time, the digest's Monday, who is owed one."""

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q

from groups.models import Membership, WorkingGroup
from reference.timezones import PARIS

from ..models import Attendance, Meeting

# The largest offset the group settings allow (groups.models.validate_reminder_offsets).
MAX_OFFSET_DAYS = 60
# Offset 0 means "the morning of the meeting".
SAME_DAY_TIME = dt.time(7, 0)
# Reminders of an all-day event count back from 9:00 on its first day.
ALL_DAY_TIME = dt.time(9, 0)
# The weekly digest: Monday from 8:00, Paris time.
DIGEST_WEEKDAY, DIGEST_TIME = 0, dt.time(8, 0)

LIVE = [Meeting.Status.PLANNED, Meeting.Status.CONFIRMED]


def reminder_due_at(starts_at, offset_days):
    """The instant of the reminder `offset_days` before a meeting, at the same Paris wall-clock time.

    A 9:30 meeting on the Monday after a change of clocks is reminded on Sunday at 9:30 Paris
    time, which is 23 or 25 hours before, not 24.
    """
    local = starts_at.astimezone(PARIS)
    if offset_days == 0:
        return min(starts_at, dt.datetime.combine(local.date(), SAME_DAY_TIME, tzinfo=PARIS))
    wall = local.replace(tzinfo=None) - dt.timedelta(days=offset_days)
    return wall.replace(tzinfo=PARIS)


def reminder_anchor(starts_at, all_day=False):
    """What reminders count back from: the start, or ALL_DAY_TIME on an all-day event's first day
    (its start is midnight: "the day before" means the day before at 9:00, not at midnight)."""
    if not all_day:
        return starts_at
    return dt.datetime.combine(starts_at.astimezone(PARIS).date(), ALL_DAY_TIME, tzinfo=PARIS)


def current_reminder(starts_at, offsets, now, all_day=False):
    """(offset, due_at) of the reminder due at `now` for a meeting, or None.

    An offset is due from its time until the next (smaller) offset's time, and never once
    the meeting has started: a pass that missed the 7-day reminder and finds the 1-day one
    due sends only the latter.
    """
    if now >= starts_at:
        return None
    anchor = reminder_anchor(starts_at, all_day)
    # An all-day event has begun at midnight: no reminder "the morning of" it.
    offsets = {days for days in offsets or [] if days or not all_day}
    times = sorted(((reminder_due_at(anchor, days), days) for days in offsets), reverse=True)
    # Latest due time first: the first one already reached is the current one.
    for due_at, days in times:
        if due_at <= now:
            return days, due_at
    return None


def digest_period(now):
    """(Monday, due instant) of the digest of the week containing `now`."""
    local = now.astimezone(PARIS)
    monday = local.date() - dt.timedelta(days=local.weekday() - DIGEST_WEEKDAY)
    return monday, dt.datetime.combine(monday, DIGEST_TIME, tzinfo=PARIS)


def days_ahead(starts_at, now):
    """Days from the Paris date of `now` to the Paris date of the meeting: 0 today, 1 tomorrow."""
    return (starts_at.astimezone(PARIS).date() - now.astimezone(PARIS).date()).days


def recipients(meeting_filter, delivered, *, today, roles=None, exclude_declined=True, member_since=None):
    """(meeting, contact, starts_at, ends_at, sequence) for current members of the meetings'
    groups matching `meeting_filter` who have no Delivery matching `delivered` yet.

    One query: memberships joined to their group's meetings (the filter on
    `group__meetings__…` goes in one .filter() so that every condition is on the same
    meeting), with the already-claimed and the declined taken out by NOT EXISTS. A member
    whose membership ends by the meeting's first day is not invited to it, and gets none of its
    mail; with `member_since` (a date), only those already members on that day.
    """
    invited = Q(left__isnull=True) | Q(left__gt=F("group__meetings__starts_at__date"))
    if member_since is not None:
        invited &= Q(joined__isnull=True) | Q(joined__lte=member_since)
    rows = (
        Membership.objects.current(on=today)
        .filter(invited, **{f"group__meetings__{key}": value for key, value in meeting_filter.items()})
        .filter(group__status=WorkingGroup.Status.ACTIVE, contact__is_archived=False)
        .exclude(contact__email="")
        .annotate(
            m_id=F("group__meetings__pk"),
            m_start=F("group__meetings__starts_at"),
            m_end=F("group__meetings__ends_at"),
            m_seq=F("group__meetings__sequence"),
        )
        .filter(~Exists(delivered))
    )
    if roles:
        rows = rows.filter(role__in=roles)
    if exclude_declined:
        declined = Attendance.objects.filter(
            meeting=OuterRef("m_id"), contact=OuterRef("contact_id"), answer=Attendance.Answer.NO
        )
        rows = rows.filter(~Exists(declined))
    return rows.order_by().values_list("m_id", "contact_id", "m_start", "m_end", "m_seq")


def chunks(items, size=500):
    for start in range(0, len(items), size):
        yield items[start : start + size]

"""How much the reminders' plan checks: every reminder whose time has come, or those due since the last pass.

Checking every reminder whose time has come (each member of each meeting of the coming days
against the deliveries already made) is how a missed pass, a member who joined since or a
meeting moved is caught up. At national scale it is most of an idle pass, and it finds
nothing almost every time. So a pass checks them all only when something it relies on may
have moved since the last pass:

- a ReminderChange row: a write that can owe a reminder again (a member joined, a contact
  unarchived, a meeting created or moved, a "no" taken back, a reminder row deleted…),
  written by database triggers whatever made the write (migration 0009_reminder_marks);
- the Paris date changed (memberships that start today count from today);
- the last pass is more than FULL_CHECK_EVERY ago, or later than this one's `now`;
- FULL_CHECK_EVERY since the last full check, whatever the triggers said (a safety net).

Otherwise it checks only the reminders that fell due after the last pass's `now`: by
induction, every reminder due before was checked then, against the same rows.

The mark (ReminderMark) is read under a row lock and written in the transaction that inserts
the deliveries (dispatch.plan): two passes plan one after the other, and a pass that fails
leaves the mark where it was.
"""

import datetime as dt

from django.db import connection
from django.db.models import Q

from reference.timezones import PARIS

from ..models import ReminderChange, ReminderMark
from .schedule import SAME_DAY_TIME

FULL_CHECK_EVERY = dt.timedelta(minutes=30)
# A reminder d days ahead falls d days before its meeting, give or take the hour of a change of
# clocks (Paris time moves by one hour at most).
CLOCK_SLACK = dt.timedelta(hours=1)
MARK = 1  # the primary key of the only ReminderMark


def checked_through(now):
    """The instant through which every reminder has been checked against the rows as they are
    now, or None when this pass must check them all. Locks the mark until the plan commits."""
    if not connection.in_atomic_block:
        return None  # the mark must move with the inserts, in one transaction: check everything, record nothing
    mark = ReminderMark.objects.select_for_update().filter(pk=MARK).first()
    changed = ReminderChange.objects.all().delete()[0]
    if mark is None or changed or not _recent(mark, now):
        return None
    return mark.checked_through


def _recent(mark, now):
    last = mark.checked_through
    return (
        last <= now
        and now - last <= FULL_CHECK_EVERY
        and now - mark.full_check_at < FULL_CHECK_EVERY
        and last.astimezone(PARIS).date() == now.astimezone(PARIS).date()
    )


def record(now, *, full):
    """Every reminder due by `now` is planned (all of them checked when `full`): in the plan's transaction."""
    if not connection.in_atomic_block:
        return
    changes = {"checked_through": now}
    if full:
        changes["full_check_at"] = now
    if not ReminderMark.objects.filter(pk=MARK).update(**changes):
        # The first pass, or two at once: the other one's row stands.
        ReminderMark.objects.bulk_create(
            [ReminderMark(pk=MARK, checked_through=now, full_check_at=now)], ignore_conflicts=True
        )


def falling_due(offsets, since, now):
    """Meetings that may have a reminder falling due in (since, now]: a few more than those, never
    fewer; `current_reminder` then tells exactly."""
    # All-day events count back from 9:00 on their first day: few, all of them looked at.
    meetings = Q(all_day=True)
    for days in set(offsets) - {0}:
        ahead = dt.timedelta(days=days)
        meetings |= Q(starts_at__gte=since + ahead - CLOCK_SLACK, starts_at__lte=now + ahead + CLOCK_SLACK)
    if 0 in offsets:
        # "The morning of": due at SAME_DAY_TIME on the meeting's day (or at its start, if that is
        # earlier, and then it has started: nothing to send).
        for day in _mornings_between(since, now):
            midnight = dt.datetime.combine(day, dt.time(0), tzinfo=PARIS)
            next_midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=PARIS)
            meetings |= Q(starts_at__gte=midnight, starts_at__lt=next_midnight)
    return meetings


def _mornings_between(since, now):
    """The Paris days whose SAME_DAY_TIME falls in (since, now]."""
    day, last = since.astimezone(PARIS).date(), now.astimezone(PARIS).date()
    while day <= last:
        if since < dt.datetime.combine(day, SAME_DAY_TIME, tzinfo=PARIS) <= now:
            yield day
        day += dt.timedelta(days=1)

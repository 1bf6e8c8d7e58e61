"""Planning meetings: a year from a pattern, one meeting, a change of date or place, a cancellation.

The reminders read the database state these functions leave behind: a change of time or
place bumps `Meeting.sequence`, a cancellation sets the status and bumps it too.
"""

import calendar
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reference.timezones import PARIS

from ..models import SCHEDULE_FIELDS, AgendaItem, Meeting, MeetingChange

ACTION_REVIEW_MINUTES = 15


def paris_datetime(day, time):
    """A wall-clock time in Paris on a day, as an aware datetime (DST handled by zoneinfo)."""
    return dt.datetime.combine(day, time, tzinfo=PARIS)


def default_title(starts_at, kind=Meeting.Kind.MEETING):
    """ "Réunion du 9 décembre": the title a planned meeting gets, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        day = formats.date_format(timezone.localtime(starts_at, PARIS), "j F")
        if day.startswith("1 ") and translation.get_language() == "fr":
            day = "1er" + day[1:]  # "Réunion du 1er décembre"
        if kind == Meeting.Kind.EVENT:
            return _("Event of %(day)s") % {"day": day}
        return _("Meeting of %(day)s") % {"day": day}


NEAR_DAYS = 14


@dataclass(frozen=True)
class PlannedDate:
    day: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    clash: bool  # the group already meets that day
    near: tuple = ()  # days within NEAR_DAYS on which the group already meets


@dataclass(frozen=True)
class YearLoad:
    """How many meetings a year would have with a plan, against the group's target."""

    year: int
    existing: int
    planned: int
    target: int

    @property
    def total(self):
        return self.existing + self.planned

    @property
    def over(self):
        return self.total > self.target


def nth_weekday(year, month, *, ordinal, weekday):
    """The ordinal-th (1…4, or -1 for the last) weekday (0 = Monday) of a month."""
    days = [
        dt.date(year, month, d)
        for d in range(1, calendar.monthrange(year, month)[1] + 1)
        if dt.date(year, month, d).weekday() == weekday
    ]
    return days[-1] if ordinal == -1 else days[ordinal - 1]


def plan_dates(*, group, start_month, ordinal, weekday, every_months, count, start_time, end_time):
    """The dates a year's pattern gives ("every second Tuesday of every other month")."""
    existing = _meeting_days(group)
    planned = []
    year, month = start_month.year, start_month.month
    for _index in range(count):
        day = nth_weekday(year, month, ordinal=ordinal, weekday=weekday)
        planned.append(
            PlannedDate(
                day=day,
                starts_at=paris_datetime(day, start_time),
                ends_at=paris_datetime(day, end_time),
                clash=day in existing,
                near=tuple(d for d in sorted(existing) if d != day and abs((d - day).days) <= NEAR_DAYS),
            )
        )
        month += every_months
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return planned


def _meeting_days(group, kind=None):
    meetings = group.meetings.exclude(status=Meeting.Status.CANCELLED)
    if kind is not None:
        meetings = meetings.filter(kind=kind)
    return {timezone.localtime(starts_at, PARIS).date() for starts_at in meetings.values_list("starts_at", flat=True)}


def plan_load(*, group, dates):
    """Per year touched by a plan: the group's meetings, those the plan adds, the yearly target."""
    existing = _meeting_days(group, kind=Meeting.Kind.MEETING)
    years = sorted({date.day.year for date in dates})
    return [
        YearLoad(
            year=year,
            existing=sum(1 for day in existing if day.year == year),
            planned=sum(1 for date in dates if date.day.year == year and not date.clash),
            target=group.meetings_per_year,
        )
        for year in years
    ]


@transaction.atomic
def plan_year(*, group, dates, title="", place="", video_url="", kind=Meeting.Kind.MEETING):
    """Create the meetings of a plan in one step, skipping days the group already meets."""
    return [
        create_meeting(
            group=group,
            title=title or default_title(date.starts_at, kind),
            starts_at=date.starts_at,
            ends_at=date.ends_at,
            place=place,
            video_url=video_url,
            kind=kind,
        )
        for date in dates
        if not date.clash
    ]


def _check_times(starts_at, ends_at):
    if ends_at <= starts_at:
        raise ValidationError(_("A meeting must end after it starts."))


HELD_TOO_EARLY = gettext_lazy("A meeting cannot be marked as held before it starts.")


def may_be_held(status, starts_at, now=None):
    """False for "held" on a meeting that has not started: its reminders would stop silently."""
    return status != Meeting.Status.HELD or starts_at <= (now or timezone.now())


@transaction.atomic
def create_meeting(
    *, group, title, starts_at, ends_at, place="", video_url="", kind=Meeting.Kind.MEETING, all_day=False
):
    """A new meeting, its agenda opening with "Suivi des actions".

    The group's members are invited by being members (attendance.services.invited).
    """
    _check_times(starts_at, ends_at)
    meeting = Meeting.objects.create(
        group=group,
        title=title or default_title(starts_at, kind),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        video_url=video_url,
        kind=kind,
        all_day=all_day,
    )
    with translation.override(settings.LANGUAGE_CODE):
        AgendaItem.objects.create(
            meeting=meeting,
            position=1,
            title=_("Follow-up of actions"),
            duration_minutes=ACTION_REVIEW_MINUTES,
            is_action_review=True,
        )
    return meeting


CANCEL_TOO_LATE = gettext_lazy("This meeting has already taken place: it cannot be cancelled.")


MOVE_TOO_LATE = gettext_lazy("This meeting has already taken place: its date and time can no longer change.")


def has_begun(meeting, now=None):
    """True once a meeting was held or its start has passed: what took place stays on record."""
    return meeting.status == Meeting.Status.HELD or meeting.starts_at <= (now or timezone.now())


def may_be_cancelled(meeting, now=None):
    return not meeting.is_cancelled and not has_begun(meeting, now)


def schedule_of(meeting):
    """{field: value} of what members are told about when it changes (SCHEDULE_FIELDS)."""
    return {name: getattr(meeting, name) for name in SCHEDULE_FIELDS}


def _as_json(schedule):
    return {name: value.isoformat() if isinstance(value, dt.datetime) else value for name, value in schedule.items()}


@transaction.atomic
def reschedule(
    meeting, *, starts_at, ends_at, place, video_url, title=None, kind=None, status=None, all_day=None, by=None
):
    """Change a meeting. Only what differs is written: the same values change nothing at all.

    A new date, time, span, place or video link is a MeetingChange (old → new) whose update mail
    goes to the members of that day; it and a new status bump the calendar sequence (clients
    take a new STATUS only with a greater SEQUENCE), but a status change is no move: no update
    mail. A meeting that has begun keeps its date and time.
    """
    _check_times(starts_at, ends_at)
    if not may_be_held(status, starts_at):
        raise ValidationError(HELD_TOO_EARLY)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if has_begun(meeting) and (meeting.starts_at, meeting.ends_at) != (starts_at, ends_at):
        # What took place stays on record (its register, its minutes): no moving it away.
        raise ValidationError(MOVE_TOO_LATE)
    before = schedule_of(meeting)
    all_day = meeting.all_day if all_day is None else all_day
    after = {"starts_at": starts_at, "ends_at": ends_at, "all_day": all_day, "place": place, "video_url": video_url}
    changed = _changes(meeting, after, title=title, kind=kind, status=status)
    if not changed:
        return meeting  # saved unchanged: nothing written, nothing sent
    for name, value in changed.items():
        setattr(meeting, name, value)
    moved = after != before
    if moved or "status" in changed:
        meeting.sequence += 1
        changed["sequence"] = meeting.sequence
    meeting.save(update_fields=[*changed, "updated_at"])
    if moved:
        MeetingChange.objects.create(
            meeting=meeting,
            sequence=meeting.sequence,
            changed_at=meeting.updated_at,
            changed_by=by,
            before=_as_json(before),
            after=_as_json(after),
        )
    return meeting


def _changes(meeting, after, *, title, kind, status):
    """{field: new value} of what differs; a cancellation is not made here (see `cancel`)."""
    # A title still "Réunion du 9 décembre" follows its meeting to the new day.
    title = meeting.title if title is None else title
    if title == default_title(meeting.starts_at, meeting.kind):
        title = default_title(after["starts_at"], kind or meeting.kind)
    wanted = {**after, "title": title, "kind": kind or meeting.kind}
    if status is not None and status != Meeting.Status.CANCELLED:
        wanted["status"] = status
    return {name: value for name, value in wanted.items() if getattr(meeting, name) != value}


@transaction.atomic
def cancel(meeting, *, by=None):
    """Cancel a meeting: no more reminders, and calendars show it cancelled.

    A meeting that was held or has begun cannot be cancelled: it took place.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        return meeting
    if has_begun(meeting):
        raise ValidationError(CANCEL_TOO_LATE)
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence = F("sequence") + 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    meeting.refresh_from_db()
    return meeting


def record_reach(meeting, **reach):
    """The young people an event reached (Meeting.REACH_FIELDS), as its form gives them; a form
    saved unchanged writes nothing."""
    changed = {name: value for name, value in reach.items() if getattr(meeting, name) != value}
    if changed:
        for name, value in changed.items():
            setattr(meeting, name, value)
        meeting.save(update_fields=[*changed, "updated_at"])
    return meeting

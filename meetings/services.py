"""What people do with meetings, agendas, attendance, minutes and actions.

Every write that touches more than one row, or sends mail, is a named function here,
with keyword arguments, called by views, the admin, commands and tasks alike. The
reminders engine reads the database state these functions leave behind: a change of
time or place bumps `Meeting.sequence`, a cancellation sets the status and bumps it too.
"""

import calendar
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groups.models import Membership
from stakeholders.models import Contact

from reference.timezones import PARIS

from .models import Action, AgendaItem, Attendance, Lever, Meeting

MINUTES_MAX_LENGTH = 200_000
ACTION_REVIEW_MINUTES = 15


# --- Times -----------------------------------------------------------------


def paris_datetime(day, time):
    """A wall-clock time in Paris on a day, as an aware datetime (DST handled by zoneinfo)."""
    return dt.datetime.combine(day, time, tzinfo=PARIS)


def default_title(starts_at, kind=Meeting.Kind.MEETING):
    """"Réunion du 9 décembre": the title a planned meeting gets, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        day = formats.date_format(timezone.localtime(starts_at, PARIS), "j F")
        if day.startswith("1 ") and translation.get_language() == "fr":
            day = "1er" + day[1:]  # "Réunion du 1er décembre"
        if kind == Meeting.Kind.EVENT:
            return _("Event of %(day)s") % {"day": day}
        return _("Meeting of %(day)s") % {"day": day}


# --- Planning a year ---------------------------------------------------------


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


# --- A meeting's life ------------------------------------------------------------


def _check_times(starts_at, ends_at):
    if ends_at <= starts_at:
        raise ValidationError(_("A meeting must end after it starts."))


HELD_TOO_EARLY = gettext_lazy("A meeting cannot be marked as held before it starts.")


def may_be_held(status, starts_at, now=None):
    """False for "held" on a meeting that has not started: its reminders would stop silently."""
    return status != Meeting.Status.HELD or starts_at <= (now or timezone.now())


@transaction.atomic
def create_meeting(*, group, title, starts_at, ends_at, place="", video_url="", kind=Meeting.Kind.MEETING):
    """A new meeting, its invitations, and an agenda opening with "Suivi des actions"."""
    _check_times(starts_at, ends_at)
    meeting = Meeting.objects.create(
        group=group,
        title=title or default_title(starts_at, kind),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        video_url=video_url,
        kind=kind,
    )
    with translation.override(settings.LANGUAGE_CODE):
        AgendaItem.objects.create(
            meeting=meeting,
            position=1,
            title=_("Follow-up of actions"),
            duration_minutes=ACTION_REVIEW_MINUTES,
            is_action_review=True,
        )
    _invite_current_members(meeting)
    return meeting


def ensure_invitations(meeting):
    """One invitation per current member; members who joined since get theirs now.

    Past and cancelled meetings keep the invitations they had.
    """
    if meeting.is_cancelled or meeting.ends_at < timezone.now():
        return 0
    return _invite_current_members(meeting)


def _invite_current_members(meeting):
    missing = (
        Membership.objects.current()
        .filter(group_id=meeting.group_id)
        .exclude(contact__attendances__meeting=meeting)
        .values_list("contact_id", flat=True)
    )
    rows = [Attendance(meeting=meeting, contact_id=contact_id) for contact_id in missing]
    if rows:
        Attendance.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def invite_group_members(meeting):
    """Invite the group's current members who lack an invitation, past meetings included.

    For a register left empty (a meeting created before its members joined): the
    coordinator asks for it, so a GET never rewrites the past.
    """
    if meeting.is_cancelled:
        return 0
    return _invite_current_members(meeting)


def missing_members(meeting):
    """How many current members of the group have no invitation to this meeting."""
    return (
        Membership.objects.current()
        .filter(group_id=meeting.group_id)
        .exclude(contact__attendances__meeting=meeting)
        .values("contact_id")
        .distinct()
        .count()
    )


GUESTS_SHOWN = 30


def guest_candidates(meeting, text):
    """Non-archived contacts matching every word of the text, not yet in the register (30 at most)."""
    words = text.split()[:5]
    if not words:
        return []
    return list(
        Contact.objects.search(" ".join(words))
        .filter(is_archived=False)
        .exclude(pk__in=Attendance.objects.filter(meeting=meeting).values("contact_id"))
        .select_related("organisation")
        .order_by("last_name", "first_name", "pk")[:GUESTS_SHOWN]
    )


def invite_guest(meeting, contact):
    """Add a guest (a contact outside the group) to a meeting's register."""
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting is cancelled."))
    if contact.is_archived:
        raise ValidationError(_("This contact is archived: they cannot be invited."))
    attendance, created = Attendance.objects.get_or_create(meeting=meeting, contact=contact)
    return attendance, created


def ensure_my_invitations(contact, meetings):
    """Invite a contact to those of the upcoming meetings of their groups they lack."""
    have = set(
        Attendance.objects.filter(contact=contact, meeting__in=[m.pk for m in meetings]).values_list(
            "meeting_id", flat=True
        )
    )
    rows = [
        Attendance(meeting=m, contact=contact)
        for m in meetings
        if m.pk not in have and not m.is_cancelled
    ]
    if rows:
        Attendance.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def reschedule(meeting, *, starts_at, ends_at, place, video_url, title=None, kind=None, status=None):
    """Change a meeting; a new time, place, video link or status bumps its calendar sequence.

    A meeting that has begun keeps its date and time.
    """
    _check_times(starts_at, ends_at)
    if not may_be_held(status, starts_at):
        raise ValidationError(HELD_TOO_EARLY)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if has_begun(meeting) and (meeting.starts_at, meeting.ends_at) != (starts_at, ends_at):
        # What took place stays on record (its register, its minutes): no moving it away.
        raise ValidationError(MOVE_TOO_LATE)
    moved = (meeting.starts_at, meeting.ends_at, meeting.place, meeting.video_url) != (
        starts_at,
        ends_at,
        place,
        video_url,
    )
    # A new status is a new STATUS in calendars (TENTATIVE, CONFIRMED): clients only take
    # an update whose SEQUENCE grew. Bringing a cancelled meeting back is one too.
    if status is not None and status != meeting.status:
        moved = True
    # A title still "Réunion du 9 décembre" follows its meeting to the new day.
    title = meeting.title if title is None else title
    if title == default_title(meeting.starts_at, meeting.kind):
        title = default_title(starts_at, kind or meeting.kind)
    meeting.title = title
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.place, meeting.video_url = place, video_url
    if kind is not None:
        meeting.kind = kind
    if status is not None and status != Meeting.Status.CANCELLED:
        meeting.status = status
    if moved:
        meeting.sequence = F("sequence") + 1
    meeting.save()
    meeting.refresh_from_db()
    return meeting


CANCEL_TOO_LATE = gettext_lazy("This meeting has already taken place: it cannot be cancelled.")
MOVE_TOO_LATE = gettext_lazy("This meeting has already taken place: its date and time can no longer change.")


def has_begun(meeting, now=None):
    """True once a meeting was held or its start has passed: what took place stays on record."""
    return meeting.status == Meeting.Status.HELD or meeting.starts_at <= (now or timezone.now())


def may_be_cancelled(meeting, now=None):
    return not meeting.is_cancelled and not has_begun(meeting, now)


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


def answer(attendance, answer, *, check_only=False):
    """A member's answer to an invitation: yes, no or maybe, until the meeting starts.

    The one rule for every way of answering (the meeting page, the signed link of a mail):
    answers close when the meeting starts; a cancelled meeting takes none. The error's
    code says why ("unknown", "cancelled", "started"). With `check_only`, only say
    (by raising) whether the answer could be recorded now; nothing is saved.
    """
    if answer not in (Attendance.Answer.YES, Attendance.Answer.NO, Attendance.Answer.MAYBE):
        raise ValidationError(_("Unknown answer."), code="unknown")
    meeting = attendance.meeting
    now = timezone.now()
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting is cancelled."), code="cancelled")
    if meeting.starts_at <= now:
        raise ValidationError(_("This meeting has already started: answers are closed."), code="started")
    if check_only:
        return attendance
    attendance.answer = answer
    attendance.answered_at = now
    attendance.save(update_fields=["answer", "answered_at"])
    return attendance


# --- Agenda -------------------------------------------------------------------


def add_agenda_item(*, meeting, title, duration_minutes, description="", presenter=None, lever=""):
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0
    return AgendaItem.objects.create(
        meeting=meeting,
        position=last + 1,
        title=title,
        duration_minutes=duration_minutes,
        description=description,
        presenter=presenter,
        lever=lever,
    )


@transaction.atomic
def move_agenda_item(item, *, direction):
    """Swap an item with its neighbour above ("up") or below ("down")."""
    items = list(AgendaItem.objects.select_for_update().filter(meeting_id=item.meeting_id).order_by("position", "pk"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(items):
        return False
    items[index], items[target] = items[target], items[index]
    for position, other in enumerate(items, start=1):
        other.position = position
    AgendaItem.objects.bulk_update(items, ["position"])
    return True


@transaction.atomic
def delete_agenda_item(item):
    meeting_id = item.meeting_id
    item.delete()
    items = list(AgendaItem.objects.filter(meeting_id=meeting_id).order_by("position", "pk"))
    for position, other in enumerate(items, start=1):
        other.position = position
    AgendaItem.objects.bulk_update(items, ["position"])


def open_actions_markdown(group):
    lines = []
    for action in Action.objects.open().filter(group=group).select_related("owner").order_by("due_date", "pk"):
        due = formats.date_format(action.due_date, "j F Y") if action.due_date else _("no due date")
        lines.append(f"- {action.title} ({action.owner.full_name}, {due})")
    return "\n".join(lines)


@transaction.atomic
def publish_agenda(meeting, *, by=None):
    """Show the agenda to members; the action review item keeps the open actions of this day."""
    with translation.override(settings.LANGUAGE_CODE):
        for item in meeting.agenda_items.filter(is_action_review=True, description=""):
            item.description = open_actions_markdown(meeting.group) or _("No open action.")
            item.save(update_fields=["description"])
    meeting.agenda_published_at = timezone.now()
    meeting.save(update_fields=["agenda_published_at", "updated_at"])
    return meeting


def unpublish_agenda(meeting, *, by=None):
    meeting.agenda_published_at = None
    meeting.save(update_fields=["agenda_published_at", "updated_at"])
    return meeting


# --- Attendance register --------------------------------------------------------


def validate_substitute(attendance, substitute):
    if substitute is None:
        return
    if substitute.pk == attendance.contact_id:
        raise ValidationError(_("A person cannot be represented by themselves."))
    if substitute.organisation_id != attendance.contact.organisation_id:
        raise ValidationError(_("A substitute must be a colleague from the same organisation."))


def substitutes(meeting, *, organisation_ids):
    """Who may stand in for someone of these organisations at this meeting.

    The group's current members, and the people already in this meeting's register
    (invited, or already recorded as standing in), not every colleague of the body.
    """
    register = Attendance.objects.filter(meeting=meeting)
    members = Membership.objects.current().filter(group_id=meeting.group_id).values("contact_id")
    return (
        Contact.objects.filter(organisation_id__in=organisation_ids, is_archived=False)
        .filter(
            Q(pk__in=members)
            | Q(pk__in=register.values("contact_id"))
            | Q(pk__in=register.exclude(represented_by=None).values("represented_by_id"))
        )
        .order_by("last_name", "first_name")
    )


@transaction.atomic
def record_attendance(meeting, *, register, by=None):
    """Record presence for each invitation: {attendance: (presence, substitute or None)}."""
    for attendance, (presence, substitute) in register.items():
        validate_substitute(attendance, substitute)
        if attendance.meeting_id != meeting.pk:
            raise ValidationError(_("This invitation belongs to another meeting."))
        attendance.presence = presence
        attendance.represented_by = substitute
    Attendance.objects.bulk_update(list(register), ["presence", "represented_by"])
    if meeting.status in (Meeting.Status.PLANNED, Meeting.Status.CONFIRMED) and meeting.starts_at <= timezone.now():
        meeting.status = Meeting.Status.HELD
        meeting.save(update_fields=["status", "updated_at"])
    return meeting


@dataclass
class OrganisationAttendance:
    organisation: object
    cells: list  # one per meeting: "present", "represented", "absent", "excused", "unrecorded", None
    invited: int
    absences: int

    @property
    def drifting(self):
        return self.absences > 0 and self.absences * 2 >= self.invited


def attendance_report(group, *, last=6, now=None):
    """Attendance by organisation over the group's last meetings, flagging bodies drifting away.

    An organisation is absent from a meeting when none of its invited people came and
    none was represented by a colleague (absent or excused alike); it is drifting away
    when absent from half or more of the meetings it was invited to.
    """
    now = now or timezone.now()
    meetings = list(
        group.meetings.filter(kind=Meeting.Kind.MEETING, starts_at__lt=now)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at")[:last]
    )[::-1]
    index = {m.pk: i for i, m in enumerate(meetings)}
    rows = (
        Attendance.objects.filter(meeting__in=meetings)
        .select_related("contact__organisation")
        .order_by()
    )
    by_org = {}
    for row in rows:
        org = row.contact.organisation
        states = by_org.setdefault(org.pk, (org, [set() for _m in meetings]))[1]
        if row.presence == Attendance.Presence.PRESENT:
            states[index[row.meeting_id]].add("present")
        elif row.represented_by_id:
            states[index[row.meeting_id]].add("represented")
        else:
            states[index[row.meeting_id]].add(row.presence)
    report = []
    for org, states in by_org.values():
        cells = []
        for state in states:
            if not state:
                cells.append(None)
            elif "present" in state:
                cells.append("present")
            elif "represented" in state:
                cells.append("represented")
            elif state == {Attendance.Presence.UNKNOWN}:
                cells.append("unrecorded")
            elif Attendance.Presence.ABSENT in state:
                cells.append("absent")
            elif Attendance.Presence.EXCUSED in state:
                cells.append("excused")
            else:
                cells.append("unrecorded")
        invited = sum(1 for c in cells if c not in (None, "unrecorded"))
        absences = sum(1 for c in cells if c in ("absent", "excused"))
        report.append(OrganisationAttendance(organisation=org, cells=cells, invited=invited, absences=absences))
    report.sort(key=lambda r: (not r.drifting, r.organisation.name))
    return meetings, report


# --- Minutes ----------------------------------------------------------------------


def _check_not_frozen(meeting):
    if meeting.minutes_frozen:
        raise ValidationError(_("These minutes were adopted: they can no longer be changed."))


class MinutesConflict(ValidationError):
    """Someone else saved the minutes after this page loaded them."""


NOT_CHECKED = object()


def save_minutes(meeting, *, text, loaded_at=NOT_CHECKED, by=None):
    """Save the minutes as they are typed; a draft is never lost.

    loaded_at: the minutes_updated_at the editor started from (None: no minutes yet).
    When another save happened since, nothing is written and MinutesConflict is raised,
    so two coordinators typing at once do not silently overwrite each other.
    """
    _check_not_frozen(meeting)
    if len(text) > MINUTES_MAX_LENGTH:
        raise ValidationError(
            _("The minutes are too long: %(max)s characters at most.")
            % {"max": formats.number_format(MINUTES_MAX_LENGTH, force_grouping=True)}
        )
    updated = {"minutes": text, "minutes_updated_at": timezone.now()}
    if meeting.minutes_status == Meeting.MinutesStatus.NONE:
        updated["minutes_status"] = Meeting.MinutesStatus.DRAFT
    # An update that must not touch adopted minutes, even if adopted a moment ago, nor
    # minutes saved by someone else since this editor loaded them.
    target = Meeting.objects.filter(pk=meeting.pk).exclude(minutes_status=Meeting.MinutesStatus.ADOPTED)
    if loaded_at is not NOT_CHECKED:
        target = target.filter(minutes_updated_at=loaded_at) if loaded_at else target.filter(
            minutes_updated_at__isnull=True
        )
    if not target.update(**updated):
        if Meeting.objects.filter(pk=meeting.pk, minutes_status=Meeting.MinutesStatus.ADOPTED).exists():
            raise ValidationError(_("These minutes were adopted: they can no longer be changed."))
        raise MinutesConflict(_("Someone else saved these minutes after you opened them: your text was not saved."))
    for name, value in updated.items():
        setattr(meeting, name, value)
    return meeting


def draft_marker():
    """What the draft writes where the coordinator still has notes to take: "[à compléter]"."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("[to be completed]")


def _placeholders():
    """The draft's marker, and the placeholder sentences older drafts wrote (still in saved minutes)."""
    with translation.override(settings.LANGUAGE_CODE):
        return [
            draft_marker(),
            _("The attendance register has not been recorded yet."),
            _("(no decision recorded)"),
            _("(notes)"),
        ]


def minutes_placeholders(text):
    """The placeholders of the generated draft still in the minutes, each once, in order."""
    return [marker for marker in _placeholders() if marker in (text or "")]


def draft_minutes(meeting):
    """A starting draft in Markdown from the agenda, the register and the decisions.

    Sections with nothing to say are left out, so nothing meant for the coordinator goes
    out by mistake; an agenda item without notes gets the marker, which the send page flags.
    """
    with translation.override(settings.LANGUAGE_CODE):
        local = timezone.localtime(meeting.starts_at, PARIS)
        lines = [
            _("Meeting of %(date)s, %(start)s–%(end)s%(place)s.")
            % {
                "date": formats.date_format(local, "l j F Y"),
                "start": formats.time_format(local, "G\\hi"),
                "end": formats.time_format(timezone.localtime(meeting.ends_at, PARIS), "G\\hi"),
                "place": f", {meeting.place}" if meeting.place else "",
            },
            "",
        ]
        attendances = list(meeting.attendances.select_related("contact__organisation", "represented_by"))
        groups = {
            _("Present"): [a for a in attendances if a.presence == Attendance.Presence.PRESENT],
            _("Represented"): [a for a in attendances if a.presence != Attendance.Presence.PRESENT and a.represented_by_id],
            _("Excused"): [
                a for a in attendances if a.presence == Attendance.Presence.EXCUSED and not a.represented_by_id
            ],
            _("Absent"): [a for a in attendances if a.presence == Attendance.Presence.ABSENT and not a.represented_by_id],
        }
        if any(groups.values()):
            lines += ["## " + _("Attendance"), ""]
        for label, people in groups.items():
            if not people:
                continue
            names = []
            for a in people:
                name = f"{a.contact.full_name} ({a.contact.organisation.name})"
                if a.represented_by_id and a.presence != Attendance.Presence.PRESENT:
                    name += " – " + _("represented by %(name)s") % {"name": a.represented_by.full_name}
                names.append(name)
            lines.append(f"**{label}** : " + ", ".join(names))
            lines.append("")
        items = list(meeting.agenda_items.select_related("presenter"))
        if items:
            lines += ["## " + _("Agenda"), ""]
        for number, item in enumerate(items, start=1):
            heading = f"### {number}. {item.title}"
            if item.presenter_id:
                heading += f" ({item.presenter.full_name})"
            lines += [heading, "", item.description or draft_marker(), ""]
        actions = list(meeting.decided_actions.select_related("owner"))
        if actions:
            lines += ["## " + _("Decisions"), ""]
        for action in actions:
            due = formats.date_format(action.due_date, "j F Y") if action.due_date else _("no due date")
            lines.append(f"- {action.title} – {action.owner.full_name}, {due}")
        if actions:
            lines.append("")
    return "\n".join(lines)


def minutes_recipients(meeting):
    """Current members of the group with an e-mail address, each once."""
    contact_ids = Membership.objects.current().filter(group_id=meeting.group_id).values("contact_id")
    return list(Contact.objects.filter(pk__in=contact_ids, is_archived=False).exclude(email="").order_by("pk"))


@transaction.atomic
def send_minutes(meeting, *, by=None):
    """Mark the minutes sent and plan one mail per current member; return how many.

    The mails go through the reminder dispatch (meetings.reminders): each is a MINUTES
    Delivery, claimed, sent, retried with back-off and, if it keeps failing, shown failed
    in the admin. Once committed a worker is asked for a pass at once; if the broker is
    unreachable the periodic pass sends them a little later.
    """
    from . import reminders, tasks  # the dispatch imports the models this module uses

    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_not_frozen(meeting)
    if meeting.minutes_status == Meeting.MinutesStatus.SENT:
        raise ValidationError(_("These minutes were already sent to members."))
    if not meeting.minutes.strip():
        raise ValidationError(_("The minutes are empty: write them before sending."))
    now = timezone.now()
    meeting.minutes_status = Meeting.MinutesStatus.SENT
    meeting.minutes_sent_at = now
    meeting.save(update_fields=["minutes_status", "minutes_sent_at", "updated_at"])
    planned = reminders.insert(reminders.plan_minutes(now, meeting_ids=[meeting.pk]))
    if not planned:
        # Rolls the "sent" mark back with the transaction: nothing would leave.
        raise ValidationError(
            _("Nobody would receive these minutes: the group is archived or none of its members has an e-mail address.")
        )
    transaction.on_commit(tasks.dispatch_soon)
    return planned


@transaction.atomic
def adopt_minutes(meeting, *, adopted_in, by=None):
    """The minutes were adopted at a later meeting of the group: from now on they are frozen."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_not_frozen(meeting)
    if meeting.minutes_status != Meeting.MinutesStatus.SENT:
        raise ValidationError(_("Minutes are adopted after they were sent to members."))
    if adopted_in.group_id != meeting.group_id or adopted_in.starts_at <= meeting.starts_at:
        raise ValidationError(_("Minutes are adopted at a later meeting of the same group."))
    if adopted_in.starts_at > timezone.now() or adopted_in.is_cancelled:
        raise ValidationError(_("Minutes are adopted at a meeting that has taken place."))
    meeting.minutes_status = Meeting.MinutesStatus.ADOPTED
    meeting.minutes_adopted_in = adopted_in
    meeting.minutes_adopted_at = timezone.now()
    meeting.save(update_fields=["minutes_status", "minutes_adopted_in", "minutes_adopted_at", "updated_at"])
    return meeting


# --- Actions --------------------------------------------------------------------


def create_action(*, group, title, owner, meeting=None, description="", due_date=None, lever=Lever.AUTRE, kind=Action.Kind.ACTION, status=Action.Status.TODO):
    """A decision becomes an action, owned by one contact."""
    if owner is None:
        raise ValidationError(_("An action needs an owner."))
    if meeting is not None and meeting.group_id != group.pk:
        raise ValidationError(_("The meeting belongs to another group."))
    return Action.objects.create(
        group=group,
        meeting=meeting,
        title=title,
        owner=owner,
        description=description,
        due_date=due_date,
        lever=lever,
        kind=kind,
        status=status,
    )


def update_action(action, *, by=None, **fields):
    """Change an action (status and progress by its owner; anything by a coordinator)."""
    if "owner" in fields and fields["owner"] is None:
        raise ValidationError(_("An action needs an owner."))
    for name, value in fields.items():
        setattr(action, name, value)
    action.save()
    return action

"""Who is invited to a meeting and who came: guests, substitutes, the register, drifting partners."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import Membership
from reference.timezones import PARIS
from stakeholders.models import Contact

from ..models import Attendance, Meeting
from ..planning.services import has_begun

GUESTS_SHOWN = 30


def meeting_day(meeting):
    return timezone.localtime(meeting.starts_at, PARIS).date()


def invited(meeting):
    """Everyone invited to a meeting, each with their Attendance, sorted by organisation then name.

    The group's members on the meeting's day are invited by being members: their row is
    written only when something happens to it (an answer, the register), so a page that
    lists them writes nothing; until then they get an unsaved row, "no answer yet". Guests
    are invited in person (`is_guest`). A member whose membership ends before the meeting's
    day is no longer invited; what they answered or did at a meeting that took place stays
    on record.
    """
    day = meeting_day(meeting)
    memberships = list(Membership.objects.filter(group_id=meeting.group_id).select_related("contact__organisation"))
    members = {m.contact_id: m.contact for m in memberships if m.is_current_on(day)}
    begun = has_begun(meeting)
    rows = {
        a.contact_id: a
        for a in meeting.attendances.select_related("contact__organisation", "represented_by")
        if a.contact_id in members or a.is_guest or (begun and _recorded(a))
    }
    for contact_id, contact in members.items():
        rows.setdefault(contact_id, Attendance(meeting=meeting, contact=contact))
    return sorted(rows.values(), key=_register_order)


def invitation_of(meeting, contact):
    """The contact's invitation to the meeting (saved or not), or None when they are not invited."""
    return next((a for a in invited(meeting) if a.contact_id == contact.pk), None)


def _recorded(attendance):
    return attendance.answer != Attendance.Answer.PENDING or attendance.presence != Attendance.Presence.UNKNOWN


def _register_order(attendance):
    contact = attendance.contact
    return (contact.organisation.name.lower(), contact.last_name.lower(), contact.first_name.lower(), contact.pk)


def guest_candidates(meeting, text):
    """Non-archived contacts matching every word of the text, not yet invited (30 at most)."""
    words = text.split()[:5]
    if not words:
        return []
    return list(
        Contact.objects.search(" ".join(words))
        .filter(is_archived=False)
        .exclude(pk__in=[a.contact_id for a in invited(meeting)])
        .select_related("organisation")
        .order_by("last_name", "first_name", "pk")[:GUESTS_SHOWN]
    )


def invite_guest(meeting, contact):
    """Add a guest (a contact outside the group) to a meeting's register."""
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting is cancelled."))
    if contact.is_archived:
        raise ValidationError(_("This contact is archived: they cannot be invited."))
    attendance, created = Attendance.objects.get_or_create(
        meeting=meeting, contact=contact, defaults={"is_guest": True}
    )
    if not attendance.is_guest:
        attendance.is_guest = True
        attendance.save(update_fields=["is_guest"])
    return attendance, created


def validate_substitute(attendance, substitute):
    if substitute is None:
        return
    if substitute.pk == attendance.contact_id:
        raise ValidationError(_("A person cannot be represented by themselves."))
    if substitute.organisation_id != attendance.contact.organisation_id:
        raise ValidationError(_("A substitute must be a colleague from the same organisation."))


def substitutes(meeting, *, organisation_ids):
    """Who may stand in for someone of these organisations at this meeting.

    Every colleague in the directory (a member or not: standing in is not being invited, so
    the substitute gets no line of their own), and whoever is already recorded as standing
    in at this meeting, even if archived since.
    """
    standing_in = Attendance.objects.filter(meeting=meeting).exclude(represented_by=None).values("represented_by_id")
    return (
        Contact.objects.filter(organisation_id__in=organisation_ids)
        .filter(Q(is_archived=False) | Q(pk__in=standing_in))
        .order_by("last_name", "first_name", "pk")
    )


@transaction.atomic
def record_attendance(meeting, *, register, by=None):
    """Record presence for each invitation: [(attendance, presence, substitute or None), …].

    An invited member without a row yet gets one; the answers already given stay as they are.
    """
    rows = []
    for attendance, presence, substitute in register:
        validate_substitute(attendance, substitute)
        if attendance.meeting_id != meeting.pk:
            raise ValidationError(_("This invitation belongs to another meeting."))
        rows.append(
            Attendance(meeting=meeting, contact_id=attendance.contact_id, presence=presence, represented_by=substitute)
        )
    Attendance.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["meeting", "contact"],
        update_fields=["presence", "represented_by"],
    )
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
    meetings = report_meetings(group, last=last, now=now)
    by_org = {}
    for index, row in _register_rows(group, meetings):
        org = row.contact.organisation
        states = by_org.setdefault(org.pk, (org, [set() for _m in meetings]))[1]
        states[index].add(_state(row))
    report = []
    for org, states in by_org.values():
        cells = [_cell(state) for state in states]
        invited = sum(1 for c in cells if c not in (None, "unrecorded"))
        absences = sum(1 for c in cells if c in ("absent", "excused"))
        report.append(OrganisationAttendance(organisation=org, cells=cells, invited=invited, absences=absences))
    report.sort(key=lambda r: (not r.drifting, r.organisation.name))
    return meetings, report


def report_meetings(group, *, last=6, year=None, now=None):
    """The meetings the report covers, oldest first: the last ones held (not cancelled), or all those of a year."""
    now = now or timezone.now()
    held = group.meetings.filter(kind=Meeting.Kind.MEETING, starts_at__lt=now).exclude(status=Meeting.Status.CANCELLED)
    if year is not None:
        return list(held.filter(starts_at__year=year).order_by("starts_at", "pk"))
    return list(held.order_by("-starts_at")[:last])[::-1]


def register_rows(group, meetings):
    """(meeting, attendance) of every invitation to these meetings, by meeting then organisation and name."""
    rows = [(meetings[index], row) for index, row in _register_rows(group, meetings)]
    rows.sort(key=lambda pair: (pair[0].starts_at, pair[0].pk, *_register_order(pair[1])))
    return rows


def _register_rows(group, meetings):
    """(meeting index, attendance) of every invitation to these meetings, in two queries:
    the rows written, and the members of each meeting's day who have none (unrecorded)."""
    index = {m.pk: i for i, m in enumerate(meetings)}
    rows = (
        Attendance.objects.filter(meeting__in=meetings)
        .select_related("contact__organisation", "represented_by")
        .order_by()
    )
    written = set()
    for row in rows:
        written.add((row.meeting_id, row.contact_id))
        yield index[row.meeting_id], row
    memberships = list(Membership.objects.filter(group=group).select_related("contact__organisation"))
    for meeting in meetings:
        day = meeting_day(meeting)
        for membership in memberships:
            if membership.is_current_on(day) and (meeting.pk, membership.contact_id) not in written:
                yield index[meeting.pk], Attendance(meeting=meeting, contact=membership.contact)


def _state(row):
    if row.presence == Attendance.Presence.PRESENT:
        return "present"
    if row.represented_by_id:
        return "represented"
    return row.presence


def _cell(state):
    """What one organisation's people make of one meeting, the best of them first."""
    if not state:
        return None
    for best in ("present", "represented"):
        if best in state:
            return best
    if state == {Attendance.Presence.UNKNOWN}:
        return "unrecorded"
    for worst in (Attendance.Presence.ABSENT, Attendance.Presence.EXCUSED):
        if worst in state:
            return worst.value
    return "unrecorded"

"""Minutes: a draft never lost, sent to the members, adopted at a later meeting, then frozen."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from groups.models import Membership
from stakeholders.models import Contact

from .. import tasks
from ..models import Attendance, Meeting
from ..notices import dispatch
from ..notices.minutes import MINUTES
from ..spans import meeting_when

MINUTES_MAX_LENGTH = 200_000


def _check_not_frozen(meeting):
    if meeting.minutes_frozen:
        raise ValidationError(_("These minutes were adopted: they can no longer be changed."))


def sent_message():
    return _("These minutes were sent to members: they change only through a correction, which is mailed to them.")


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
    if meeting.minutes_status == Meeting.MinutesStatus.SENT:
        raise ValidationError(sent_message(), code="sent")
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
    target = Meeting.objects.filter(pk=meeting.pk).exclude(
        minutes_status__in=[Meeting.MinutesStatus.SENT, Meeting.MinutesStatus.ADOPTED]
    )
    if loaded_at is not NOT_CHECKED:
        target = (
            target.filter(minutes_updated_at=loaded_at) if loaded_at else target.filter(minutes_updated_at__isnull=True)
        )
    if not target.update(**updated):
        status = Meeting.objects.filter(pk=meeting.pk).values_list("minutes_status", flat=True).first()
        if status == Meeting.MinutesStatus.ADOPTED:
            raise ValidationError(_("These minutes were adopted: they can no longer be changed."))
        if status == Meeting.MinutesStatus.SENT:
            raise ValidationError(sent_message(), code="sent")
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
        heading = capfirst(meeting_when(meeting)) + (f", {meeting.place}" if meeting.place else "") + "."
        lines = [heading, "", *_attendance_section(meeting), *_agenda_section(meeting), *_decisions_section(meeting)]
    return "\n".join(lines)


def _attendance_section(meeting):
    """Who was present, represented, excused or absent, by name and organisation."""
    attendances = list(meeting.attendances.select_related("contact__organisation", "represented_by"))
    present = Attendance.Presence.PRESENT
    groups = {
        _("Present"): [a for a in attendances if a.presence == present],
        _("Represented"): [a for a in attendances if a.presence != present and a.represented_by_id],
        _("Excused"): [a for a in attendances if a.presence == Attendance.Presence.EXCUSED and not a.represented_by_id],
        _("Absent"): [a for a in attendances if a.presence == Attendance.Presence.ABSENT and not a.represented_by_id],
    }
    lines = ["## " + _("Attendance"), ""] if any(groups.values()) else []
    for label, people in groups.items():
        if not people:
            continue
        names = []
        for a in people:
            name = f"{a.contact.full_name} ({a.contact.organisation.name})"
            if a.represented_by_id and a.presence != present:
                name += " – " + _("represented by %(name)s") % {"name": a.represented_by.full_name}
            names.append(name)
        lines += [f"**{label}** : " + ", ".join(names), ""]
    return lines


def _agenda_section(meeting):
    """One heading per agenda item, with its notes or the marker."""
    items = list(meeting.agenda_items.select_related("presenter"))
    lines = ["## " + _("Agenda"), ""] if items else []
    for number, item in enumerate(items, start=1):
        heading = f"### {number}. {item.title}"
        if item.presenter_id:
            heading += f" ({item.presenter.full_name})"
        lines += [heading, "", item.description or draft_marker(), ""]
    return lines


def _decisions_section(meeting):
    """The actions the meeting decided, with their owner and due date."""
    actions = list(meeting.decided_actions.select_related("owner"))
    if not actions:
        return []
    lines = ["## " + _("Decisions"), ""]
    for action in actions:
        due = formats.date_format(action.due_date, "j F Y") if action.due_date else _("no due date")
        lines.append(f"- {action.title} – {action.owner.full_name}, {due}")
    return [*lines, ""]


def minutes_recipients(meeting):
    """Current members of the group with an e-mail address, each once."""
    contact_ids = Membership.objects.current().filter(group_id=meeting.group_id).values("contact_id")
    return list(Contact.objects.filter(pk__in=contact_ids, is_archived=False).exclude(email="").order_by("pk"))


@transaction.atomic
def send_minutes(meeting, *, by=None):
    """Mark the minutes sent and plan one mail per current member; return how many.

    The mails go through the dispatch (meetings.notices): each is a MINUTES
    Delivery, claimed, sent, retried with back-off and, if it keeps failing, shown failed
    in the admin. Once committed a worker is asked for a pass at once; if the broker is
    unreachable the periodic pass sends them a little later.
    """
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
    planned = dispatch.insert(MINUTES.plan(now, meeting_ids=[meeting.pk]))
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

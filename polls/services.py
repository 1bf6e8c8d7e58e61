"""What happens to a date poll: made, answered, closed (a meeting is born), reopened.

Each function is one transaction: nothing is half-saved. The mails follow from the state
they leave (polls.notices), like every notice of the delivery machinery.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import Membership
from meetings import tasks
from meetings.attendance.services import invite_guest
from meetings.planning import services as planning

from .models import Answer, Invitee, Poll, PollOption


def closed_error():
    return ValidationError(_("This poll is closed: answers can no longer change."), code="closed")


@transaction.atomic
def create_poll(*, group, title, slots, guests=(), by=None, **fields):
    """A poll of `group` proposing `slots` ((starts_at, ends_at) pairs), asking its current members and `guests`."""
    if len(set(slots)) != len(slots):
        raise ValidationError(_("The same date is proposed twice."), code="duplicate")
    poll = Poll.objects.create(group=group, title=title, created_by=by, **fields)
    PollOption.objects.bulk_create([PollOption(poll=poll, starts_at=s, ends_at=e) for s, e in slots])
    members = Membership.objects.current().filter(group=group, contact__is_archived=False)
    contact_ids = set(members.values_list("contact_id", flat=True)) | {g.pk for g in guests if not g.is_archived}
    Invitee.objects.bulk_create([Invitee(poll=poll, contact_id=pk) for pk in sorted(contact_ids)])
    transaction.on_commit(tasks.dispatch_soon)
    return poll


def _locked(poll):
    return Poll.objects.select_for_update().get(pk=poll.pk)


@transaction.atomic
def record_answers(invitee, choices, comment="", now=None):
    """Replace `invitee`'s answers with `choices` ({option id: Answer.Choice}, one for every date).

    While the poll is open only; every date needs an answer.
    """
    poll = _locked(invitee.poll)
    if not poll.is_open:
        raise closed_error()
    option_ids = list(poll.options.values_list("pk", flat=True))
    if set(choices) != set(option_ids):
        raise ValidationError(_("Answer for every proposed date."), code="incomplete")
    if not set(choices.values()) <= set(Answer.Choice.values):
        raise ValidationError(_("Unknown answer."), code="unknown")
    Answer.objects.filter(invitee=invitee).delete()
    Answer.objects.bulk_create([Answer(invitee=invitee, option_id=pk, choice=choices[pk]) for pk in option_ids])
    invitee.comment = comment.strip()[:1000]
    invitee.answered_at = now or timezone.now()
    invitee.save(update_fields=["comment", "answered_at"])
    return invitee


@transaction.atomic
def close(poll, option, now=None):
    """Choose `option`: the meeting is created (members invited as usual, partners as guests), and
    everyone asked is told (polls.notices.CLOSED). Irreversible, except by reopen()."""
    poll = _locked(poll)
    if not poll.is_open:
        raise ValidationError(_("This poll is already closed."), code="closed")
    if option.poll_id != poll.pk:
        raise ValidationError(_("This date is not one of the poll's."), code="unknown")
    meeting = planning.create_meeting(
        group=poll.group,
        title=poll.title,
        starts_at=option.starts_at,
        ends_at=option.ends_at,
        place=poll.place,
        video_url=poll.video_url,
    )
    members = Membership.objects.current().filter(group=poll.group).values_list("contact_id", flat=True)
    for invitee in poll.invitees.select_related("contact").exclude(contact_id__in=set(members)):
        if not invitee.contact.is_archived:
            invite_guest(meeting, invitee.contact)
    poll.status, poll.chosen, poll.meeting = Poll.Status.CLOSED, option, meeting
    poll.closed_at, poll.round = now or timezone.now(), poll.round + 1
    poll.save(update_fields=["status", "chosen", "meeting", "closed_at", "round"])
    transaction.on_commit(tasks.dispatch_soon)
    return poll


@transaction.atomic
def reopen(poll, now=None):
    """Undo a closing while its meeting is ahead: the meeting is cancelled (its members told), the
    poll takes answers again, and everyone asked is told (polls.notices.REOPENED)."""
    poll = _locked(poll)
    if poll.is_open:
        raise ValidationError(_("This poll is open already."), code="open")
    if poll.meeting is not None:
        if planning.has_begun(poll.meeting, now):
            raise ValidationError(_("The meeting chosen has taken place: the poll stays closed."), code="begun")
        planning.cancel(poll.meeting)
    poll.status, poll.chosen, poll.meeting = Poll.Status.OPEN, None, None
    poll.reopened_at = now or timezone.now()
    poll.save(update_fields=["status", "chosen", "meeting", "reopened_at"])
    transaction.on_commit(tasks.dispatch_soon)
    return poll

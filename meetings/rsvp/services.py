"""Answering an invitation: yes, no or maybe, until the meeting starts. One rule for every way in."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Attendance, MeetingChange


def can_answer(meeting, attendance, now=None):
    """Whether this invitation may still be answered: before the meeting starts, unless it is cancelled."""
    return attendance is not None and not meeting.is_cancelled and meeting.starts_at > (now or timezone.now())


def answer_invitation(attendance, answer, *, check_only=False):
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


def record_answer(*, meeting, contact, answer):
    """Record a contact's answer through `answer_invitation` (an invited member without a row was pending).

    Raises ValidationError (code "cancelled" or "started") when answers are closed; nothing is
    then written, not even the invitation row.
    """
    with transaction.atomic():
        attendance, _created = Attendance.objects.select_for_update().get_or_create(meeting=meeting, contact=contact)
        attendance.meeting = meeting
        return answer_invitation(attendance, answer)


def changes_since(meeting, version):
    """The meeting's changes of date, time, place or link made after the mail of a link (none for old links)."""
    if version is None:
        return []
    return list(MeetingChange.objects.filter(meeting=meeting, sequence__gt=version).order_by("sequence"))


def answered_since(attendance, link):
    """True when an answer other than the link's was given after the link was made (on the web, say)."""
    return bool(
        attendance is not None
        and link.issued is not None
        and attendance.answered_at is not None
        and attendance.answered_at > link.issued
        and attendance.answer != link.answer
    )

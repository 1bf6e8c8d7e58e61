"""The one-click answer from a mail: no login, a signed link bound to one invitation and one answer.

GET only shows what the link would record, with a button; the answer is recorded on
POST. Mail scanners that open every link therefore answer nothing. Whether an answer
may still be given is `services.answer`'s rule, the same as on the meeting page:
until the meeting starts, never for a cancelled one.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from groups.models import Membership
from stakeholders.models import Contact

from . import services
from .models import Attendance, Meeting
from .signing import BadToken, read_rsvp_token


def record_answer(*, meeting, contact, answer):
    """Record a contact's answer through `services.answer` (a member without a row was pending).

    Raises ValidationError (code "cancelled" or "started") when answers are closed; nothing is
    then written, not even the invitation row.
    """
    with transaction.atomic():
        attendance, _created = Attendance.objects.select_for_update().get_or_create(
            meeting=meeting, contact=contact
        )
        attendance.meeting = meeting
        return services.answer(attendance, answer)


def _invitation(meeting_id, contact_id):
    """The meeting and contact of a valid link, or None when the invitation no longer stands."""
    meeting = Meeting.objects.select_related("group").filter(pk=meeting_id).first()
    contact = Contact.objects.filter(pk=contact_id, is_archived=False).first()
    if meeting is None or contact is None:
        return None
    if not Membership.objects.current().filter(group_id=meeting.group_id, contact=contact).exists():
        return None
    return meeting, contact


@require_http_methods(["GET", "POST"])
def rsvp_signed(request, token):
    try:
        meeting_id, contact_id, answer = read_rsvp_token(token)
    except BadToken as exc:
        problem = "expired" if exc.expired else "invalid"
        return render(request, "meetings/rsvp.html", {"problem": problem}, status=400)
    invitation = _invitation(meeting_id, contact_id)
    if invitation is None:
        return render(request, "meetings/rsvp.html", {"problem": "gone"}, status=404)
    meeting, contact = invitation
    context = {
        "meeting": meeting,
        "contact": contact,
        "answer": answer,
        "answer_label": Attendance.Answer(answer).label,
    }
    try:
        if request.method == "POST":
            record_answer(meeting=meeting, contact=contact, answer=answer)
            return render(request, "meetings/rsvp.html", {**context, "recorded": True})
        services.answer(Attendance(meeting=meeting, contact=contact), answer, check_only=True)
    except ValidationError as error:
        return render(request, "meetings/rsvp.html", {**context, "problem": error.code}, status=410)
    current = Attendance.objects.filter(meeting=meeting, contact=contact).values_list("answer", flat=True).first()
    context["current_label"] = Attendance.Answer(current or Attendance.Answer.PENDING).label
    return render(request, "meetings/rsvp.html", context)

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from groups import access
from stakeholders.models import Contact

from ..attendance.services import invitation_of
from ..models import Attendance, Meeting
from ..notices.changes import Change
from ..view_helpers import error_text, next_url
from . import services
from .signing import ANSWERS, BadToken, read_rsvp_link, rsvp_token


@login_required
@require_POST
def answer(request, pk):
    """The logged-in one-click answer: yes, no or maybe."""
    meeting = access.for_member(request.roles, Meeting.objects.for_page(), pk=pk)
    contact = request.roles.contact
    if contact is None or invitation_of(meeting, contact) is None:
        messages.error(request, _("You are not invited to this meeting."))
    else:
        try:
            attendance = services.record_answer(meeting=meeting, contact=contact, answer=request.POST.get("answer", ""))
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _("Your answer to %(meeting)s is recorded: %(answer)s.")
                % {"meeting": f"{meeting.group.name} – {meeting.title}", "answer": attendance.get_answer_display()},
            )
    return redirect(next_url(request, meeting.get_absolute_url()))


def _invitation(meeting_id, contact_id):
    """The meeting and contact of a valid link, or None when the invitation no longer stands."""
    meeting = Meeting.objects.select_related("group").filter(pk=meeting_id).first()
    contact = Contact.objects.filter(pk=contact_id, is_archived=False).first()
    if meeting is None or contact is None or invitation_of(meeting, contact) is None:
        return None
    return meeting, contact


@require_http_methods(["GET", "POST"])
def rsvp_signed(request, token):
    try:
        link = read_rsvp_link(token)
    except BadToken as exc:
        problem = "expired" if exc.expired else "invalid"
        return render(request, "meetings/rsvp.html", {"problem": problem}, status=400)
    invitation = _invitation(link.meeting_id, link.contact_id)
    if invitation is None:
        return render(request, "meetings/rsvp.html", {"problem": "gone"}, status=404)
    meeting, contact = invitation
    context = {
        "meeting": meeting,
        "contact": contact,
        "answer": link.answer,
        "answer_label": Attendance.Answer(link.answer).label,
    }
    current = Attendance.objects.filter(meeting=meeting, contact=contact).first()
    context["current_label"] = current.get_answer_display() if current else Attendance.Answer.PENDING.label
    try:
        if request.method == "GET":
            services.answer_invitation(Attendance(meeting=meeting, contact=contact), link.answer, check_only=True)
        # A link from before a change of date or place, or older than an answer given since: ask again.
        changes = services.changes_since(meeting, link.version)
        newer = services.answered_since(current, link)
        if changes or newer:
            context.update(
                changes=Change.of(changes).lines() if changes else [],
                newer=newer,
                again=_fresh_links(meeting, contact),
            )
            return render(request, "meetings/rsvp.html", context)
        if request.method == "POST":
            services.record_answer(meeting=meeting, contact=contact, answer=link.answer)
            return render(request, "meetings/rsvp.html", {**context, "recorded": True})
    except ValidationError as error:
        return render(request, "meetings/rsvp.html", {**context, "problem": error.code}, status=410)
    return render(request, "meetings/rsvp.html", context)


def _fresh_links(meeting, contact):
    """(label, address) of each answer, bound to the meeting as it is now."""
    return [
        (
            Attendance.Answer(answer).label,
            reverse("meetings:rsvp_signed", args=[rsvp_token(meeting.pk, contact.pk, answer, meeting.sequence)]),
        )
        for answer in ANSWERS
    ]

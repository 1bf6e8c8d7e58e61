"""A date poll's pages: making one, its page (grid and my answers), closing, the signed answer page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from groups import access as group_access
from meetings.view_helpers import error_text

from . import grid, services
from .access import poll_for_coordinator, poll_for_reader
from .forms import AnswerForm, PollForm, QuickEntryForm
from .models import Invitee, Poll, PollOption
from .signing import BadToken, read_answer_token


@login_required
@require_http_methods(["GET", "POST"])
def poll_new(request, slug):
    group = group_access.group_for_coordinator(request.roles, slug)
    now = timezone.localtime()
    data = request.POST if request.method == "POST" else None
    form = PollForm(data, group=group, now=now)
    quick = QuickEntryForm(data if data and "add_slots" in data else None, initial={"year": now.year})
    if data and "add_slots" in data:
        # The quick entry only writes lines into the dates proposed: nothing is checked or saved yet.
        lines = [line for line in data.get("slots", "").splitlines() if line.strip()]
        if quick.is_valid():
            lines += [line for line in quick.lines() if line not in lines]
        initial = {**data.dict(), "guests": data.getlist("guests"), "slots": "\n".join(lines)}
        form = PollForm(initial=initial, group=group, now=now)
    elif data and form.is_valid():
        fields = {key: form.cleaned_data[key] for key in PollForm.Meta.fields if key != "title"}
        try:
            poll = services.create_poll(
                group=group,
                title=form.cleaned_data["title"],
                slots=form.cleaned_data["slots"],
                guests=form.cleaned_data["guests"],
                by=request.roles.contact,
                **fields,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Date poll created: the invitations leave within a few minutes."))
            return redirect(poll)
    return render(request, "polls/poll_form.html", {"group": group, "form": form, "quick": quick})


def _answer_form(results, invitee, data=None):
    """The form of one person's answers, filled with what the grid read."""
    current = results.answers_of(invitee)
    return AnswerForm(data, options=results.options, current=current, initial={"comment": invitee.comment})


def _save_answers(request, poll, invitee, form):
    if not form.is_valid():
        return False
    try:
        services.record_answers(invitee, form.choices(), form.cleaned_data["comment"])
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def poll_detail(request, pk):
    """The poll: my answers if I am asked, the grid for the group's members, closing for its coordinators."""
    poll, mine, full = poll_for_reader(request.roles, pk)
    results = grid.build(poll, people=full)
    form = _answer_form(results, mine, request.POST if request.method == "POST" else None) if mine else None
    if request.method == "POST":
        if mine is None:
            messages.error(request, _("You are not asked in this poll."))
            return redirect(poll)
        if _save_answers(request, poll, mine, form):
            messages.success(request, _("Your answers are recorded. You may change them until the poll closes."))
            return redirect(poll)
    context = {
        "poll": poll,
        "group": poll.group,
        "mine": mine,
        "form": form,
        "full": full,
        "grid": results,
        "can_coordinate": request.roles.can_coordinate(poll.group),
    }
    return render(request, "polls/poll_detail.html", context, status=400 if form is not None and form.errors else 200)


@login_required
@require_POST
def poll_close(request, pk):
    poll = poll_for_coordinator(request.roles, pk)
    option = get_object_or_404(PollOption, poll=poll, pk=request.POST.get("option") or 0)
    try:
        poll = services.close(poll, option)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request, _("Poll closed: the meeting of %(date)s is created and everyone asked is told.") % {"date": option}
        )
    return redirect(poll)


@login_required
@require_POST
def poll_reopen(request, pk):
    poll = poll_for_coordinator(request.roles, pk)
    if not request.POST.get("confirm"):
        messages.error(request, _("Tick the box to confirm: reopening cancels the meeting."))
        return redirect(poll)
    try:
        services.reopen(poll)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Poll reopened: the meeting is cancelled and everyone asked is told."))
    return redirect(poll)


def _signed_invitee(token):
    """(invitee, problem): the invitation a link names, or why there is none."""
    try:
        poll_id, contact_id = read_answer_token(token)
    except BadToken as exc:
        return None, "expired" if exc.expired else "invalid"
    invitee = (
        Invitee.objects.select_related("poll__group", "poll__chosen", "contact__organisation")
        .filter(poll_id=poll_id, contact_id=contact_id, contact__is_archived=False)
        .first()
    )
    return invitee, None if invitee else "gone"


STATUS = {"invalid": 400, "expired": 400, "gone": 404, "closed": 410}


@require_http_methods(["GET", "POST"])
def answer_signed(request, token):
    """A person's answer page from their mail, no login. GET shows (mail scanners open links), POST records."""
    invitee, problem = _signed_invitee(token)
    if invitee is not None and not invitee.poll.is_open:
        problem = "closed"
    if problem:
        poll = invitee.poll if invitee else None
        return render(request, "polls/answer.html", {"problem": problem, "poll": poll}, status=STATUS[problem])
    poll = invitee.poll
    results = grid.build(poll, people=False)
    form = _answer_form(results, invitee, request.POST if request.method == "POST" else None)
    recorded = request.method == "POST" and _save_answers(request, poll, invitee, form)
    if recorded:
        results = grid.build(poll, people=False)
        form = _answer_form(results, invitee)
    context = {"poll": poll, "invitee": invitee, "form": form, "recorded": recorded, "grid": results}
    return render(request, "polls/answer.html", context, status=400 if form.errors else 200)


def group_page_polls(request, group):
    """The group page's part (meetings.pages.group_page_part): open polls, the last closed ones, a button."""
    polls = list(Poll.objects.filter(group=group).select_related("chosen").order_by("-created_at", "-pk")[:5])
    return {
        "template": "polls/_group_polls.html",
        "polls": polls,
        "can_coordinate": request.roles.can_coordinate(group),
        "group": group,
    }

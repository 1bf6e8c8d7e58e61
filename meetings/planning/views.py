import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from groups import access

from ..models import Meeting
from ..view_helpers import error_text
from . import services
from .forms import MeetingForm, PlanForm


@login_required
def plan(request, slug):
    """Plan a year of meetings from a pattern, preview them, create them in one step."""
    group = access.group_for_coordinator(request.roles, slug)
    first = _next_month()
    form = PlanForm(
        request.POST or None,
        initial={"count": group.meetings_per_year, "start_month": first.month, "start_year": first.year},
    )
    preview, load = None, []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        preview = services.plan_dates(group=group, **form.pattern())
        if "create" in request.POST:
            created = services.plan_year(
                group=group, dates=preview, title=data["title"], place=data["place"], video_url=data["video_url"]
            )
            messages.success(
                request,
                _("%(count)s meetings created. Adjust each one below if needed.") % {"count": len(created)},
            )
            return redirect("meetings:plan", slug=group.slug)
        load = services.plan_load(group=group, dates=preview)
    context = {
        "group": group,
        "form": form,
        "preview": preview,
        "near": [date for date in (preview or []) if date.near and not date.clash],
        "over": [year for year in load if year.over],
        "meetings": _year_around(group),
    }
    return render(request, "meetings/plan.html", context)


def _year_around(group):
    """The group's meetings from a year back, each knowing whether it may still be cancelled."""
    now = timezone.now()
    meetings = list(group.meetings.filter(ends_at__gte=now - dt.timedelta(days=365)).order_by("starts_at"))
    for meeting in meetings:
        meeting.may_cancel = services.may_be_cancelled(meeting, now)
    return meetings


def _next_month():
    today = timezone.localdate()
    return (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


@login_required
def meeting_new(request, slug):
    group = access.group_for_coordinator(request.roles, slug)
    form = MeetingForm(request.POST or None)
    if form.is_valid():
        data = form.cleaned_data
        meeting = services.create_meeting(
            group=group,
            title=data["title"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            place=data["place"],
            video_url=data["video_url"],
            kind=data["kind"],
            all_day=data["all_day"],
        )
        services.record_reach(meeting, **form.reach())
        _say_notes(request, form)
        messages.success(request, _("Meeting created."))
        return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"group": group, "form": form, "meeting": None})


@login_required
def edit(request, pk):
    meeting = access.for_coordinator(request.roles, Meeting.objects.for_page(), pk=pk)
    if meeting.is_cancelled:
        messages.error(request, _("This meeting is cancelled: it can no longer be changed."))
        return redirect(meeting)
    form = MeetingForm(request.POST or None, initial=MeetingForm.initial_for(meeting), meeting=meeting)
    if form.is_valid():
        data = form.cleaned_data
        before = meeting.sequence, meeting.updated_at
        meeting = services.reschedule(
            meeting,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            all_day=data["all_day"],
            place=data["place"],
            video_url=data["video_url"],
            title=data["title"] or None,
            kind=data["kind"],
            status=data["status"],
            by=request.user,
        )
        services.record_reach(meeting, **form.reach())
        _say_notes(request, form)
        if (meeting.sequence, meeting.updated_at) == before:
            messages.info(request, _("Nothing changed: nothing was saved or sent."))
        else:
            messages.success(request, _("Meeting updated."))
        return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"group": meeting.group, "form": form, "meeting": meeting})


def _say_notes(request, form):
    for note in form.notes:
        messages.warning(request, note)


@login_required
def cancel(request, pk):
    meeting = access.for_coordinator(request.roles, Meeting.objects.for_page(), pk=pk)
    if request.method == "POST":
        try:
            services.cancel(meeting, by=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Meeting cancelled. Members will be told."))
        return redirect(meeting)
    return render(
        request,
        "meetings/meeting_cancel.html",
        {"meeting": meeting, "group": meeting.group, "begun": services.has_begun(meeting)},
    )

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from groups import access
from groups.models import WorkingGroup
from stakeholders.models import Contact

from . import services
from .filters import ActionFilter
from .forms import (
    ActionForm,
    ActionProgressForm,
    AdoptForm,
    AgendaItemForm,
    AttendanceRowForm,
    MeetingForm,
    MinutesForm,
    PlanForm,
)
from .markdown import render_markdown
from .models import Action, AgendaItem, Attendance, Meeting

# --- Access: every view asks groups.access, through these two --------------------------


def _meeting_for_member(user, pk):
    """A meeting of one of the user's groups, or 404."""
    meeting = get_object_or_404(Meeting.objects.select_related("group", "minutes_adopted_in"), pk=pk)
    access.require(access.can_view_group_content(user, meeting.group))
    return meeting


def _meeting_for_coordinator(user, pk):
    """A meeting of a group the user coordinates; 404 for outsiders, 403 for its members."""
    meeting = _meeting_for_member(user, pk)
    if not access.can_coordinate(user, meeting.group):
        raise PermissionDenied
    return meeting


def _error_text(error):
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


def _next_url(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


# --- Planning ----------------------------------------------------------------------


@login_required
def plan(request, slug):
    """Plan a year of meetings from a pattern, preview them, create them in one step."""
    group = access.group_for_coordinator(request.user, slug)
    first = _next_month()
    form = PlanForm(
        request.POST or None,
        initial={"count": group.meetings_per_year, "start_month": first.month, "start_year": first.year},
    )
    preview, load = None, []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        preview = services.plan_dates(
            group=group,
            start_month=data["first_month"],
            ordinal=data["ordinal"],
            weekday=data["weekday"],
            every_months=data["every_months"],
            count=data["count"],
            start_time=data["start_time"],
            end_time=data["end_time"],
        )
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
    meetings = list(
        group.meetings.filter(ends_at__gte=timezone.now() - timezone.timedelta(days=365))
        .order_by("starts_at")
    )
    now = timezone.now()
    for meeting in meetings:
        meeting.may_cancel = services.may_be_cancelled(meeting, now)
    return render(
        request,
        "meetings/plan.html",
        {
            "group": group,
            "form": form,
            "preview": preview,
            "near": [date for date in (preview or []) if date.near and not date.clash],
            "over": [year for year in load if year.over],
            "meetings": meetings,
        },
    )


def _next_month():
    today = timezone.localdate()
    return (today.replace(day=1) + timezone.timedelta(days=32)).replace(day=1)


@login_required
def meeting_new(request, slug):
    group = access.group_for_coordinator(request.user, slug)
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
        )
        messages.success(request, _("Meeting created."))
        return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"group": group, "form": form, "meeting": None})


@login_required
def edit(request, pk):
    meeting = _meeting_for_coordinator(request.user, pk)
    if meeting.is_cancelled:
        messages.error(request, _("This meeting is cancelled: it can no longer be changed."))
        return redirect(meeting)
    form = MeetingForm(request.POST or None, initial=MeetingForm.initial_for(meeting))
    if form.is_valid():
        data = form.cleaned_data
        meeting = services.reschedule(
            meeting,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            place=data["place"],
            video_url=data["video_url"],
            title=data["title"] or None,
            kind=data["kind"],
            status=data["status"],
        )
        messages.success(request, _("Meeting updated."))
        return redirect(meeting)
    return render(
        request, "meetings/meeting_form.html", {"group": meeting.group, "form": form, "meeting": meeting}
    )


@login_required
def cancel(request, pk):
    meeting = _meeting_for_coordinator(request.user, pk)
    if request.method == "POST":
        try:
            services.cancel(meeting, by=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Meeting cancelled. Members will be told."))
        return redirect(meeting)
    return render(
        request,
        "meetings/meeting_cancel.html",
        {"meeting": meeting, "group": meeting.group, "begun": services.has_begun(meeting)},
    )


# --- The meeting page ------------------------------------------------------------------


@login_required
def detail(request, pk):
    user = request.user
    meeting = _meeting_for_member(user, pk)
    coordinates = access.can_coordinate(user, meeting.group)
    contact = access.contact_of(user)

    def load():
        return list(
            meeting.attendances.select_related("contact__organisation", "represented_by").order_by(
                "contact__last_name", "contact__first_name"
            )
        )

    attendances = load()
    mine = next((a for a in attendances if contact is not None and a.contact_id == contact.pk), None)
    # A member who joined after the meeting was planned gets their invitation here; a GET
    # writes nothing otherwise (the attendance page and "my agenda" invite the others).
    if mine is None and contact is not None and meeting.group_id in access.member_group_ids(user):
        if services.ensure_invitations(meeting):
            attendances = load()
            mine = next((a for a in attendances if a.contact_id == contact.pk), None)
    agenda_visible = coordinates or meeting.agenda_published_at is not None
    items = list(meeting.agenda_items.select_related("presenter")) if agenda_visible else []
    review_actions = []
    if any(item.is_action_review and not item.description for item in items):
        review_actions = list(
            Action.objects.open().filter(group_id=meeting.group_id).select_related("owner").order_by("due_date", "pk")
        )
    minutes_visible = meeting.minutes and (
        coordinates or meeting.minutes_status in (Meeting.MinutesStatus.SENT, Meeting.MinutesStatus.ADOPTED)
    )
    counts = {answer: 0 for answer in Attendance.Answer.values}
    for a in attendances:
        counts[a.answer] += 1
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "group": meeting.group,
            "coordinates": coordinates,
            "attendances": attendances,
            "mine": mine,
            "can_answer": _can_answer(meeting, mine),
            "agenda_visible": agenda_visible,
            "items": items,
            "agenda_total": sum(item.duration_minutes for item in items),
            "review_actions": review_actions,
            "minutes_html": render_markdown(meeting.minutes) if minutes_visible else "",
            "decided_actions": meeting.decided_actions.select_related("owner").order_by("due_date", "pk"),
            "counts": counts,
            "recorded": any(a.presence != Attendance.Presence.UNKNOWN for a in attendances),
            "today": timezone.localdate(),
            # Once it has begun, the page is about who came and what was decided.
            "begun": services.has_begun(meeting),
            "may_cancel": services.may_be_cancelled(meeting),
        },
    )


def _can_answer(meeting, attendance):
    return attendance is not None and not meeting.is_cancelled and meeting.starts_at > timezone.now()


@login_required
@require_POST
def answer(request, pk):
    """The logged-in one-click answer: yes, no or maybe."""
    meeting = _meeting_for_member(request.user, pk)
    contact = access.contact_of(request.user)
    attendance = None
    if contact is not None:
        services.ensure_invitations(meeting)
        attendance = Attendance.objects.filter(meeting=meeting, contact=contact).select_related("meeting").first()
    if attendance is None:
        messages.error(request, _("You are not invited to this meeting."))
    else:
        try:
            services.answer(attendance, request.POST.get("answer", ""))
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("Your answer to %(meeting)s is recorded: %(answer)s.")
                % {"meeting": f"{meeting.group.name} – {meeting.title}", "answer": attendance.get_answer_display()},
            )
    return redirect(_next_url(request, meeting.get_absolute_url()))


# --- Agenda --------------------------------------------------------------------------------


@login_required
def agenda(request, pk):
    """Build a meeting's agenda: add, edit, reorder, remove items; publish it."""
    meeting = _meeting_for_coordinator(request.user, pk)
    form = AgendaItemForm(request.POST or None, group=meeting.group)
    if form.is_valid():
        services.add_agenda_item(meeting=meeting, **form.cleaned_data)
        messages.success(request, _("Item added to the agenda."))
        return redirect("meetings:agenda", pk=meeting.pk)
    items = list(meeting.agenda_items.select_related("presenter"))
    total = sum(item.duration_minutes for item in items)
    return render(
        request,
        "meetings/agenda.html",
        {
            "meeting": meeting,
            "group": meeting.group,
            "items": items,
            "form": form,
            "total": total,
            "over": total > meeting.duration_minutes,
        },
    )


def _item(meeting, item_pk):
    return get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)


@login_required
def agenda_item_edit(request, pk, item_pk):
    meeting = _meeting_for_coordinator(request.user, pk)
    item = _item(meeting, item_pk)
    form = AgendaItemForm(request.POST or None, instance=item, group=meeting.group)
    if form.is_valid():
        form.save()
        messages.success(request, _("Agenda item updated."))
        return redirect("meetings:agenda", pk=meeting.pk)
    return render(
        request, "meetings/agenda_item_form.html", {"meeting": meeting, "group": meeting.group, "form": form, "item": item}
    )


@login_required
@require_POST
def agenda_item_move(request, pk, item_pk):
    meeting = _meeting_for_coordinator(request.user, pk)
    item = _item(meeting, item_pk)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        services.move_agenda_item(item, direction=direction)
    return redirect(reverse("meetings:agenda", args=[meeting.pk]) + f"#item-{item.pk}")


@login_required
@require_POST
def agenda_item_delete(request, pk, item_pk):
    meeting = _meeting_for_coordinator(request.user, pk)
    services.delete_agenda_item(_item(meeting, item_pk))
    messages.success(request, _("Item removed from the agenda."))
    return redirect("meetings:agenda", pk=meeting.pk)


@login_required
@require_POST
def agenda_publish(request, pk):
    meeting = _meeting_for_coordinator(request.user, pk)
    if request.POST.get("publish") == "0":
        services.unpublish_agenda(meeting, by=request.user)
        messages.success(request, _("The agenda is hidden from members again."))
    else:
        services.publish_agenda(meeting, by=request.user)
        messages.success(request, _("Agenda published: members can see it."))
    return redirect(_next_url(request, reverse("meetings:agenda", args=[meeting.pk])))


# --- Attendance ----------------------------------------------------------------------------


@login_required
def attendance(request, pk):
    """The register: present, absent or excused, and who stood in for whom."""
    meeting = _meeting_for_coordinator(request.user, pk)
    if request.method == "POST" and ("invite_members" in request.POST or "guest" in request.POST):
        return _attendance_invite(request, meeting)
    services.ensure_invitations(meeting)
    rows = list(
        meeting.attendances.select_related("contact__organisation").order_by(
            "contact__organisation__name", "contact__last_name", "contact__first_name"
        )
    )
    colleagues = {}
    for contact in services.substitutes(meeting, organisation_ids={a.contact.organisation_id for a in rows}):
        colleagues.setdefault(contact.organisation_id, []).append(contact)
    forms = [
        AttendanceRowForm(
            request.POST or None,
            attendance=a,
            colleagues=[c for c in colleagues.get(a.contact.organisation_id, []) if c.pk != a.contact_id],
        )
        for a in rows
    ]
    if request.method == "POST":
        if all(form.is_valid() for form in forms):
            register = {
                form.attendance: (form.cleaned_data["presence"], form.cleaned_data["substitute"]) for form in forms
            }
            services.record_attendance(meeting, register=register, by=request.user)
            messages.success(request, _("Attendance register saved."))
            return redirect(meeting)
        messages.error(request, _("The register was not saved: please correct the lines marked below."))
    query = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "meetings/attendance.html",
        {
            "meeting": meeting,
            "group": meeting.group,
            "forms": forms,
            "missing": 0 if meeting.is_cancelled else services.missing_members(meeting),
            "query": query,
            "guests": services.guest_candidates(meeting, query) if query else None,
            "guests_shown": services.GUESTS_SHOWN,
        },
    )


def _attendance_invite(request, meeting):
    """Complete a register: the group's current members, or one guest from the contacts."""
    back = reverse("meetings:attendance", args=[meeting.pk])
    if "invite_members" in request.POST:
        count = services.invite_group_members(meeting)
        messages.success(
            request,
            ngettext("%(count)s member invited.", "%(count)s members invited.", count) % {"count": count},
        )
        return redirect(back)
    guest = str(request.POST.get("guest", ""))
    contact = Contact.objects.filter(pk=guest).first() if guest.isdigit() else None
    if contact is None:
        messages.error(request, _("This contact does not exist."))
        return redirect(back)
    try:
        services.invite_guest(meeting, contact)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("%(name)s was added to the register.") % {"name": contact.full_name})
    return redirect(back)


@login_required
def attendance_report(request, slug):
    """Attendance by organisation over the last six meetings; bodies drifting away first."""
    group = access.group_for_member(request.user, slug)
    meetings, report = services.attendance_report(group)
    return render(
        request,
        "meetings/attendance_report.html",
        {"group": group, "meetings": meetings, "report": report},
    )


# --- Minutes -----------------------------------------------------------------------------------


def _too_big(request):
    """True when the body is over Django's upload limit (reading it would raise)."""
    try:
        request.POST  # noqa: B018 – parsing the body is the test
    except RequestDataTooBig:
        return True
    return False


def _too_long_message():
    return _("The minutes are too long: %(max)s characters at most. Your saved draft is unchanged.") % {
        "max": formats.number_format(services.MINUTES_MAX_LENGTH, force_grouping=True)
    }


# These two views check the size before the CSRF check reads the body: a 10 MB post must
# get a French message and leave the draft alone, not Django's bare 400. Nothing changes
# on that path; every other request goes through csrf_protect as usual.
@csrf_exempt
def minutes(request, pk):
    if request.method == "POST" and request.user.is_authenticated and _too_big(request):
        meeting = _meeting_for_coordinator(request.user, pk)
        return _minutes_page(request, meeting, _minutes_form(meeting, text=meeting.minutes),
                             error=_too_long_message(), status=413)
    return _minutes(request, pk)


@csrf_protect
@login_required
def _minutes(request, pk):
    """Write the minutes: a draft saved as it is typed, then sent, then adopted and frozen."""
    meeting = _meeting_for_coordinator(request.user, pk)
    if meeting.minutes_frozen and request.method == "POST":
        return _frozen(request, meeting)
    if request.method != "POST":
        text = meeting.minutes if meeting.minutes else services.draft_minutes(meeting)
        return _minutes_page(request, meeting, _minutes_form(meeting, text=text))
    form = MinutesForm(request.POST)
    if not form.is_valid():
        return _minutes_page(request, meeting, form, status=400)
    data = form.cleaned_data
    try:
        services.save_minutes(meeting, text=data["text"], loaded_at=data["loaded_at"], by=request.user)
    except services.MinutesConflict:
        # The person's text stays in the form; the page now starts from the version saved
        # meanwhile (shown below it), so saving again replaces that version knowingly.
        meeting.refresh_from_db()
        form = _minutes_form(meeting, data=request.POST)
        return _minutes_page(request, meeting, form, error=_conflict_message(), status=409)
    except ValidationError as error:
        return _minutes_page(request, meeting, form, error=_error_text(error), status=403)
    messages.success(request, _("Minutes saved."))
    return redirect("meetings:minutes", pk=meeting.pk)


def _loaded_at(meeting):
    return meeting.minutes_updated_at.isoformat() if meeting.minutes_updated_at else ""


def _minutes_form(meeting, *, text=None, data=None):
    """The minutes form, starting from the version of the minutes saved now."""
    if data is not None:
        data = data.copy()
        data["loaded_at"] = _loaded_at(meeting)
        return MinutesForm(data)
    return MinutesForm(initial={"text": text, "loaded_at": _loaded_at(meeting)})


def _conflict_message():
    return _(
        "Someone else saved these minutes after you opened them: your text was not saved. It is kept in the "
        "form; the version saved meanwhile is shown below. Merge them, then save again to replace it."
    )


def _minutes_page(request, meeting, form, *, error=None, status=200):
    return render(
        request,
        "meetings/minutes.html",
        {
            "meeting": meeting,
            "group": meeting.group,
            "form": form,
            "error": error,
            "adopt_form": AdoptForm(meeting=meeting) if meeting.minutes_status == Meeting.MinutesStatus.SENT else None,
            "preview": render_markdown(meeting.minutes),
            "saved_at": meeting.minutes_updated_at,
            "recipients": len(services.minutes_recipients(meeting)),
            "autosave_messages": {
                "saved_local": _("Not saved on the server yet: a copy is kept in this browser."),
                "restored": _("Your unsaved text from this browser was restored; it is being saved."),
                "session": _("Your session has ended: log in again, your text is kept in this browser."),
                "saving": _("Saving…"),
                "conflict": _(
                    "Someone else saved these minutes after you opened them: automatic saving is paused and "
                    "your text is kept in this browser. Use “Save the draft” to compare the two versions."
                ),
            },
        },
        status=status,
    )


def _frozen(request, meeting):
    return render(request, "meetings/minutes_frozen.html", {"meeting": meeting, "group": meeting.group}, status=403)


@csrf_exempt
def minutes_autosave(request, pk):
    """Save the draft as the coordinator types (JSON); a lost session answers 401, not a login page."""
    if request.method != "POST":
        return JsonResponse({"error": _("Use POST.")}, status=405)
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Your session has ended: log in again, your text is kept.")}, status=401)
    if _too_big(request):
        _meeting_for_coordinator(request.user, pk)
        return JsonResponse({"error": _too_long_message()}, status=413)
    return _minutes_autosave(request, pk)


@csrf_protect
def _minutes_autosave(request, pk):
    meeting = _meeting_for_coordinator(request.user, pk)
    form = MinutesForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": " ".join(e for errors in form.errors.values() for e in errors)}, status=400)
    data = form.cleaned_data
    try:
        services.save_minutes(meeting, text=data["text"], loaded_at=data["loaded_at"], by=request.user)
    except services.MinutesConflict:
        return JsonResponse({"error": _conflict_message(), "conflict": True}, status=409)
    except ValidationError as error:
        return JsonResponse({"error": _error_text(error)}, status=403)
    saved = timezone.localtime(meeting.minutes_updated_at)
    return JsonResponse(
        {
            "saved_at": meeting.minutes_updated_at.isoformat(),
            "message": _("Draft saved at %(time)s.") % {"time": formats.time_format(saved, "H:i:s")},
        }
    )


@login_required
def minutes_send(request, pk):
    """Confirm, then send: who will receive the minutes, and what still looks unfinished."""
    meeting = _meeting_for_coordinator(request.user, pk)
    if request.method != "POST":
        if meeting.minutes_status != Meeting.MinutesStatus.DRAFT or not meeting.minutes.strip():
            return redirect("meetings:minutes", pk=meeting.pk)
        return render(
            request,
            "meetings/minutes_send.html",
            {
                "meeting": meeting,
                "group": meeting.group,
                "recipients": services.minutes_recipients(meeting),
                "placeholders": services.minutes_placeholders(meeting.minutes),
                "preview": render_markdown(meeting.minutes),
            },
        )
    try:
        count = services.send_minutes(meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("meetings:minutes", pk=meeting.pk)
    messages.success(request, _("Minutes sent to %(count)s members.") % {"count": count})
    return redirect(meeting)


@login_required
@require_POST
def minutes_adopt(request, pk):
    meeting = _meeting_for_coordinator(request.user, pk)
    if meeting.minutes_frozen:
        return _frozen(request, meeting)
    form = AdoptForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            services.adopt_minutes(meeting, adopted_in=form.cleaned_data["adopted_in"], by=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Minutes adopted: they are now frozen."))
            return redirect(meeting)
    else:
        messages.error(request, _("Choose the meeting at which the minutes were adopted."))
    return redirect("meetings:minutes", pk=meeting.pk)


# --- Actions --------------------------------------------------------------------------------


@login_required
def actions(request):
    """Every action of the groups the user can see, filtered."""
    user = request.user
    action_filter = ActionFilter(request.GET or None, queryset=_actions_queryset(user),
                                 groups=_filter_groups(user, request.GET.get("group")))
    page = Paginator(action_filter.qs, ACTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/actions.html",
        {
            "filter": action_filter,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "actions": page.object_list,
            "today": timezone.localdate(),
            # The groups the user runs by membership: for an admin, not the whole country.
            "coordinated": WorkingGroup.objects.filter(pk__in=access.coordinated_group_ids(user)).order_by("name"),
        },
    )


ACTIONS_PER_PAGE = 50


def _actions_queryset(user):
    """Everything a row of the actions page shows."""
    return (
        Action.objects.visible_to(user)
        .select_related("group", "owner__organisation", "meeting")
        .order_by("due_date", "pk")
    )


def _filter_groups(user, chosen):
    """The groups to filter on: those I sit in, and the one chosen if I may see it (an
    admin reaches any group's actions from its page): never a national list of thousands."""
    wanted = Q(pk__in=access.member_group_ids(user))
    if chosen and str(chosen).isdigit():
        wanted |= Q(pk__in=WorkingGroup.objects.member_of(user).filter(pk=chosen).values("pk"))
    return WorkingGroup.objects.filter(wanted).order_by("name")


def _create_action(request, *, group, meeting):
    initial = {"status": Action.Status.TODO}
    form = ActionForm(request.POST or None, group=group, initial=initial)
    if form.is_valid():
        action = services.create_action(group=group, meeting=meeting, **form.cleaned_data)
        messages.success(request, _("Action created."))
        return redirect(meeting if meeting is not None else action)
    return render(
        request, "meetings/action_form.html", {"group": group, "meeting": meeting, "form": form, "action": None}
    )


@login_required
def action_new(request, slug):
    group = access.group_for_coordinator(request.user, slug)
    return _create_action(request, group=group, meeting=None)


@login_required
def meeting_action_new(request, pk):
    """A decision of this meeting becomes an action."""
    meeting = _meeting_for_coordinator(request.user, pk)
    return _create_action(request, group=meeting.group, meeting=meeting)


def _action_for_member(user, pk):
    action = get_object_or_404(Action.objects.select_related("group", "owner__organisation", "meeting"), pk=pk)
    access.require(access.can_view_group_content(user, action.group))
    return action


@login_required
def action(request, pk):
    """An action; its owner or a coordinator updates its status and progress."""
    user = request.user
    action = _action_for_member(user, pk)
    contact = access.contact_of(user)
    coordinates = access.can_coordinate(user, action.group)
    may_update = coordinates or (contact is not None and contact.pk == action.owner_id)
    form = ActionProgressForm(request.POST or None, instance=action) if may_update else None
    if request.method == "POST":
        if not may_update:
            raise PermissionDenied
        if form.is_valid():
            services.update_action(action, by=user, **form.cleaned_data)
            messages.success(request, _("Action updated."))
            return redirect(action)
    return render(
        request,
        "meetings/action.html",
        {
            "action": action,
            "group": action.group,
            "form": form,
            "coordinates": coordinates,
            "description_html": render_markdown(action.description),
            "progress_html": render_markdown(action.progress),
        },
    )


@login_required
def action_edit(request, pk):
    action = _action_for_member(request.user, pk)
    if not access.can_coordinate(request.user, action.group):
        raise PermissionDenied
    form = ActionForm(request.POST or None, instance=action, group=action.group)
    if form.is_valid():
        services.update_action(action, by=request.user, **form.cleaned_data)
        messages.success(request, _("Action updated."))
        return redirect(action)
    return render(
        request,
        "meetings/action_form.html",
        {"group": action.group, "meeting": action.meeting, "form": form, "action": action},
    )


# --- My agenda -----------------------------------------------------------------------------------


@login_required
def my_agenda(request):
    """My upcoming meetings with their published agendas and my answer, my open actions, my feed."""
    user = request.user
    contact = access.contact_of(user)
    meetings, actions = [], []
    if contact is not None:
        group_ids = access.member_group_ids(user)
        meetings = list(
            Meeting.objects.filter(group_id__in=group_ids, ends_at__gte=timezone.now())
            .select_related("group")
            .order_by("starts_at")[:30]
        )
        services.ensure_my_invitations(contact, meetings)
        published = [m.pk for m in meetings if m.agenda_published_at]
        items = {}
        for item in AgendaItem.objects.filter(meeting_id__in=published).select_related("presenter"):
            items.setdefault(item.meeting_id, []).append(item)
        answers = {
            a.meeting_id: a for a in Attendance.objects.filter(contact=contact, meeting__in=[m.pk for m in meetings])
        }
        for m in meetings:
            # After answering, the page comes back to this meeting, not to its top.
            m.answer_next = f"{reverse('meetings:my_agenda')}#meeting-{m.pk}"
            m.my_items = items.get(m.pk, [])
            m.mine = answers.get(m.pk)
            m.can_answer = _can_answer(m, m.mine)
        actions = list(
            Action.objects.open().filter(owner=contact).select_related("group").order_by("due_date", "pk")
        )
    feed_url = (
        request.build_absolute_uri(reverse("meetings:personal_feed", args=[contact.feed_token]))
        if contact is not None
        else None
    )
    return render(
        request,
        "meetings/my_agenda.html",
        {
            "contact": contact,
            "meetings": meetings,
            "actions": actions,
            "feed_url": feed_url,
            # Calendar apps subscribe to webcal:// links (the same address, over http(s)).
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1] if feed_url else None,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def renew_feed(request):
    contact = access.contact_of(request.user)
    if contact is None:
        raise Http404
    contact.renew_feed_token()
    messages.success(request, _("Your calendar address was renewed: the old one no longer works."))
    return redirect("meetings:my_agenda")


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from groups import access

from ..markdown import render_markdown
from ..models import Meeting
from ..notices.minutes import changed_lines
from ..view_helpers import error_text
from . import corrections, services
from .forms import AdoptForm, CorrectionForm, MinutesForm


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
        meeting = access.for_coordinator(request.roles, Meeting.objects.for_page(), pk=pk)
        return _minutes_page(
            request, meeting, _minutes_form(meeting, text=meeting.minutes), error=_too_long_message(), status=413
        )
    return _minutes(request, pk)


@csrf_protect
@login_required
def _minutes(request, pk):
    """Write the minutes: a draft saved as it is typed, then sent, then adopted and frozen."""
    meeting = access.for_coordinator(request.roles, Meeting.objects.for_page(), pk=pk)
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
        return _minutes_page(request, meeting, form, error=error_text(error), status=403)
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
            "correction_form": CorrectionForm(initial={"text": meeting.minutes})
            if meeting.minutes_status == Meeting.MinutesStatus.SENT
            else None,
            "corrections": [
                (correction, changed_lines(correction))
                for correction in meeting.minutes_corrections.select_related("corrected_by").order_by("number")
            ],
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
        access.for_coordinator(request.roles, Meeting.objects.for_page(), pk=pk)
        return JsonResponse({"error": _too_long_message()}, status=413)
    return _minutes_autosave(request, pk)


@csrf_protect
def _minutes_autosave(request, pk):
    meeting = access.for_coordinator(request.roles, Meeting.objects.for_page(), pk=pk)
    form = MinutesForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": " ".join(e for errors in form.errors.values() for e in errors)}, status=400)
    data = form.cleaned_data
    try:
        services.save_minutes(meeting, text=data["text"], loaded_at=data["loaded_at"], by=request.user)
    except services.MinutesConflict:
        return JsonResponse({"error": _conflict_message(), "conflict": True}, status=409)
    except ValidationError as error:
        return JsonResponse({"error": error_text(error)}, status=403)
    saved = timezone.localtime(meeting.minutes_updated_at)
    return JsonResponse(
        {
            "saved_at": meeting.minutes_updated_at.isoformat(),
            "status": meeting.get_minutes_status_display(),
            "message": _("Draft saved at %(time)s.") % {"time": formats.time_format(saved, "H:i:s")},
        }
    )


@login_required
def minutes_send(request, pk):
    """Confirm, then send: who will receive the minutes, and what still looks unfinished."""
    meeting = access.for_coordinator(request.roles, Meeting.objects.for_page(), pk=pk)
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
        messages.error(request, error_text(error))
        return redirect("meetings:minutes", pk=meeting.pk)
    messages.success(request, _("Minutes sent to %(count)s members.") % {"count": count})
    return redirect(meeting)


@login_required
@require_POST
def minutes_adopt(request, pk):
    meeting = access.for_coordinator(request.roles, Meeting.objects.for_page(), pk=pk)
    if meeting.minutes_frozen:
        return _frozen(request, meeting)
    form = AdoptForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            services.adopt_minutes(meeting, adopted_in=form.cleaned_data["adopted_in"], by=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Minutes adopted: they are now frozen."))
            return redirect(meeting)
    else:
        messages.error(request, _("Choose the meeting at which the minutes were adopted."))
    return redirect("meetings:minutes", pk=meeting.pk)


@login_required
@require_POST
def minutes_correct(request, pk):
    """A correction of minutes already sent: recorded, then mailed to the members."""
    meeting = access.for_coordinator(request.roles, Meeting.objects.for_page(), pk=pk)
    if meeting.minutes_frozen:
        return _frozen(request, meeting)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            corrections.correct_minutes(
                meeting, text=form.cleaned_data["text"], reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Correction recorded: the members will receive it."))
    else:
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
    return redirect("meetings:minutes", pk=meeting.pk)

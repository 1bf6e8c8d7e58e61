from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from groups import access
from stakeholders.models import Contact

from ..models import Meeting
from ..view_helpers import error_text
from . import services
from .forms import AttendanceRowForm


@login_required
def attendance(request, pk):
    """The register: present, absent or excused, and who stood in for whom."""
    meeting = access.for_coordinator(request.roles, Meeting.objects.for_page(), pk=pk)
    if request.method == "POST" and "guest" in request.POST:
        return _add_guest(request, meeting)
    forms = _register_forms(meeting, request.POST or None)
    if request.method == "POST":
        if all(form.is_valid() for form in forms):
            register = [
                (form.attendance, form.cleaned_data["presence"], form.cleaned_data["substitute"]) for form in forms
            ]
            services.record_attendance(meeting, register=register, by=request.user)
            messages.success(request, _("Attendance register saved."))
            return redirect(meeting)
        messages.error(request, _("The register was not saved: please correct the lines marked below."))
    query = request.GET.get("q", "").strip()[:100]
    context = {
        "meeting": meeting,
        "group": meeting.group,
        "forms": forms,
        "query": query,
        "guests": services.guest_candidates(meeting, query) if query else None,
        "guests_shown": services.GUESTS_SHOWN,
    }
    return render(request, "meetings/attendance.html", context)


def _register_forms(meeting, data):
    """One form per invited person, offering the colleagues who may stand in for them."""
    rows = services.invited(meeting)
    colleagues = {}
    for contact in services.substitutes(meeting, organisation_ids={a.contact.organisation_id for a in rows}):
        colleagues.setdefault(contact.organisation_id, []).append(contact)
    return [
        AttendanceRowForm(
            data,
            attendance=a,
            colleagues=[c for c in colleagues.get(a.contact.organisation_id, []) if c.pk != a.contact_id],
        )
        for a in rows
    ]


def _add_guest(request, meeting):
    """Add one contact from the directory to the register as a guest."""
    back = reverse("meetings:attendance", args=[meeting.pk])
    guest = str(request.POST.get("guest", ""))
    contact = Contact.objects.filter(pk=guest).first() if guest.isdigit() else None
    if contact is None:
        messages.error(request, _("This contact does not exist."))
        return redirect(back)
    try:
        services.invite_guest(meeting, contact)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("%(name)s was added to the register.") % {"name": contact.full_name})
    return redirect(back)


@login_required
def attendance_report(request, slug):
    """Attendance by organisation over the last six meetings; bodies drifting away first."""
    group = access.group_for_member(request.roles, slug)
    meetings, report = services.attendance_report(group)
    return render(
        request,
        "meetings/attendance_report.html",
        {"group": group, "meetings": meetings, "report": report},
    )

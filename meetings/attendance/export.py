"""A group's attendance as a spreadsheet: one row per person invited to each meeting."""

from django.contrib.auth.decorators import login_required
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from groups import access, xlsx

from ..models import Attendance
from . import services


def columns():
    return [
        xlsx.Column(_("Meeting date"), 12),
        xlsx.Column(_("Meeting"), 30),
        xlsx.Column(_("Organisation"), 32),
        xlsx.Column(_("Last name"), 20),
        xlsx.Column(_("First name"), 16),
        xlsx.Column(_("Answer"), 14),
        xlsx.Column(_("Presence"), 14),
        xlsx.Column(_("Represented by"), 24),
        xlsx.Column(_("Guest"), 8),
    ]


def rows(register):
    yes = _("yes")
    for meeting, row in register:
        contact = row.contact
        presence = row.get_presence_display() if row.presence != Attendance.Presence.UNKNOWN else ""
        yield [
            timezone.localtime(meeting.starts_at).date(),
            meeting.title,
            contact.organisation.name,
            contact.last_name,
            contact.first_name,
            row.get_answer_display(),
            presence,
            row.represented_by.full_name if row.represented_by_id else "",
            yes if row.is_guest else "",
        ]


@require_safe
@login_required
def attendance_xlsx(request, slug):
    """/groups/<slug>/attendance.xlsx: the meetings of the attendance page (or `?year=2026`: all of that year)."""
    group = access.group_for_member(request.roles, slug)
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None
    meetings = services.report_meetings(group, year=year)
    register = services.register_rows(group, meetings)
    suffix = year or timezone.localdate()
    return xlsx.response(
        columns(), rows(register), title=_("Attendance"), filename=f"presences-{group.slug}-{suffix}.xlsx"
    )

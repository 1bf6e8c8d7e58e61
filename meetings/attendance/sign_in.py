"""The sign-in sheet (feuille d'émargement) of a meeting, as a PDF ready to print for funders.

A4 portrait, drawn with reportlab (pure Python): on every page the meeting's title, group,
date or span and place; then one row per invited person (name, organisation, an empty box to
sign in, one per day for an event of a few days), by organisation, the table's header repeated
after each page break; a few blank rows for people who come unannounced.
"""

import datetime as dt
import io
import re
from html import unescape
from xml.sax.saxutils import escape

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from groups import access
from reference.timezones import PARIS

from ..models import Meeting
from .services import invited

MARGIN = 1.5 * cm
HEADER_HEIGHT = 3.2 * cm
ROW_HEIGHT = 1.25 * cm
BLANK_ROWS = 3
# An event of more days than this gets one signature box, not one per day.
MAX_DAY_COLUMNS = 5
CELL = ParagraphStyle("cell", fontName="Helvetica", fontSize=9.5, leading=11.5)
SMALL = ParagraphStyle("small", parent=CELL, fontSize=8, leading=9.5, textColor=colors.HexColor("#444444"))
HEAD = ParagraphStyle("head", parent=CELL, fontName="Helvetica-Bold")


def when_text(meeting):
    """The date or span as the pages show it ("mardi 9 mars 2027, 9h30–12h00"), as plain text."""
    with timezone.override(PARIS):
        html = render_to_string("meetings/_when.html", {"meeting": meeting})
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def days_of(meeting):
    first = timezone.localtime(meeting.starts_at, PARIS).date()
    last = timezone.localtime(meeting.ends_at, PARIS).date()
    count = (last - first).days + 1
    return [first + dt.timedelta(days=n) for n in range(count)] if 1 < count <= MAX_DAY_COLUMNS else []


def _p(text, style=CELL):
    return Paragraph(escape(str(text)), style)


def signature_table(meeting, attendances):
    days = days_of(meeting)
    sign_headers = [formats.date_format(day, "D j/m") for day in days] or [_("Signature")]
    width = A4[0] - 2 * MARGIN
    name_width, org_width = 5.2 * cm, 5.0 * cm
    sign_width = (width - name_width - org_width) / len(sign_headers)
    rows = [[_p(_("Name"), HEAD), _p(_("Organisation"), HEAD), *[_p(h, HEAD) for h in sign_headers]]]
    for attendance in attendances:
        contact = attendance.contact
        name = [_p(f"{contact.last_name.upper()} {contact.first_name}".strip())]
        if contact.job_title:
            name.append(_p(contact.job_title, SMALL))
        rows.append([name, _p(contact.organisation.name), *[""] * len(sign_headers)])
    rows.extend([["", "", *[""] * len(sign_headers)] for _n in range(BLANK_ROWS)])
    table = Table(
        rows,
        colWidths=[name_width, org_width, *[sign_width] * len(sign_headers)],
        rowHeights=[None] + [ROW_HEIGHT] * (len(rows) - 1),
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E4E8EE")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def page_header(meeting):
    """Draws the meeting's heading and the page number on each page."""
    place = meeting.place or (_("Video: %(url)s") % {"url": meeting.video_url} if meeting.video_url else "")
    lines = [
        (_("Sign-in sheet – %(title)s") % {"title": meeting.title}, "Helvetica-Bold", 14),
        (_("Group: %(group)s") % {"group": meeting.group.name}, "Helvetica", 10.5),
        (when_text(meeting), "Helvetica", 10.5),
        (_("Place: %(place)s") % {"place": place} if place else "", "Helvetica", 10.5),
    ]

    def draw(canvas, document):
        canvas.saveState()
        y = A4[1] - MARGIN - 0.4 * cm
        for text, font, size in lines:
            if text:
                canvas.setFont(font, size)
                canvas.drawString(MARGIN, y, text[:110])
            y -= size + 5
        canvas.setFont("Helvetica", 8)
        canvas.drawRightString(A4[0] - MARGIN, MARGIN / 2, _("Page %(number)s") % {"number": document.page})
        canvas.restoreState()

    return draw


def sign_in_pdf(meeting, attendances):
    """The PDF's bytes."""
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + HEADER_HEIGHT,
        bottomMargin=MARGIN,
        title=_("Sign-in sheet – %(title)s") % {"title": f"{meeting.group.name} – {meeting.title}"},
        author="Wekker",
    )
    draw = page_header(meeting)
    document.build([signature_table(meeting, attendances)], onFirstPage=draw, onLaterPages=draw)
    return out.getvalue()


@require_safe
@login_required
def sign_in_sheet(request, pk):
    """/meetings/<id>/sign-in.pdf, for the group's coordinators and admins."""
    meeting = access.for_coordinator(request.roles, Meeting.objects.for_page(), pk=pk)
    body = sign_in_pdf(meeting, invited(meeting))
    day = timezone.localtime(meeting.starts_at, PARIS).date()
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="emargement-{meeting.group.slug}-{day}.pdf"'
    return response

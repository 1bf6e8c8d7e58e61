"""Each recipient's own mail: French, plain text and HTML, with the meeting's .ics.

One message per recipient (nobody sees another address), with the agenda once it is
published (never a draft agenda), the recipient's own open actions and signed
one-click links to answer; or the minutes a coordinator sent.
"""

import re
from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail import get_connection as django_get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from reference.timezones import PARIS

from . import calendar, signing
from .markdown import render_markdown
from .models import Attendance, Delivery



def get_connection():
    return django_get_connection(fail_silently=False)


def _when(value):
    return formats.date_format(timezone.localtime(value, PARIS), "l j F Y, G\\hi")


def subject_for(delivery):
    """The subject line: one line, no space around it (mail clients show a leading space as is)."""
    return " ".join(_subject_text(delivery).split())


def _subject_text(delivery):
    meeting = delivery.meeting
    if delivery.kind == Delivery.Kind.DIGEST:
        return _("Your actions due soon or overdue")
    names = {"group": meeting.group.name, "title": meeting.title, "date": _when(meeting.starts_at)}
    if delivery.kind == Delivery.Kind.REMINDER:
        return _("Reminder: %(group)s – %(title)s, %(date)s") % names
    if delivery.kind == Delivery.Kind.UPDATE:
        return _("Meeting moved: %(group)s – %(title)s, now %(date)s") % names
    if delivery.kind == Delivery.Kind.CANCELLATION:
        return _("Meeting cancelled: %(group)s – %(title)s, %(date)s") % names
    if delivery.kind == Delivery.Kind.MINUTES:
        return _("Minutes: %(group)s – %(title)s") % names
    return _("Minutes missing: %(group)s – %(title)s of %(date)s") % names


def _ics_part(body, method):
    part = MIMEText(body.decode("utf-8"), "calendar", "utf-8")
    part.set_param("method", method)
    filename = "annulation.ics" if method == "CANCEL" else "reunion.ics"
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def meeting_ics(meeting, agenda, *, method, attendee=None):
    """The meeting's .ics for a mail: PUBLISH for reminders and updates, CANCEL for a cancellation."""
    meeting._prefetched_objects_cache = {"agenda_items": agenda}

    def organizer_and_attendee(_meeting, event):
        event.add("organizer", f"mailto:{_from_address()}")
        if attendee:
            event.add("attendee", f"mailto:{attendee}")

    cal = calendar.build_calendar([meeting], method=method, extra=organizer_and_attendee)
    return calendar.to_bytes(cal)


def _from_address():
    from email.utils import parseaddr

    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "wekker@localhost"


# Sizes of the headings of minutes in a mail, inline for the clients that drop <style>.
HEADING_STYLES = {2: "font-size:18px;margin:24px 0 8px", 3: "font-size:16px;margin:16px 0 8px"}
HEADING = re.compile(r"<(/?)h([1-6])(\s[^>]*)?>")


def minutes_for_mail(minutes):
    """The minutes' HTML one heading level down (the mail's own title is the only h1), modestly sized."""

    def demote(match):
        closing, level = match.group(1), min(int(match.group(2)) + 1, 6)
        if closing:
            return f"</h{level}>"
        style = HEADING_STYLES.get(level, "font-size:15px;margin:16px 0 8px")
        return f'<h{level} style="{style}">'

    return mark_safe(HEADING.sub(demote, str(render_markdown(minutes))))  # noqa: S308 – sanitised, tags renamed


def days_ahead(starts_at, now):
    """Days from the Paris date of `now` to the Paris date of the meeting: 0 today, 1 tomorrow."""
    return (starts_at.astimezone(PARIS).date() - now.astimezone(PARIS).date()).days


def build_message(delivery, batch, *, connection=None, now=None):
    """The EmailMultiAlternatives of one delivery, sent at `now`.

    `batch` holds the published agendas and the actions read once for the whole batch.
    """
    now = now or timezone.now()
    with translation.override("fr"), timezone.override(PARIS):
        contact = delivery.contact
        meeting = delivery.meeting
        context = {
            "delivery": delivery,
            "contact": contact,
            "site_url": settings.SITE_URL,
            "actions": batch.actions.get(contact.pk, []),
            "today": batch.today,
        }
        if delivery.kind == Delivery.Kind.DIGEST:
            context["actions_url"] = calendar.absolute_url(reverse("meetings:actions"))
            context["actions"] = batch.digest_actions.get(contact.pk, [])
        else:
            context.update(
                meeting=meeting,
                group=meeting.group,
                agenda_published=meeting.agenda_published_at is not None,
                agenda=batch.agendas.get(meeting.pk, []),
                meeting_url=calendar.absolute_url(meeting.get_absolute_url()),
                group_actions=[a for a in context["actions"] if a.group_id == meeting.group_id],
                days_ahead=days_ahead(meeting.starts_at, now),
            )
            if delivery.kind == Delivery.Kind.MINUTES:
                if meeting.pk not in batch.minutes_html:
                    batch.minutes_html[meeting.pk] = minutes_for_mail(meeting.minutes)
                context.update(minutes_html=batch.minutes_html[meeting.pk], url=context["meeting_url"])
            if delivery.kind in (Delivery.Kind.REMINDER, Delivery.Kind.UPDATE):
                context["rsvp"] = signing.rsvp_urls(meeting.pk, contact.pk)
                # Someone who said yes reads their answer and how to change it, not the question again.
                context["answered_yes"] = batch.answers.get((meeting.pk, contact.pk)) == Attendance.Answer.YES
        template = f"meetings/emails/{delivery.kind}"
        message = EmailMultiAlternatives(
            subject=subject_for(delivery),
            body=render_to_string(f"{template}.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[contact.email],
            connection=connection,
            headers={"Auto-Submitted": "auto-generated"},
        )
        message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
        if delivery.kind in (Delivery.Kind.REMINDER, Delivery.Kind.UPDATE):
            key = (meeting.pk, meeting.sequence)
            if key not in batch.ics:
                batch.ics[key] = meeting_ics(meeting, context["agenda"], method="PUBLISH")
            message.attach(_ics_part(batch.ics[key], "PUBLISH"))
        elif delivery.kind == Delivery.Kind.CANCELLATION:
            body = meeting_ics(meeting, context["agenda"], method="CANCEL", attendee=contact.email)
            message.attach(_ics_part(body, "CANCEL"))
    return message

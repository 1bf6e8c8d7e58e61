"""Each recipient's own mail: French, plain text and HTML, with the meeting's .ics.

One message per recipient (nobody sees another address), with the agenda once it is
published (never a draft agenda), the recipient's own open actions and signed
one-click links to answer; or the minutes a coordinator sent.
"""

import re
from email.mime.text import MIMEText
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail import get_connection as django_get_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from groups.models import Membership
from reference.timezones import PARIS

from ..calendar import ics
from ..calendar.ics import absolute_url
from ..documents.services import visible_documents
from ..markdown import render_markdown
from .schedule import days_ahead


def get_connection():
    return django_get_connection(fail_silently=False)


def one_line(text):
    """A subject line: one line, no space around it (mail clients show a leading space as is)."""
    return " ".join(str(text).split())


def build_message(notice, delivery, batch, *, connection=None, now=None):
    """The EmailMultiAlternatives of one delivery of a kind of notice, sent at `now`.

    `batch` holds what the batch's messages share, read once (agendas, actions, answers).
    """
    now = now or timezone.now()
    with translation.override("fr"), timezone.override(PARIS):
        contact = delivery.contact
        context = {
            "delivery": delivery,
            "contact": contact,
            "site_url": settings.SITE_URL,
            "actions": batch.actions.get(contact.pk, []),
            "today": batch.today,
        }
        context.update(notice.context(delivery, batch, now))
        message = EmailMultiAlternatives(
            subject=one_line(notice.subject(delivery, now)),
            body=render_to_string(f"{notice.template}.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[contact.email],
            reply_to=reply_to(delivery, batch, notice.groups(delivery, batch)),
            connection=connection,
            headers={"Auto-Submitted": "auto-generated"},
        )
        message.attach_alternative(render_to_string(f"{notice.template}.html", context), "text/html")
        for part in notice.attachments(delivery, batch, context):
            message.attach(part)
    return message


def reply_to(delivery, batch, groups):
    """The coordinators of the group(s) a mail is about (its kind's `groups`): a partner who
    answers writes to a person.

    The sender stays DEFAULT_FROM_EMAIL (deliverability); the recipient is left out when others remain.
    """
    groups = set(groups)
    cache = coordinator_addresses(batch, groups)
    addresses = []
    for group_id in sorted(groups):
        addresses += [address for address in cache[group_id] if address not in addresses]
    others = [address for address in addresses if parseaddr(address)[1] != delivery.contact.email]
    return others or addresses


def coordinator_addresses(batch, group_ids):
    """{group id: its coordinators' addresses}, read for all the missing groups at once and kept in the batch."""
    cache = batch.__dict__.setdefault("reply_to", {})
    missing = set(group_ids) - set(cache)
    if missing:
        for group_id in missing:
            cache[group_id] = []
        rows = (
            Membership.objects.current(on=batch.today)
            .filter(group_id__in=missing, role=Membership.Role.COORDINATOR, contact__is_archived=False)
            .exclude(contact__email="")
            .order_by("group_id", "contact__last_name", "contact__first_name", "pk")
            .values_list("group_id", "contact__first_name", "contact__last_name", "contact__email")
        )
        for group_id, first, last, email in rows:
            cache[group_id].append(_address(f"{first} {last}".strip(), email))
    return cache


def _address(name, email):
    """ "Name" <address>, left for Django to encode (formataddr would encode it already)."""
    name = name.replace("\\", "").replace('"', "")
    return f'"{name}" <{email}>' if name else email


def meeting_context(delivery, batch, now):
    """What every mail about a meeting shows: the meeting, its published agenda, my actions in its group."""
    meeting = delivery.meeting
    return {
        **shared_context(batch, meeting),
        "group_actions": [a for a in batch.actions.get(delivery.contact_id, []) if a.group_id == meeting.group_id],
        "days_ahead": days_ahead(meeting.starts_at, now),
    }


# The blocks every recipient of a meeting reads alike, by context name.
SHARED_PARTS = {
    "meeting_html": "meetings/emails/_meeting.html",
    "meeting_txt": "meetings/emails/_meeting.txt",
    "agenda_html": "meetings/emails/_agenda.html",
    "agenda_txt": "meetings/emails/_agenda.txt",
}


def shared_context(batch, meeting):
    """What says nothing of the recipient: the meeting, its link, documents and agenda, and the
    blocks that show them (SHARED_PARTS), worked out and rendered once per meeting of a batch,
    then inserted as they are in each recipient's mail."""
    known = vars(batch).setdefault("meeting_contexts", {})
    key = (meeting.pk, meeting.sequence)
    if key not in known:
        context = {
            "meeting": meeting,
            "group": meeting.group,
            "agenda_published": meeting.agenda_published_at is not None,
            "agenda": batch.agendas.get(meeting.pk, []),
            "meeting_url": absolute_url(meeting.get_absolute_url()),
            "documents": mail_documents(batch, meeting),
        }
        parts = {name: render_to_string(template, context) for name, template in SHARED_PARTS.items()}
        known[key] = {**context, **parts}
    return known[key]


def mail_documents(batch, meeting):
    """[(name, absolute link)] of the documents members see, read once per meeting of a batch.

    Links, never attachments: the download applies the meeting's access rule.
    """
    known = vars(batch).setdefault("documents", {})
    if meeting.pk not in known:
        known[meeting.pk] = [
            (doc.name, absolute_url(doc.get_absolute_url())) for doc in visible_documents(meeting, coordinates=False)
        ]
    return known[meeting.pk]


def ics_part(body, method):
    part = MIMEText(body.decode("utf-8"), "calendar", "utf-8")
    part.set_param("method", method)
    filename = "annulation.ics" if method == "CANCEL" else "reunion.ics"
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def meeting_ics(meeting, agenda, *, method, attendee=None):
    """The meeting's .ics for a mail: PUBLISH for reminders and updates, CANCEL for a cancellation."""
    meeting._prefetched_objects_cache = {"agenda_items": agenda}

    def organizer_and_attendee(_meeting, event):
        event.add("organizer", f"mailto:{from_address()}")
        if attendee:
            event.add("attendee", f"mailto:{attendee}")

    cal = ics.build_calendar([meeting], method=method, extra=organizer_and_attendee)
    return ics.to_bytes(cal)


def from_address():
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

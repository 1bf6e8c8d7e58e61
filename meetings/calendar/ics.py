"""iCalendar (RFC 5545) for meetings: one meeting, a group's feed, a person's feed, mail attachments.

Every event carries a UID that never changes (`<uuid>@wekker`), the meeting's SEQUENCE,
its STATUS (TENTATIVE while planned, CONFIRMED, CANCELLED), local times with
TZID=Europe/Paris and the VTIMEZONE that defines it for every year of the events, a URL back to
the meeting's page and, once published, the agenda in the description (a draft agenda
never reaches a calendar: callers read items with `AgendaItem.objects.published()`). DTSTAMP is the meeting's last
change, so that the same data always gives the same bytes (and the same ETag).
"""

import datetime as dt
import hashlib

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from reference.timezones import PARIS

from ..documents.services import members_see_minutes
from ..models import Document, Meeting

PRODID = "-//We-ker//Wekker//FR"


def event_uid(meeting):
    return f"{meeting.uid}@wekker"


def absolute_url(path):
    return f"{settings.SITE_URL}{path}"


def meeting_description(meeting, agenda_items):
    """The plain-text description: video link, the numbered agenda (if published), links to the
    documents (when a feed prefetched them as `feed_documents`) and the link back."""
    if meeting.agenda_published_at is None:
        agenda_items = ()  # whatever the caller read: an unpublished agenda stays with the coordinators
    lines = []
    if meeting.video_url:
        lines.append(_("Video link: %(url)s") % {"url": meeting.video_url})
    if agenda_items:
        lines.append(_("Agenda:"))
        for number, item in enumerate(agenda_items, start=1):
            line = f"{number}. {item.title}"
            if item.duration_minutes:
                line += f" ({item.duration_minutes} min)"
            lines.append(line)
    documents = [
        d
        for d in getattr(meeting, "feed_documents", ())
        if d.part == Document.Part.MEETING or members_see_minutes(meeting)
    ]
    if documents:
        lines.append(_("Documents:"))
        lines.extend(f"- {d.name}: {absolute_url(d.get_absolute_url())}" for d in documents)
    lines.append(absolute_url(meeting.get_absolute_url()))
    return "\n".join(lines)


def event_status(meeting):
    """RFC 5545 STATUS: a planned meeting is TENTATIVE until confirmed; confirmed and held ones are CONFIRMED."""
    return {
        Meeting.Status.PLANNED: "TENTATIVE",
        Meeting.Status.CANCELLED: "CANCELLED",
    }.get(meeting.status, "CONFIRMED")


def paris_timezone(first_year, last_year):
    """The VTIMEZONE of Europe/Paris, from the zoneinfo rules, for every year from `first_year` to `last_year`.

    icalendar writes each change of clocks of those years (RDATE); it also writes an English
    COMMENT on the period covered, which calendar clients may show: it is left out.
    """
    tz = icalendar.Timezone.from_tzid(
        "Europe/Paris", first_date=dt.date(first_year, 1, 1), last_date=dt.date(last_year + 1, 1, 1)
    )
    tz.pop("COMMENT", None)
    return tz


def meeting_event(meeting, agenda_items=None, *, dtstamp=None, cancelled=None):
    """One VEVENT for a meeting. `agenda_items` defaults to the meeting's agenda, prefetched with
    `feeds.PUBLISHED_AGENDA` (only published items)."""
    if agenda_items is None:
        agenda_items = list(meeting.agenda_items.all())
    cancelled = meeting.is_cancelled if cancelled is None else cancelled
    event = icalendar.Event()
    event.add("uid", event_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", (dtstamp or meeting.updated_at or timezone.now()).astimezone(dt.UTC))
    if meeting.all_day:
        # All-day: DATE values, the end being the day after the last (RFC 5545, 3.6.1).
        event.add("dtstart", meeting.first_day)
        event.add("dtend", meeting.last_day + dt.timedelta(days=1))
    else:
        event.add("dtstart", meeting.starts_at.astimezone(PARIS))
        event.add("dtend", meeting.ends_at.astimezone(PARIS))
    event.add("summary", f"{meeting.group.name} – {meeting.title}")
    if meeting.place:
        event.add("location", meeting.place)
    elif meeting.video_url:
        event.add("location", meeting.video_url)
    event.add("description", meeting_description(meeting, agenda_items))
    event.add("url", absolute_url(meeting.get_absolute_url()))
    event.add("status", "CANCELLED" if cancelled else event_status(meeting))
    if meeting.created_at:
        event.add("created", meeting.created_at.astimezone(dt.UTC))
    if meeting.updated_at:
        event.add("last-modified", meeting.updated_at.astimezone(dt.UTC))
    return event


def build_calendar(meetings, *, name=None, method=None, extra=None):
    """A VCALENDAR with one event per meeting (agendas prefetched) and the VTIMEZONE they use.

    `method` is for mails (PUBLISH, CANCEL); feeds have none. `extra(meeting, event)` may add
    properties to each event (the organizer and attendee of a mail).
    """
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", "Europe/Paris")
    years = set()
    events = []
    for meeting in meetings:
        event = meeting_event(meeting, cancelled=True if method == "CANCEL" else None)
        if extra is not None:
            extra(meeting, event)
        events.append(event)
        years.add(meeting.starts_at.astimezone(PARIS).year)
        years.add(meeting.ends_at.astimezone(PARIS).year)
    if not years:
        years = {timezone.localdate().year}
    # The VTIMEZONE comes first and covers every year the events touch (and the year around
    # them, for a client that shows a reminder the evening before a 1st of January).
    # Clamped: a meeting saved on 9999-12-31 before the forms refused it must not break a feed.
    cal.add_component(paris_timezone(max(min(years) - 1, dt.MINYEAR), min(max(years) + 1, dt.MAXYEAR - 1)))
    for event in events:
        cal.add_component(event)
    return cal


def to_bytes(cal):
    return cal.to_ical()


def etag_for(body):
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'

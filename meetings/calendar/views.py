"""Calendar feeds: one meeting, a group's meetings, a person's meetings at a secret address.

Calendar clients poll these often: each answer carries an ETag and a Last-Modified,
and a repeated request answers 304 Not Modified.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from groups import access
from groups.models import Membership
from stakeholders.models import Contact

from ..models import AgendaItem, Document, Meeting
from . import ics

# How far back a feed goes: clients keep past events, but not forever.
FEED_HISTORY = dt.timedelta(days=365)


# The agenda of each meeting, published ones only, in one query for the whole feed.
PUBLISHED_AGENDA = Prefetch("agenda_items", queryset=AgendaItem.objects.published().order_by("position", "pk"))
# Their documents, as links in the description (ics.meeting_description keeps those members see).
FEED_DOCUMENTS = Prefetch(
    "documents", queryset=Document.objects.live().order_by("uploaded_at", "pk"), to_attr="feed_documents"
)


def _feed_meetings(queryset):
    """Everything an event needs: the group's name, the published agenda, the documents."""
    return (
        queryset.select_related("group").prefetch_related(PUBLISHED_AGENDA, FEED_DOCUMENTS).order_by("starts_at", "pk")
    )


def _calendar_response(request, meetings, *, name, filename=None):
    meetings = list(meetings)
    body = ics.to_bytes(ics.build_calendar(meetings, name=name))
    etag = ics.etag_for(body)
    last_modified = max((m.updated_at for m in meetings), default=None)
    last_modified_ts = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=last_modified_ts)
    if response is None:
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        disposition = "attachment" if filename else "inline"
        response["Content-Disposition"] = f'{disposition}; filename="{filename or "calendar.ics"}"'
    response["ETag"] = etag
    if last_modified_ts:
        response["Last-Modified"] = http_date(last_modified_ts)
    patch_cache_control(response, private=True, no_cache=True)
    return response


@require_safe
@login_required
def meeting_ics(request, pk):
    """One meeting as an .ics file, for the members of its group."""
    meeting = access.for_member(request.roles, _feed_meetings(Meeting.objects), pk=pk)
    return _calendar_response(request, [meeting], name=str(meeting.group), filename=f"reunion-{meeting.pk}.ics")


@require_safe
@login_required
def group_feed(request, slug):
    """All meetings of a group (a year back and everything ahead), for its members."""
    group = access.group_for_member(request.roles, slug)
    meetings = _feed_meetings(group.meetings.filter(starts_at__gte=timezone.now() - FEED_HISTORY))
    return _calendar_response(request, meetings, name=f"Wekker – {group.name}")


@require_safe
def personal_feed(request, token):
    """A contact's meetings in the groups they currently belong to; the token is the only key."""
    contact = Contact.objects.filter(feed_token=token, is_archived=False).first()
    if contact is None:
        raise Http404
    groups = Membership.objects.current().filter(contact=contact).values("group_id")
    meetings = _feed_meetings(Meeting.objects.filter(group_id__in=groups, starts_at__gte=timezone.now() - FEED_HISTORY))
    return _calendar_response(request, meetings, name=f"Wekker – {contact.full_name}")


@login_required
@require_POST
def renew_feed(request):
    contact = request.roles.contact
    if contact is None:
        raise Http404
    contact.renew_feed_token()
    messages.success(request, _("Your calendar address was renewed: the old one no longer works."))
    return redirect("meetings:my_agenda")

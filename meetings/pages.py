"""The pages that gather every concern: a group's page, a meeting's page, my agenda."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from groups import access
from groups.models import Membership

from . import selectors
from .attendance.services import invited
from .calendar.ics import absolute_url
from .documents.services import documents_context
from .markdown import render_markdown
from .messages.services import for_group_page as group_messages
from .models import Action, Attendance, Meeting
from .planning.services import has_begun, may_be_cancelled
from .rsvp.services import can_answer

# What higher apps add to a group's page for its members (date polls): functions of
# (request, group) returning a dict with the "template" to include and its context.
GROUP_PAGE_PARTS = []


def group_page_part(function):
    """Register a part of the group page (from the higher app's AppConfig.ready())."""
    GROUP_PAGE_PARTS.append(function)
    return function


@login_required
def group_detail(request, slug):
    """A group: who coordinates it; for its members, its year, next meetings, open actions and members."""
    roles = request.roles
    group = access.group_for_reader(roles, slug)
    coordinators = Membership.objects.current().filter(group=group).coordinators()
    context = {
        "group": group,
        "coordinators": list(coordinators.select_related("contact__organisation")),
        "is_member": roles.can_view(group),
        "can_coordinate": roles.can_coordinate(group),
        "can_see_details": roles.can_see_contact_details,
        "today": timezone.localdate(),
    }
    if context["is_member"]:
        now = timezone.now()
        context.update(
            members=list(Membership.objects.filter(group=group).for_group_page()),
            next_meetings=selectors.next_meetings(group, now),
            actions_by_lever=selectors.open_actions_by_lever(group),
            progress=selectors.year_progress(group, now),
            group_messages=group_messages(group),
            parts=[part(request, group) for part in GROUP_PAGE_PARTS],
        )
    return render(request, "meetings/group_detail.html", context)


@login_required
def meeting_detail(request, pk):
    """A meeting for its group: when and where, my answer, the agenda, who comes, the minutes, decisions."""
    roles = request.roles
    meeting = access.for_member(roles, Meeting.objects.for_page(), pk=pk)
    coordinates = roles.can_coordinate(meeting.group)
    attendances = invited(meeting)
    mine = next((a for a in attendances if roles.contact is not None and a.contact_id == roles.contact.pk), None)
    counts = dict.fromkeys(Attendance.Answer.values, 0)
    for a in attendances:
        counts[a.answer] += 1
    context = {
        "meeting": meeting,
        "group": meeting.group,
        "coordinates": coordinates,
        "attendances": attendances,
        "mine": mine,
        "can_answer": can_answer(meeting, mine),
        "counts": counts,
        "recorded": any(a.presence != Attendance.Presence.UNKNOWN for a in attendances),
        "decided_actions": meeting.decided_actions.select_related("owner").order_by("due_date", "pk"),
        "today": timezone.localdate(),
        # Once it has begun, the page is about who came and what was decided.
        "begun": has_begun(meeting),
        "may_cancel": may_be_cancelled(meeting),
        **_agenda_and_minutes(meeting, coordinates),
        **documents_context(meeting, coordinates=coordinates),
    }
    return render(request, "meetings/detail.html", context)


def _agenda_and_minutes(meeting, coordinates):
    """The agenda (members see it once published) and the minutes (once sent)."""
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
    return {
        "agenda_visible": agenda_visible,
        "items": items,
        "agenda_total": sum(item.duration_minutes for item in items),
        "review_actions": review_actions,
        "minutes_html": render_markdown(meeting.minutes) if minutes_visible else "",
    }


@login_required
def my_agenda(request):
    """My upcoming meetings with their published agendas and my answer, my open actions, my feed."""
    contact = request.roles.contact
    meetings, actions, feed_url = [], [], None
    if contact is not None:
        now = timezone.now()
        meetings = selectors.my_agenda(contact, request.roles.member_group_ids, now)
        for meeting in meetings:
            # After answering, the page comes back to this meeting, not to its top.
            meeting.answer_next = f"{reverse('meetings:my_agenda')}#meeting-{meeting.pk}"
            meeting.can_answer = can_answer(meeting, meeting.mine, now)
        actions = selectors.open_actions_of(contact)
        feed_url = absolute_url(reverse("meetings:personal_feed", args=[contact.feed_token]))
    context = {
        "contact": contact,
        "meetings": meetings,
        "actions": actions,
        "feed_url": feed_url,
        # Calendar apps subscribe to webcal:// links (the same address, over http(s)).
        "webcal_url": "webcal://" + feed_url.split("://", 1)[1] if feed_url else None,
        "today": timezone.localdate(),
    }
    return render(request, "meetings/my_agenda.html", context)

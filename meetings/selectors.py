"""What the pages read about meetings and actions, named by the page that needs it.

The group page, the home page and the indicators dashboard live above `groups`; they ask
here rather than reaching meetings through a group's relations.
"""

import datetime as dt

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from groups.models import Membership
from reference.models import within
from reference.timezones import PARIS

from .attendance.services import meeting_day
from .models import Action, AgendaItem, Attendance, Lever, Meeting

NEXT_MEETINGS = 5


def next_meetings(group, now, limit=NEXT_MEETINGS):
    """The group page: its meetings and events not yet over."""
    return list(group.meetings.filter(ends_at__gte=now).order_by("starts_at")[:limit])


def open_actions_by_lever(group):
    """The group page: open actions grouped by lever, the group's own first, in their order."""
    actions = Action.objects.open().filter(group=group).select_related("owner__organisation")
    by_lever = {name: [] for name in [*group.levers, *(str(label) for label in Lever.labels)]}
    for action in actions.order_by("due_date", "pk"):
        by_lever.setdefault(str(action.lever_label), []).append(action)
    return [(label, rows) for label, rows in by_lever.items() if rows]


def year_progress(group, now):
    """This calendar year's meetings (not events): held, still planned, cancelled, against the target."""
    year = timezone.localtime(now, PARIS).year
    start, end = (dt.datetime(y, 1, 1, tzinfo=PARIS) for y in (year, year + 1))
    cancelled = Q(status=Meeting.Status.CANCELLED)
    # A past meeting that nobody marked cancelled took place, even if its status was not updated.
    held = Q(status=Meeting.Status.HELD) | (Q(ends_at__lt=now) & ~cancelled)
    figures = Meeting.objects.filter(
        group=group, kind=Meeting.Kind.MEETING, starts_at__gte=start, starts_at__lt=end
    ).aggregate(
        held=Count("pk", filter=held),
        planned=Count("pk", filter=~cancelled & ~held),
        cancelled=Count("pk", filter=cancelled),
    )
    target = group.meetings_per_year
    total = figures["held"] + figures["planned"]
    return {
        **figures,
        "year": year,
        "target": target,
        "total": total,
        "missing": max(target - total, 0),
        "percent_held": min(round(100 * figures["held"] / target), 100) if target else 0,
    }


def with_meeting_counts(groups, now):
    """Groups annotated with their upcoming meetings and open actions, one subquery each (home page)."""
    meetings = (
        Meeting.objects.filter(group=OuterRef("pk"), starts_at__gte=now)
        .exclude(status=Meeting.Status.CANCELLED)
        .values("group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    actions = Action.objects.open().filter(group=OuterRef("pk")).values("group").annotate(n=Count("pk")).values("n")
    return groups.annotate(
        upcoming_meeting_count=Coalesce(Subquery(meetings), 0),
        open_action_count=Coalesce(Subquery(actions), 0),
    )


def upcoming_for(roles, now, limit=5):
    """The home page: the next meetings of the user's groups (all groups for an admin)."""
    return (
        Meeting.objects.visible_to(roles)
        .filter(ends_at__gte=now)
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("group")
        .order_by("starts_at")[:limit]
    )


def open_actions_of(contact, limit=None):
    """A person's open actions, soonest due first."""
    actions = Action.objects.open().filter(owner=contact).select_related("group").order_by("due_date", "pk")
    return list(actions[:limit] if limit else actions)


AGENDA_MEETINGS = 30


def my_agenda(contact, group_ids, now):
    """My agenda: the meetings of my groups not yet over to which I am invited (a member on
    their day, as `attendance.services.invited` says), each with its published agenda and my answer.

    Without an answer row, my invitation reads as "no answer yet" (nothing is written).
    """
    memberships = {m.group_id: m for m in Membership.objects.filter(contact=contact, group_id__in=group_ids)}
    meetings = [
        meeting
        for meeting in Meeting.objects.filter(group_id__in=group_ids, ends_at__gte=now)
        .select_related("group")
        .order_by("starts_at")[:AGENDA_MEETINGS]
        if memberships[meeting.group_id].is_current_on(meeting_day(meeting))
    ]
    published = [m.pk for m in meetings if m.agenda_published_at]
    items = {}
    for item in AgendaItem.objects.filter(meeting_id__in=published).select_related("presenter"):
        items.setdefault(item.meeting_id, []).append(item)
    answers = {
        a.meeting_id: a for a in Attendance.objects.filter(contact=contact, meeting__in=[m.pk for m in meetings])
    }
    for meeting in meetings:
        meeting.my_items = items.get(meeting.pk, [])
        meeting.mine = answers.get(meeting.pk) or Attendance(meeting=meeting, contact=contact)
    return meetings


def actions_by_year_and_lever(roles, years, *, territory=None, group=None):
    """The indicators dashboard: {(year, lever): count} of the actions these roles may see
    (dropped ones left out), dated by their due date, else their creation date; of the groups
    of `territory` (and those under it), or of one group."""
    if not years:
        return {}
    rows = (
        _of(Action.objects.visible_to(roles), territory, group)
        .exclude(status=Action.Status.DROPPED)
        .annotate(action_year=Coalesce(ExtractYear("due_date"), ExtractYear("created_at")))
        .filter(action_year__gte=min(years), action_year__lte=max(years))
        .order_by()
        .values("action_year", "lever")
        .annotate(n=Count("id"))
    )
    return {(row["action_year"], row["lever"]): row["n"] for row in rows}


def _of(rows, territory, group):
    if group is not None:
        rows = rows.filter(group=group)
    if territory is not None:
        rows = rows.filter(within("group__territory", territory))
    return rows


REACHED = {"women": Sum("reached_women"), "men": Sum("reached_men"), "unknown": Sum("reached_unknown")}


def reach_by_year(roles, years, *, territory=None, group=None):
    """The indicators dashboard: {year: {"women", "men", "unknown"}} of the young people the actions
    and events of these roles' groups reached (two queries). A year without any count recorded is
    absent, and a sex never recorded is None: missing is not zero."""
    if not years:
        return {}
    actions = (
        _of(Action.objects.visible_to(roles), territory, group)
        .exclude(status=Action.Status.DROPPED)
        .annotate(year=Coalesce(ExtractYear("due_date"), ExtractYear("created_at")))
    )
    events = (
        _of(Meeting.objects.visible_to(roles), territory, group)
        .filter(kind=Meeting.Kind.EVENT)
        .exclude(status=Meeting.Status.CANCELLED)
        .annotate(year=ExtractYear("starts_at", tzinfo=PARIS))
    )
    out = {}
    for rows in (actions, events):
        recorded = Q(reached_women__isnull=False) | Q(reached_men__isnull=False) | Q(reached_unknown__isnull=False)
        rows = rows.filter(recorded, year__gte=min(years), year__lte=max(years))
        for row in rows.order_by().values("year").annotate(**REACHED):
            into = out.setdefault(row["year"], dict.fromkeys(REACHED))
            for sex in REACHED:
                if row[sex] is not None:
                    into[sex] = (into[sex] or 0) + row[sex]
    return out

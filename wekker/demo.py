"""The demo data of `seed_demo`: three groups of the We-ker network and a year around today.

Idempotent: every row is found by a natural key and brought to the state below, so
running it twice gives the same data. The people and bodies are fictitious.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from groups.models import Membership, WorkingGroup
from indicators.demo import seed_demo_indicators
from meetings.agenda.services import open_actions_markdown
from meetings.models import Action, AgendaItem, Attendance, Meeting
from meetings.planning.services import default_title
from reference.models import Domain, Territory
from reference.timezones import PARIS
from stakeholders.models import Contact, Organisation

from .demo_data import (
    GROUP_LEVERS,
    GROUPS,
    MEMBERSHIPS,
    MINUTES_DECISIONS,
    MIXITE_ACTIONS,
    MIXITE_AGENDA,
    MIXITE_REACH,
    ORGANISATIONS,
    PEOPLE,
)
from .demo_polls import seed_poll

DEMO_PASSWORD = "wekker-demo"  # noqa: S105 – the demo logins' published password (README)


def _weekday(day):
    """The same day, or the Monday after when it falls on a weekend."""
    return day + dt.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def _paris(day, hour, minute):
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def _user(username, first, last, **extra):
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username)
    user.first_name, user.last_name = first, last
    user.email = f"{username}@demo.wekker.invalid"
    for field, value in extra.items():
        setattr(user, field, value)
    user.set_password(DEMO_PASSWORD)
    user.is_active = True
    user.save()
    return user


@transaction.atomic
def seed(today=None):
    """Create or refresh the demo data; returns a dict of counts."""
    today = today or timezone.localdate()
    territories = {t.code: t for t in Territory.objects.filter(code__in=["53", "22", "29", "35", "56"])}
    _user("admin", "Ada", "Admin", is_staff=True, is_superuser=True)
    organisations, people = _seed_people(territories)
    groups = _seed_groups(territories, people, today)
    meetings = _seed_mixite_year(groups["mixite"], people, today)
    _seed_other_groups(groups, today)
    _seed_actions(groups["mixite"], people, meetings, today)
    _write_action_reviews(groups["mixite"], meetings)
    seed_poll(groups["mixite"], people, today)
    indicator_rows = seed_demo_indicators()
    return {
        "organisations": len(organisations),
        "contacts": len(people),
        "groups": len(groups),
        "meetings": Meeting.objects.filter(group__in=groups.values()).count(),
        "actions": Action.objects.filter(group__in=groups.values()).count(),
        "indicator rows": indicator_rows,
    }


def _seed_people(territories):
    """The partner organisations and their contacts (logins for the demo users)."""
    sectors = {d.code: d for d in Domain.objects.filter(nomenclature="rome")}
    organisations = []
    for name, kind, sector, territory in ORGANISATIONS:
        org, _ = Organisation.objects.update_or_create(
            name=name,
            defaults={"kind": kind, "sector": sectors.get(sector), "territory": territories.get(territory)},
        )
        organisations.append(org)
    people = {}
    for username, first, last, org_index, job, trade in PEOPLE:
        user = _user(username, first, last) if username else None
        # Plain ASCII addresses: accents in the local part are not valid for most mail servers.
        slug = slugify(f"{first}.{last}".replace(".", " dot ")).replace("-dot-", ".")
        contact, _ = Contact.objects.update_or_create(
            first_name=first,
            last_name=last,
            defaults={
                "organisation": organisations[org_index],
                "job_title": job,
                "email": user.email if user else f"{slug}@demo.wekker.invalid",
                "phone": f"02 99 {10 + len(people):02d} {20 + len(people):02d} 00",
                "user": user,
                "is_role_model": bool(trade),
                "testimony_trade": trade,
                "testimony_video_url": "https://www.youtube.com/watch?v=demo-wekker" if trade else "",
            },
        )
        people[username or f"{first} {last}"] = contact
    return organisations, people


def _seed_groups(territories, people, today):
    """The three groups and their members, all joined on the 1st of January."""
    groups = {}
    for slug, name, theme, territory, description in GROUPS:
        group, _ = WorkingGroup.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "theme": theme,
                "territory": territories[territory],
                "description": description,
                "levers": GROUP_LEVERS.get(slug, []),
            },
        )
        groups[slug] = group
    year_start = dt.date(today.year, 1, 1)
    for slug, who, role in MEMBERSHIPS:
        Membership.objects.update_or_create(
            group=groups[slug], contact=people[who], defaults={"role": role, "joined": year_start, "left": None}
        )
    return groups


def _write_action_reviews(group, meetings):
    """A published agenda's "Suivi des actions" lists the open actions, as publishing writes it;
    unpublished ones list them live."""
    review = open_actions_markdown(group)
    AgendaItem.objects.filter(meeting__in=meetings, is_action_review=True).update(description="")
    AgendaItem.objects.filter(
        meeting__in=meetings, meeting__agenda_published_at__isnull=False, is_action_review=True
    ).update(description=review)


def _seed_mixite_year(group, people, today):
    """Seven meetings about two months apart; the next one in three to five days (a reminder is due)."""
    next_day = _weekday(today + dt.timedelta(days=3))
    members = [m.contact for m in group.memberships.current(on=today).select_related("contact")]
    meetings = []
    ours = _demo_meetings(group)
    for k in range(-4, 3):
        day = next_day + dt.timedelta(weeks=8 * k)
        starts = _paris(day, 9, 30)
        past = starts < timezone.now()
        meeting = _meeting_in_sequence(
            group,
            ours,
            k + 4,
            {
                "starts_at": starts,
                "ends_at": _paris(day, 12, 0),
                "place": "Maison de l'emploi, 12 rue de Brest, Rennes",
                "video_url": "https://visio.demo.wekker.invalid/mixite",
                "status": Meeting.Status.HELD
                if past
                else Meeting.Status.CONFIRMED
                if k == 0
                else Meeting.Status.PLANNED,
                "agenda_published_at": starts - dt.timedelta(days=14) if k <= 0 else None,
            },
        )
        _seed_agenda(meeting, people)
        _seed_answers(meeting, members, k, past)
        meetings.append(meeting)
    _seed_minutes(meetings)
    return meetings


def _seed_answers(meeting, members, k, past):
    """Who came to the past meetings (a partner drifting away), a few answers for the coming ones."""
    for index, contact in enumerate(members):
        if past:
            presence = Attendance.Presence.ABSENT if (index + k) % 5 == 0 else Attendance.Presence.PRESENT
            if contact.last_name == "Guillou" and k >= -2:
                presence = Attendance.Presence.ABSENT
            answer = Attendance.Answer.YES if presence == Attendance.Presence.PRESENT else Attendance.Answer.NO
        else:
            presence = Attendance.Presence.UNKNOWN
            answer = Attendance.Answer.YES if index % 3 == 0 and contact.user is None else Attendance.Answer.PENDING
        if answer == Attendance.Answer.PENDING and presence == Attendance.Presence.UNKNOWN:
            # Invited by being a member: no row until something is recorded.
            Attendance.objects.filter(meeting=meeting, contact=contact).delete()
            continue
        Attendance.objects.update_or_create(
            meeting=meeting, contact=contact, defaults={"answer": answer, "presence": presence}
        )


def _seed_minutes(meetings):
    """Minutes of every held meeting: adopted at the next one, the last sent and awaiting adoption."""
    held = [m for m in meetings if m.status == Meeting.Status.HELD]
    for index, meeting in enumerate(held):
        adopted_in = meetings[meetings.index(meeting) + 1]
        is_last_held = index == len(held) - 1
        meeting.minutes = _minutes_text(meeting)
        meeting.minutes_status = Meeting.MinutesStatus.SENT if is_last_held else Meeting.MinutesStatus.ADOPTED
        meeting.minutes_sent_at = meeting.ends_at + dt.timedelta(days=5)
        meeting.minutes_updated_at = meeting.minutes_sent_at
        meeting.minutes_adopted_in = None if is_last_held else adopted_in
        meeting.minutes_adopted_at = None if is_last_held else adopted_in.ends_at
        meeting.save()


def _seed_agenda(meeting, people):
    rows = [("Suivi des actions", 20, "", "coordinatrice", True)]
    presenters = ["coordinatrice", "Anaïs Cadiou", "Maëlle Riou", "coordinatrice", "Erwan Le Bihan"]
    for (title, minutes, lever), presenter in zip(MIXITE_AGENDA, presenters, strict=True):
        rows.append((title, minutes, lever, presenter, False))
    for position, (title, minutes, lever, presenter, is_review) in enumerate(rows):
        AgendaItem.objects.update_or_create(
            meeting=meeting,
            position=position,
            defaults={
                "title": title,
                "description": "",
                "duration_minutes": minutes,
                "lever": lever,
                "presenter": people[presenter],
                "is_action_review": is_review,
            },
        )
    meeting.agenda_items.filter(position__gte=len(rows)).delete()


def _minutes_text(meeting):
    decisions = MINUTES_DECISIONS[meeting.starts_at.month % len(MINUTES_DECISIONS)]
    held_on = timezone.localtime(meeting.starts_at).strftime("%d/%m/%Y")
    return (
        f"# Compte rendu – {meeting.group.name}, réunion du {held_on}\n\n"
        "## Présents\n\nVoir le registre de présence.\n\n"
        "## Relevé de décisions\n\n" + "".join(f"- {decision}\n" for decision in decisions)
    )


def _demo_meetings(group):
    """The group's demo meetings as they stand, by date (read once, before any is moved)."""
    return list(group.meetings.filter(video_url__contains=".demo.wekker.invalid/").order_by("starts_at", "pk"))


def _meeting_in_sequence(group, ours, index, fields):
    """The group's index-th demo meeting (`ours`: _demo_meetings), written with these fields
    and titled as a planned meeting is ("Réunion du 9 décembre").

    Found by its place in the demo year, not by title: the title follows the date, and the
    demo is seeded around today.
    """
    fields = {**fields, "title": default_title(fields["starts_at"])}
    if index >= len(ours):
        return Meeting.objects.create(group=group, **fields)
    meeting = ours[index]
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.save()
    return meeting


def _seed_other_groups(groups, today):
    for slug, offset_days in (("seniors", 12), ("mobilite", 20)):
        group = groups[slug]
        ours = _demo_meetings(group)
        for k in range(-2, 3):
            day = _weekday(today + dt.timedelta(days=offset_days)) + dt.timedelta(weeks=9 * k)
            _meeting_in_sequence(
                group,
                ours,
                k + 2,
                {
                    "starts_at": _paris(day, 14, 0),
                    "ends_at": _paris(day, 16, 30),
                    "place": "Visioconférence",
                    "video_url": f"https://visio.demo.wekker.invalid/{slug}",
                    "status": Meeting.Status.HELD if day < today else Meeting.Status.PLANNED,
                    "agenda_published_at": None,
                },
            )


def _reach(title):
    reach = MIXITE_REACH.get(title, (None, None, None))
    return dict(zip(("reached_women", "reached_men", "reached_unknown"), reach, strict=True))


def _seed_actions(group, people, meetings, today):
    deciding = [m for m in meetings if m.status == Meeting.Status.HELD]
    for title, lever, owner, due_in, status, kind in MIXITE_ACTIONS:
        due = today + dt.timedelta(days=due_in)
        # Decided at the last held meeting before it fell due (none for the oldest ones).
        earlier = [m for m in deciding if timezone.localdate(m.starts_at) < due]
        Action.objects.update_or_create(
            group=group,
            title=title,
            defaults={
                "lever": lever,
                "owner": people[owner],
                "due_date": due,
                "status": status,
                "kind": kind,
                "meeting": earlier[-1] if earlier else None,
                **_reach(title),
            },
        )
    # The Semaine de la mixité des métiers is also a meeting of kind "event".
    day = _weekday(today + dt.timedelta(days=60))
    Meeting.objects.update_or_create(
        group=group,
        title="Semaine de la mixité des métiers",
        defaults={
            "kind": Meeting.Kind.EVENT,
            "starts_at": _paris(day, 9, 0),
            "ends_at": _paris(day + dt.timedelta(days=4), 17, 0),
            "place": "Missions Locales de Bretagne",
            "status": Meeting.Status.CONFIRMED,
        },
    )

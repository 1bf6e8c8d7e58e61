"""National-scale data for benchmarks: `seed_scale`.

At full size (scale 1.0): about 430 Missions Locales, 4,000 groups, 50,000 contacts,
30,000 meetings, 150,000 agenda items, 100,000 actions and 1,000,000 observations.
Everything goes in with bulk inserts; every row it makes is marked (slugs, names and
usernames starting with "scale-") so that it can tell whether it already ran.
"""

import datetime as dt
import random
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from groups.models import Membership, WorkingGroup
from meetings.models import Action, AgendaItem, Attendance, Lever, Meeting
from reference.models import Domain, Territory
from stakeholders.models import Contact, Organisation, new_feed_token

FULL = {
    "missions_locales": 430,
    "organisations": 6000,
    "groups": 4000,
    "contacts": 50000,
    "logins": 8000,
    "meetings": 30000,
    "agenda_items": 150000,
    "actions": 100000,
    "observations": 1000000,
}
BATCH = 5000
MARK = "scale-"


def sizes(scale):
    return {name: max(1, int(round(count * scale))) for name, count in FULL.items()}


def already_seeded():
    return WorkingGroup.objects.filter(slug__startswith=MARK).exists()


def seed(scale=1.0, *, observations=True, log=print, seed_value=0):
    """Insert national-scale data; returns the sizes inserted and the time each part took."""
    rng = random.Random(seed_value)
    n = sizes(scale)
    timings = {}

    def timed(name, function):
        started = time.perf_counter()
        function()
        timings[name] = time.perf_counter() - started
        log(f"  {name}: {timings[name]:.1f} s")

    state = {}
    with transaction.atomic():
        timed("missions locales", lambda: state.update(mls=_missions_locales(n["missions_locales"])))
        timed("organisations", lambda: state.update(orgs=_organisations(n, state["mls"], rng)))
        timed("contacts and logins", lambda: state.update(contacts=_contacts(n, state["orgs"], rng)))
        timed("groups and memberships", lambda: state.update(groups=_groups(n, state, rng)))
        timed("meetings, agendas, invitations", lambda: state.update(meetings=_meetings(n, state, rng)))
        timed("actions", lambda: _actions(n, state, rng))
    if observations:
        try:
            from indicators.scale import generate_observations
        except ImportError:
            log("  observations: skipped (indicators.scale is not there yet)")
        else:
            timed("observations", lambda: generate_observations(n["observations"], seed=seed_value))
    return n, timings


def _missions_locales(count):
    departements = list(Territory.objects.filter(level=Territory.Level.DEPARTEMENT).order_by("code"))
    existing = set(Territory.objects.filter(level=Territory.Level.MISSION_LOCALE).values_list("code", flat=True))
    rows = []
    for i in range(count):
        code = f"ML{i + 1:03d}"
        if code not in existing:
            parent = departements[i % len(departements)]
            rows.append(
                Territory(
                    code=code,
                    name=f"Mission Locale {parent.name} {i // len(departements) + 1}",
                    level=Territory.Level.MISSION_LOCALE,
                    parent=parent,
                )
            )
    Territory.objects.bulk_create(rows, batch_size=BATCH)
    return list(Territory.objects.filter(level=Territory.Level.MISSION_LOCALE).order_by("code")[:count])


def _organisations(n, mls, rng):
    sectors = list(Domain.objects.filter(nomenclature="rome"))
    kinds = [k for k, _ in Organisation.Kind.choices if k != Organisation.Kind.MISSION_LOCALE]
    rows = [
        Organisation(name=f"{MARK}{ml.name}", kind=Organisation.Kind.MISSION_LOCALE, territory=ml, sector=sectors[10])
        for ml in mls
    ]
    for i in range(n["organisations"] - len(rows)):
        ml = mls[i % len(mls)]
        rows.append(
            Organisation(
                name=f"{MARK}organisation {i + 1}",
                kind=rng.choice(kinds),
                territory=ml.parent if i % 2 else ml,
                sector=rng.choice(sectors),
            )
        )
    Organisation.objects.bulk_create(rows, batch_size=BATCH)
    return list(Organisation.objects.filter(name__startswith=MARK).order_by("pk"))


def _contacts(n, orgs, rng):
    User = get_user_model()
    password = make_password("scale-password")
    users = [
        User(
            username=f"{MARK}user{i}",
            first_name="Prénom",
            last_name=f"Nom{i}",
            email=f"{MARK}user{i}@example.org",
            password=password,
        )
        for i in range(n["logins"])
    ]
    User.objects.bulk_create(users, batch_size=BATCH)
    user_ids = list(User.objects.filter(username__startswith=MARK).order_by("pk").values_list("pk", flat=True))
    rows = []
    for i in range(n["contacts"]):
        rows.append(
            Contact(
                first_name=f"Prénom{i % 997}",
                last_name=f"Nom{i}",
                organisation=orgs[i % len(orgs)],
                job_title="Chargé·e de mission",
                email=f"{MARK}contact{i}@example.org",
                phone="02 99 00 00 00",
                user_id=user_ids[i] if i < len(user_ids) else None,
                is_role_model=(i % 100 == 0),
                testimony_trade="Métier" if i % 100 == 0 else "",
                feed_token=new_feed_token(),
            )
        )
    Contact.objects.bulk_create(rows, batch_size=BATCH)
    return list(Contact.objects.filter(email__startswith=MARK).order_by("pk").values_list("pk", flat=True))


def _groups(n, state, rng):
    mls = state["mls"]
    themes = [
        "Mixité des métiers",
        "Emploi des seniors",
        "Mobilité durable",
        "Logement des jeunes",
        "Santé et insertion",
        "Numérique",
    ]
    rows = [
        WorkingGroup(
            name=f"{themes[i % len(themes)]} – {mls[i % len(mls)].name}",
            slug=f"{MARK}{i + 1}",
            theme=themes[i % len(themes)],
            territory=mls[i % len(mls)],
        )
        for i in range(n["groups"])
    ]
    WorkingGroup.objects.bulk_create(rows, batch_size=BATCH)
    group_ids = list(WorkingGroup.objects.filter(slug__startswith=MARK).order_by("pk").values_list("pk", flat=True))
    contacts = state["contacts"]
    # Each contact sits in one group; the first contact of each group coordinates it.
    memberships = []
    joined = timezone.localdate() - dt.timedelta(days=400)
    per_group = max(1, len(contacts) // len(group_ids))
    for index, contact_id in enumerate(contacts):
        group_index = min(index // per_group, len(group_ids) - 1)
        role = Membership.Role.COORDINATOR if index % per_group == 0 else Membership.Role.MEMBER
        memberships.append(Membership(group_id=group_ids[group_index], contact_id=contact_id, role=role, joined=joined))
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    return group_ids


def _meetings(n, state, rng):
    group_ids = state["groups"]
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    per_group = max(1, n["meetings"] // len(group_ids))
    rows = []
    for index in range(n["meetings"]):
        group_id = group_ids[index % len(group_ids)]
        k = index // len(group_ids) - per_group // 2  # about half past, half ahead
        starts = now + dt.timedelta(days=60 * k + (index % 28), hours=(index % 5))
        rows.append(
            Meeting(
                group_id=group_id,
                title=f"Réunion {index + 1}",
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2, minutes=30),
                place="Salle du conseil",
                status=Meeting.Status.HELD if starts < now else Meeting.Status.PLANNED,
                agenda_published_at=starts - dt.timedelta(days=10),
            )
        )
    Meeting.objects.bulk_create(rows, batch_size=BATCH)
    meetings = list(Meeting.objects.filter(group_id__in=group_ids).order_by("pk").values_list("pk", "group_id"))
    _agenda_items(meetings, n["agenda_items"])
    _answers(meetings, group_ids)
    return meetings


def _agenda_items(meetings, count):
    levers = [choice for choice, _ in Lever.choices]
    per_meeting = max(1, count // len(meetings))
    items = [
        AgendaItem(
            meeting_id=meeting_id,
            position=p,
            title=f"Point {p + 1}",
            duration_minutes=20,
            lever=levers[p % len(levers)],
            is_action_review=(p == 0),
        )
        for meeting_id, _ in meetings
        for p in range(per_meeting)
    ]
    AgendaItem.objects.bulk_create(items, batch_size=BATCH)


def _answers(meetings, group_ids):
    """Three members in four have answered; the fourth is invited by membership alone (no row)."""
    members_by_group = {}
    for group_id, contact_id in Membership.objects.filter(group_id__in=group_ids).values_list("group_id", "contact_id"):
        members_by_group.setdefault(group_id, []).append(contact_id)
    answers = [Attendance.Answer.YES, None, Attendance.Answer.MAYBE, Attendance.Answer.NO]
    attendances = []
    for meeting_id, group_id in meetings:
        for i, contact_id in enumerate(members_by_group.get(group_id, [])):
            if answers[i % 4] is not None:
                attendances.append(Attendance(meeting_id=meeting_id, contact_id=contact_id, answer=answers[i % 4]))
        if len(attendances) >= BATCH * 4:
            Attendance.objects.bulk_create(attendances, batch_size=BATCH)
            attendances = []
    Attendance.objects.bulk_create(attendances, batch_size=BATCH)


def _actions(n, state, rng):
    meetings = state["meetings"]
    members_by_group = {}
    for group_id, contact_id in Membership.objects.filter(group_id__in=state["groups"]).values_list(
        "group_id", "contact_id"
    ):
        members_by_group.setdefault(group_id, []).append(contact_id)
    levers = [choice for choice, _ in Lever.choices]
    statuses = [s for s, _ in Action.Status.choices]
    today = timezone.localdate()
    rows = []
    for i in range(n["actions"]):
        meeting_id, group_id = meetings[i % len(meetings)]
        owners = members_by_group.get(group_id) or state["contacts"][:1]
        rows.append(
            Action(
                group_id=group_id,
                meeting_id=meeting_id,
                title=f"Action {i + 1}",
                owner_id=owners[i % len(owners)],
                due_date=today + dt.timedelta(days=(i % 120) - 60),
                status=statuses[i % len(statuses)],
                lever=levers[i % len(levers)],
            )
        )
    Action.objects.bulk_create(rows, batch_size=BATCH)

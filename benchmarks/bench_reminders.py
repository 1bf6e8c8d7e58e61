"""Benchmark of the reminder dispatch at national scale.

    createdb -h 127.0.0.1 -U postgres wekker_h4_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wekker_h4_bench .venv/bin/python benchmarks/bench_reminders.py

Generates (in bulk, after emptying the database it is given) 4,000 groups, 50,000 contacts,
48,000 memberships and 30,000 meetings spread over a year around a fixed `now`, then times:
a first pass (what a year of data has due at that moment), a pass when nothing is due,
and a pass with 10,000 reminders due. Mails go to Django's in-memory backend.
"""

import datetime as dt
import os
import random
import sys
import time
import zoneinfo
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wekker.settings")
os.environ["EMAIL_URL"] = "locmem://"
os.environ["DEBUG"] = "false"  # no query log kept in memory
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)

import django

django.setup()

from django.core.management import call_command
from django.db import connection

from groups.models import Membership, WorkingGroup
from meetings.models import AgendaItem, Delivery, Meeting
from meetings.notices import dispatch
from stakeholders.models import Contact, Organisation

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
GROUPS, CONTACTS, MEETINGS, MEMBERS_PER_GROUP, DUE_REMINDERS = 4_000, 50_000, 30_000, 12, 10_000
NOW = dt.datetime(2027, 3, 1, 10, 0, tzinfo=PARIS)


def generate():
    for model in (Delivery, AgendaItem, Meeting, Membership, WorkingGroup, Contact, Organisation):
        model.objects.all().delete()
    groups = generate_groups()
    meetings = Meeting.objects.bulk_create(generate_meetings(groups), batch_size=5000)
    AgendaItem.objects.bulk_create(
        (AgendaItem(meeting=m, position=p, title=f"Point {p}") for m in meetings for p in range(3)), batch_size=5000
    )
    analyze()
    return groups


def generate_groups():
    """GROUPS groups of MEMBERS_PER_GROUP contacts each, the first one coordinating."""
    organisations = Organisation.objects.bulk_create(Organisation(name=f"Organisation {n}") for n in range(500))
    contacts = Contact.objects.bulk_create(
        (
            Contact(
                first_name=f"Prénom{n}",
                last_name=f"Nom{n}",
                email=f"c{n}@example.org",
                organisation=organisations[n % len(organisations)],
            )
            for n in range(CONTACTS)
        ),
        batch_size=5000,
    )
    groups = WorkingGroup.objects.bulk_create(
        (WorkingGroup(name=f"Groupe {n}", slug=f"groupe-{n}", theme="Mixité") for n in range(GROUPS)), batch_size=5000
    )
    Membership.objects.bulk_create(
        (
            Membership(
                group=group,
                contact=contacts[(g * MEMBERS_PER_GROUP + m) % CONTACTS],
                role=Membership.Role.COORDINATOR if m == 0 else Membership.Role.MEMBER,
            )
            for g, group in enumerate(groups)
            for m in range(MEMBERS_PER_GROUP)
        ),
        batch_size=5000,
    )
    return groups


def generate_meetings(groups):
    """MEETINGS meetings spread over a year around NOW; those well past have minutes."""
    rng = random.Random(4)
    meetings = []
    for n in range(MEETINGS):
        day = NOW.date() + dt.timedelta(days=rng.randint(-180, 180))
        start = dt.datetime.combine(day, dt.time(9, 30), tzinfo=PARIS)
        meetings.append(
            Meeting(
                group=groups[n % GROUPS],
                title=f"Réunion {n}",
                starts_at=start,
                ends_at=start + dt.timedelta(hours=2, minutes=30),
                minutes="Compte rendu" if start < NOW - dt.timedelta(days=20) else "",
            )
        )
    return meetings


def analyze():
    """Fresh planner statistics, as autovacuum would have after a bulk load."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def timed(label, function, *args):
    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        result = function(*args)
        elapsed = time.perf_counter() - started
    return label, result, count, elapsed


def main():
    name = str(connection.settings_dict["NAME"])
    if "bench" not in name:
        sys.exit(f"This benchmark empties the database it is given; {name!r} has no 'bench' in its name: refused.")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    groups = generate()
    print(
        f"generated in {time.perf_counter() - started:.1f} s on {connection.vendor} "
        f"({connection.settings_dict['NAME']}): {GROUPS} groups, {CONTACTS} contacts, "
        f"{GROUPS * MEMBERS_PER_GROUP} memberships, {MEETINGS} meetings, now = {NOW.isoformat()}"
    )
    rows = []
    label, result, count, elapsed = timed("first pass (a year of data)", dispatch.dispatch_due, NOW)
    rows.append((label, len(result.sent), count, elapsed))
    analyze()
    label, result, count, elapsed = timed("nothing due", dispatch.dispatch_due, NOW + dt.timedelta(minutes=2))
    rows.append((label, len(result.sent), count, elapsed))

    # 10,000 reminders due: meetings starting in 12 hours in 834 groups of 12.
    now = NOW + dt.timedelta(minutes=4)
    start = now + dt.timedelta(hours=12)
    due_groups = groups[: -(-DUE_REMINDERS // MEMBERS_PER_GROUP)]
    Meeting.objects.bulk_create(
        Meeting(group=g, title="Réunion due", starts_at=start, ends_at=start + dt.timedelta(hours=2))
        for g in due_groups
    )
    analyze()
    label, planned, count, elapsed = timed("10,000 due: plan (claim rows)", dispatch.plan, now)
    rows.append((label, planned, count, elapsed))
    label, result, count2, elapsed2 = timed("10,000 due: send", dispatch.send_due, now)
    rows.append((label, len(result.sent), count2, elapsed2))
    rows.append(("10,000 due: whole pass", len(result.sent), count + count2, elapsed + elapsed2))
    label, result, count, elapsed = timed("nothing due again", dispatch.dispatch_due, now + dt.timedelta(minutes=2))
    rows.append((label, len(result.sent), count, elapsed))

    print(f"\n{'scenario':<34} {'messages':>9} {'queries':>8} {'seconds':>9} {'ms/message':>11}")
    for label, messages, queries, seconds in rows:
        per = f"{1000 * seconds / messages:.2f}" if messages else "–"
        print(f"{label:<34} {messages:>9} {queries:>8} {seconds:>9.3f} {per:>11}")


if __name__ == "__main__":
    main()

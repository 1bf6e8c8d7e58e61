"""Server time of the main pages on national-scale data.

Run against a database filled by `python manage.py seed_scale` (PostgreSQL):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wekker_bench python benchmarks/bench_pages.py
It logs in as the coordinator of a scale group through Django's test client (no network,
no browser: the figure is the server's own time, queries included) and prints the median
and 95th percentile of each page over several runs, with its query count.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wekker.settings")

import django

django.setup()

import logging

logging.getLogger("django.request").setLevel(logging.CRITICAL)

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

from groups.models import Membership
from meetings.models import Meeting

RUNS = int(os.getenv("BENCH_RUNS", "20"))


def pages(contact, group, meeting):
    return [
        ("home", "/"),
        ("groups list", "/groups/"),
        ("group page", f"/groups/{group.slug}/"),
        ("meeting page", f"/meetings/{meeting.pk}/"),
        ("my agenda", "/my/agenda/"),
        ("actions list", "/actions/"),
        ("actions list, overdue filter", "/actions/?overdue=true"),
        ("partners directory", "/partners/"),
        ("group feed", f"/groups/{group.slug}/calendar.ics"),
        ("personal feed", f"/calendar/{contact.feed_token}.ics"),
    ]


def measure(client, url):
    timings = []
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    status, count = response.status_code, len(queries)
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        reset_queries()
    timings.sort()
    return status, count, statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main():
    membership = (
        Membership.objects.filter(
            role=Membership.Role.COORDINATOR, group__slug__startswith="scale-", contact__user__isnull=False
        )
        .select_related("contact__user", "group")
        .first()
    )
    if membership is None:
        sys.exit("No scale data: run `python manage.py seed_scale` on this database first.")
    contact, group = membership.contact, membership.group
    meeting = Meeting.objects.filter(group=group).order_by("-starts_at").first()
    client = Client()
    client.force_login(contact.user)
    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']}); {RUNS} runs per page")
    print(f"{'page':32} {'status':>6} {'queries':>7} {'median ms':>10} {'p95 ms':>8}")
    for name, url in pages(contact, group, meeting):
        status, count, median, p95 = measure(client, url)
        print(f"{name:32} {status:>6} {count:>7} {median:>10.1f} {p95:>8.1f}")


if __name__ == "__main__":
    main()

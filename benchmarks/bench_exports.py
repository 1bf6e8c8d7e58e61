"""The actions export (/actions/export.xlsx) at 10,000 and 100,000 actions: time and peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wekker_bench python benchmarks/bench_exports.py

It adds its own actions (in a group of its own, `bench-export`) up to BENCH_EXPORT_ACTIONS
(100,000), asks for the export as an admin through Django's test client (every status:
`?status=`), reads the streamed file to its end, and deletes what it added. Each size is
measured twice: once for the time, once under tracemalloc for the peak of Python memory
(tracemalloc slows the run down, so its time is not the one reported); the process's
peak resident size is printed too. Write-only mode keeps the peak flat as the rows grow.
"""

import datetime as dt
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wekker.settings")

import django

django.setup()

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from groups.models import WorkingGroup
from meetings.models import Action, Lever
from stakeholders.models import Contact, Organisation

SIZES = [10_000, int(os.getenv("BENCH_EXPORT_ACTIONS", "100000"))]
SLUG = "bench-export"


def populate(total):
    """A group with `total` actions of its own (and 200 owners), created in bulk."""
    group, _ = WorkingGroup.objects.get_or_create(slug=SLUG, defaults={"name": "Bench export", "theme": "Bench"})
    organisation, _ = Organisation.objects.get_or_create(name="Bench export organisation")
    owners = list(Contact.objects.filter(organisation=organisation))
    if len(owners) < 200:
        Contact.objects.bulk_create(
            [
                Contact(first_name=f"Prénom{n}", last_name=f"Nom{n}", organisation=organisation)
                for n in range(len(owners), 200)
            ]
        )
        owners = list(Contact.objects.filter(organisation=organisation))
    have = Action.objects.filter(group=group).count()
    levers = list(Lever.values)
    start = dt.date(2026, 1, 1)
    # In batches: the generator's own objects must not weigh on the peak measured afterwards.
    for first in range(have, total, 5000):
        Action.objects.bulk_create(
            Action(
                group=group,
                owner=owners[n % len(owners)],
                title=f"=Action {n} – sensibiliser les collégiennes aux métiers du bâtiment",
                due_date=start + dt.timedelta(days=n % 700),
                lever=levers[n % len(levers)],
                status=Action.Status.TODO if n % 3 else Action.Status.DONE,
                progress="Rencontre prévue avec le principal ; deux classes de 4e.",
            )
            for n in range(first, min(first + 5000, total))
        )
    return group


def export(client, group):
    """(status, bytes read) of the export, read chunk by chunk as a client would."""
    response = client.get(f"/actions/export.xlsx?status=&group={group.pk}")
    size = 0
    for chunk in response.streaming_content:  # read, never kept
        size += len(chunk)
    response.close()
    return response.status_code, size


def main():
    admin, _ = get_user_model().objects.get_or_create(
        username="bench-export-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(admin)
    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
    print(f"{'actions':>8} {'status':>6} {'seconds':>8} {'file MB':>8} {'peak Python MB':>15} {'peak RSS MB':>12}")
    try:
        for total in SIZES:
            group = populate(total)
            export(client, group)  # warm up: imports, templates, the query plan
            started = time.perf_counter()
            status, size = export(client, group)
            seconds = time.perf_counter() - started
            tracemalloc.start()
            export(client, group)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{total:>8} {status:>6} {seconds:>8.1f} {size / 1e6:>8.1f} {peak / 1e6:>15.1f} {rss:>12.0f}")
    finally:
        Action.objects.filter(group__slug=SLUG).delete()


if __name__ == "__main__":
    main()

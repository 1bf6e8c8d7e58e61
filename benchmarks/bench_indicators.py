"""Indicators at national scale: dashboard, JSON and CSV over many observations, and a
100,000-row import. Run against DATABASE_URL (a dedicated database: it writes into it):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wekker_bench python benchmarks/bench_indicators.py

BENCH_OBSERVATIONS (default 1,000,000) rows are generated once with
indicators.scale.generate_observations; later runs reuse them. Prints a table.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wekker.settings")
os.environ.setdefault("DEBUG", "true")

import django

django.setup()

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

from indicators.importing import import_file
from indicators.models import Observation
from indicators.scale import generate_observations
from reference.models import STAGE_ORDER

TARGET = int(os.getenv("BENCH_OBSERVATIONS", "1000000"))
REPEAT = int(os.getenv("BENCH_REPEAT", "3"))
IMPORT_ROWS = int(os.getenv("BENCH_IMPORT_ROWS", "100000"))


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def measure(client, url):
    """(seconds with an empty cache, median seconds with the figures cached, queries, status)."""
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        cold, response = timed(lambda: client.get(url))
    times, queries, status = [], len(ctx.captured_queries), response.status_code
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as ctx:
            elapsed, response = timed(lambda: client.get(url))
        times.append(elapsed)
    return cold, statistics.median(times), queries, status


def import_csv(rows):
    """rows yearly observations of 2031 for the Missions Locales (a year no generator uses)."""
    from reference.models import Domain, Territory

    territories = list(Territory.objects.filter(level="mission_locale").values_list("code", flat=True))
    domains = list(Domain.objects.filter(nomenclature="rome").values_list("code", flat=True))
    lines = ["période;territoire;domaine;étape;femmes;hommes"]
    for i in range(rows):
        territory = territories[i % len(territories)]
        rest = i // len(territories)
        domain = domains[rest % len(domains)]
        month = (rest // len(domains)) // len(STAGE_ORDER)
        stage = STAGE_ORDER[(rest // len(domains)) % len(STAGE_ORDER)]
        period = f"2031-{month:02d}" if month else "2031"
        lines.append(f"{period};{territory};{domain};{stage};{i % 97};{i % 89}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def main():
    call_command("migrate", verbosity=0)
    existing = Observation.objects.count()
    generated = 0
    if existing < TARGET:
        generated_time, generated = timed(lambda: generate_observations(TARGET - existing, seed=1))
        print(f"generated {generated:,} observations in {generated_time:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE indicators_observation")
    total = Observation.objects.count()
    user_model = get_user_model()
    admin, _ = user_model.objects.get_or_create(username="bench-admin", defaults={"is_staff": True})
    member, _ = user_model.objects.get_or_create(username="bench-member")
    rows = []
    settings.DEBUG = True  # query capture
    for who, user in (("admin", admin), ("member", member)):
        client = Client()
        client.force_login(user)
        for url in (
            "/indicators/",
            "/indicators/?territory=53",
            "/indicators/?territory=35&domain=F",
            "/indicators/summary.json",
            "/indicators/summary.json?territory=53&year=2024",
            "/indicators/export.csv",
            "/indicators/observations.csv?territory=35",
        ):
            cold, warm, queries, status = measure(client, url)
            rows.append((who, url, status, queries, cold, warm))
    reset_queries()

    data = import_csv(IMPORT_ROWS)
    first, (_p, plan1, _r) = timed(lambda: import_file(data, file_name="bench.csv"))
    again, (_p, plan2, _r) = timed(lambda: import_file(data, file_name="bench.csv"))
    dry, _ = timed(lambda: import_file(data, file_name="bench.csv", dry_run=True))

    print(
        f"\nIndicators benchmark — {connection.vendor}, {total:,} observations, "
        f"cold = empty cache, cached = median of {REPEAT}\n"
    )
    print(f"{'who':8} {'url':50} {'status':>6} {'queries':>7} {'cold s':>7} {'cached s':>8}")
    for who, url, status, queries, cold, warm in rows:
        print(f"{who:8} {url:50} {status:>6} {queries:>7} {cold:>7.3f} {warm:>8.3f}")
    print(
        f"\nimport of {IMPORT_ROWS:,} rows: first {first:.1f} s ({plan1.added:,} added), "
        f"again {again:.1f} s ({plan2.unchanged:,} unchanged), dry run {dry:.1f} s"
    )
    Observation.objects.filter(year=2031).delete()


if __name__ == "__main__":
    main()

"""Many fictitious observations, fast: the data of the national-scale benchmark.

About 430 Missions Locales (`ML001`…) hang under the départements; most report a
yearly row per domain and stage, one in four reports monthly rows instead, and a few
départements also report rows of their own (so that both SQL rules are exercised).
Years go back from 2025 until `count` rows are made.
"""

import random

from django.db import connection, transaction

from reference.models import STAGE_ORDER, Domain, Territory

from . import rollup
from .models import Observation

MISSIONS_LOCALES = 430
LAST_YEAR = 2025


def ensure_missions_locales(count=MISSIONS_LOCALES):
    """ML001… under the départements, spread evenly; created once."""
    departements = list(Territory.objects.filter(level=Territory.Level.DEPARTEMENT).order_by("code"))
    existing = set(Territory.objects.filter(code__startswith="ML").values_list("code", flat=True))
    new = [
        Territory(
            code=f"ML{i:03d}",
            name=f"Mission Locale fictive {i:03d}",
            level=Territory.Level.MISSION_LOCALE,
            parent=departements[(i - 1) % len(departements)],
        )
        for i in range(1, count + 1)
        if f"ML{i:03d}" not in existing
    ]
    Territory.objects.bulk_create(new, batch_size=500)
    return list(
        Territory.objects.filter(level=Territory.Level.MISSION_LOCALE, code__startswith="ML")
        .order_by("code")
        .values_list("id", flat=True)
    )


def _keys(missions_locales, departements, domains):
    """(year, month, territory_id, domain_id, stage), newest year first, without end."""
    year = LAST_YEAR
    while True:
        for index, territory_id in enumerate(missions_locales):
            months = range(1, 13) if index % 4 == 0 else (0,)
            for month in months:
                for domain_id in domains:
                    for stage in STAGE_ORDER:
                        yield year, month, territory_id, domain_id, stage
        for territory_id in departements:
            for domain_id in domains:
                for stage in STAGE_ORDER:
                    yield year, 0, territory_id, domain_id, stage
        year -= 1


def _rows(count, seed):
    """A generator of new rows; its queries run now, before a COPY takes the connection."""
    rng = random.Random(seed)
    missions_locales = ensure_missions_locales()
    departements = list(
        Territory.objects.filter(level=Territory.Level.DEPARTEMENT).order_by("code").values_list("id", flat=True)
    )[:10]
    domains = list(Domain.objects.filter(nomenclature="rome").order_by("code").values_list("id", flat=True))
    taken = set(Observation.objects.values_list("year", "month", "territory_id", "domain_id", "stage"))

    def rows():
        made = 0
        for key in _keys(missions_locales, departements, domains):
            if made >= count:
                return
            if key in taken:
                continue
            total = rng.randint(0, 120)
            women = rng.randint(0, total)
            yield (*key, women, total - women, rng.randint(0, 3))
            made += 1

    return rows()


COLUMNS = ("year", "month", "territory_id", "domain_id", "stage", "women", "men", "unknown")


def generate_observations(count, *, seed=0):
    """Insert about `count` fictitious observations; COPY on PostgreSQL, bulk_create elsewhere."""
    rows = _rows(count, seed)
    made = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            table = Observation._meta.db_table
            sql = f"COPY {table} ({', '.join(COLUMNS)}, is_fictitious) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row((*row, True))
                    made += 1
        else:
            batch = []
            for row in rows:
                batch.append(Observation(**dict(zip(COLUMNS, row, strict=True)), is_fictitious=True))
                if len(batch) >= 5000:
                    Observation.objects.bulk_create(batch)
                    made += len(batch)
                    batch = []
            Observation.objects.bulk_create(batch)
            made += len(batch)
        rollup.refresh()
    return made

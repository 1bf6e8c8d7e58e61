"""Fictitious indicator data for the demo: Brittany's four départements, 2021–2025.

Every row is marked `is_fictitious`, and the dashboard says so. The figures are made
up to tell the working group's story: more girls train for male-dominated trades year
after year, but their share in employment barely moves — the path leaks between
training and employment.
"""

import random

from django.db import transaction

from reference.models import STAGE_ORDER, Domain, Territory

from . import rollup
from .models import Observation

YEARS = range(2021, 2026)
DEPARTEMENTS = {"22": 0.8, "29": 1.0, "35": 1.3, "56": 0.85}  # relative size
# Young people per département and year at the first stage, and how many go on.
BASE = 900
STAGE_SIZE = {
    "sensibilises": 1.0,
    "accueillis": 0.7,
    "orientes": 0.45,
    "formation": 0.3,
    "alternance": 0.18,
    "emploi": 0.15,
}
# Domain weight and starting share of women (ROME grands domaines).
DOMAINS = {
    "A": (0.7, 0.25),
    "B": (0.15, 0.55),
    "C": (0.3, 0.6),
    "D": (1.2, 0.55),
    "E": (0.25, 0.5),
    "F": (1.1, 0.06),
    "G": (1.0, 0.5),
    "H": (0.9, 0.2),
    "I": (0.8, 0.07),
    "J": (0.9, 0.85),
    "K": (1.2, 0.8),
    "L": (0.05, 0.45),
    "M": (0.9, 0.65),
    "N": (0.9, 0.15),
}
MALE_DOMINATED = {"A", "F", "H", "I", "N"}


def _share(code, stage, year):
    """The made-up share of women: rising in training for male-dominated domains, not in jobs."""
    _weight, share = DOMAINS[code]
    years_in = year - YEARS.start
    if code in MALE_DOMINATED:
        if stage in ("sensibilises", "accueillis", "orientes"):
            return share + 0.025 * years_in
        if stage in ("formation", "alternance"):
            return share + 0.03 * years_in
        return share * 0.6 + 0.003 * years_in  # employment: the leak
    return share


def demo_observations(seed=2024):
    rng = random.Random(seed)
    territories = dict(Territory.objects.filter(code__in=DEPARTEMENTS).values_list("code", "id"))
    domains = dict(Domain.objects.filter(nomenclature="rome").values_list("code", "id"))
    for year in YEARS:
        for dep, size in DEPARTEMENTS.items():
            for code, (weight, _share0) in DOMAINS.items():
                for stage in STAGE_ORDER:
                    total = BASE * size * weight * STAGE_SIZE[stage] * (1 + 0.03 * (year - YEARS.start))
                    total = max(0, round(total * rng.uniform(0.9, 1.1)))
                    women = round(total * min(0.95, max(0.0, _share(code, stage, year))))
                    yield Observation(
                        year=year,
                        month=0,
                        territory_id=territories[dep],
                        domain_id=domains[code],
                        stage=stage,
                        women=women,
                        men=total - women,
                        unknown=round(total * 0.02),
                        is_fictitious=True,
                    )


@transaction.atomic
def seed_demo_indicators():
    """Create or refresh the demo rows; real (imported) rows are never touched. Idempotent."""
    territories = Territory.objects.filter(code__in=DEPARTEMENTS)
    Observation.objects.filter(is_fictitious=True, territory__in=territories, year__in=YEARS).delete()
    rows = Observation.objects.bulk_create(demo_observations(), batch_size=1000, ignore_conflicts=True)
    rollup.refresh(YEARS)
    return len(rows)

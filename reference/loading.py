"""The reference nomenclatures (ROME, FAP-2009, territories) shipped in reference/data/."""

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def _rows(name):
    with open(DATA_DIR / name, encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


def load_reference_data(Territory, Domain):
    """Create or update the reference rows; idempotent. Takes the model classes so
    that a data migration can pass its historical models."""
    for row in _rows("rome_grands_domaines.csv"):
        Domain.objects.update_or_create(nomenclature="rome", code=row["code"], defaults={"label": row["libelle"]})
    for row in _rows("fap2009_familles.csv"):
        Domain.objects.update_or_create(
            nomenclature="fap2009",
            code=row["code"],
            defaults={
                "label": row["libelle"],
                "family_code": row["domaine"],
                "family_label": row["domaine_libelle"],
            },
        )
    by_code = {}
    for row in _rows("territoires.csv"):
        territory, _ = Territory.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["libelle"],
                "level": row["niveau"],
                "parent": by_code.get(row["parent"]),
            },
        )
        by_code[territory.code] = territory

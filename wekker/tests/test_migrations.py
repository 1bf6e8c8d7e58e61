"""Territories and domains moved from `indicators` to `reference` without losing a row."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from groups.models import WorkingGroup
from indicators.models import Observation
from reference.models import Domain, Territory
from stakeholders.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)

# The last migrations before the move, in each app that refers to territories or domains.
BEFORE_THE_MOVE = [
    ("indicators", "0002_reference_data"),
    ("stakeholders", "0001_initial"),
    ("groups", "0001_initial"),
]


def _populate(apps):
    """Rows of every kind that points at a territory or a domain, made with the old models."""
    OldTerritory = apps.get_model("indicators", "Territory")
    OldDomain = apps.get_model("indicators", "Domain")
    rennes = OldTerritory.objects.create(
        code="ML-RENNES",
        name="Mission Locale du bassin de Rennes",
        level="mission_locale",
        parent=OldTerritory.objects.get(code="35"),
    )
    building = OldDomain.objects.get(nomenclature="rome", code="F")
    organisation = apps.get_model("stakeholders", "Organisation").objects.create(
        name="Chambre de métiers", sector=building, territory=rennes
    )
    group = apps.get_model("groups", "WorkingGroup").objects.create(
        name="Bâtiment au féminin", slug="batiment", theme="Mixité", territory=rennes
    )
    observation = apps.get_model("indicators", "Observation").objects.create(
        year=2025, territory=rennes, domain=building, stage="formation", women=12, men=80
    )
    return {
        "territory": rennes.pk,
        "domain": building.pk,
        "organisation": organisation.pk,
        "group": group.pk,
        "observation": observation.pk,
    }


def test_it_moves_territories_and_domains_with_their_ids_and_references():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE_THE_MOVE)
    ids = _populate(executor.loader.project_state(BEFORE_THE_MOVE).apps)

    MigrationExecutor(connection).migrate(latest)

    rennes = Territory.objects.get(pk=ids["territory"])
    assert (rennes.code, rennes.parent.code) == ("ML-RENNES", "35")
    assert Domain.objects.get(pk=ids["domain"]).code == "F"
    organisation = Organisation.objects.get(pk=ids["organisation"])
    assert (organisation.sector_id, organisation.territory_id) == (ids["domain"], ids["territory"])
    assert WorkingGroup.objects.get(pk=ids["group"]).territory_id == ids["territory"]
    observation = Observation.objects.get(pk=ids["observation"])
    assert (observation.territory_id, observation.domain_id, observation.women) == (ids["territory"], ids["domain"], 12)
    # The reference data loaded before the move is all still there, under the new app.
    assert Territory.objects.filter(code="FR").exists() and Domain.objects.filter(nomenclature="fap2009").count() == 87


def test_it_refuses_to_orphan_a_territory_after_the_move():
    """The foreign keys still hold in the database, not only in Django's state."""
    from django.db import IntegrityError, transaction
    from django.db.models import ProtectedError

    territory = Territory.objects.create(code="ML-TEST", name="Test", level="mission_locale")
    Organisation.objects.create(name="Org", territory=territory)
    with pytest.raises(ProtectedError):
        territory.delete()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Territory._meta.db_table} WHERE id = %s", [territory.pk])  # noqa: S608 – a model's table
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_key_check")
            if cursor.fetchall():
                raise IntegrityError("foreign key check failed")

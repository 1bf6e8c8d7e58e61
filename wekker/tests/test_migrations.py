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


@pytest.mark.parametrize("reference_type_made_early", [False, True])
def test_it_carries_the_permissions_over(django_user_model, reference_type_made_early):
    """A permission on territories held before the move still holds after it — also when a
    `migrate reference` run had already made the new content type."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE_THE_MOVE)
    ContentType.objects.filter(app_label="reference").delete()
    old_type, _ = ContentType.objects.get_or_create(app_label="indicators", model="territory")
    old_permission, _ = Permission.objects.get_or_create(
        content_type=old_type, codename="change_territory", defaults={"name": "Can change territory"}
    )
    editor = django_user_model.objects.create(username="editor")
    editor.user_permissions.add(old_permission)
    if reference_type_made_early:
        new_type = ContentType.objects.create(app_label="reference", model="territory")
        Permission.objects.create(content_type=new_type, codename="change_territory", name="Can change territory")

    MigrationExecutor(connection).migrate(latest)

    editor = django_user_model.objects.get(pk=editor.pk)
    assert editor.has_perm("reference.change_territory")
    assert not ContentType.objects.filter(app_label="indicators", model="territory").exists()

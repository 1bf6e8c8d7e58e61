"""The indicators admin as an administrator reads it."""

import pytest
from django.urls import reverse

from conftest import header_cells

pytestmark = pytest.mark.django_db


def test_it_lists_observations_by_codes_with_names_on_hover(client, admin_user):
    from indicators.models import Observation
    from reference.models import Domain, Territory

    territory, domain = Territory.objects.order_by("pk").first(), Domain.objects.order_by("pk").first()
    if territory is None or domain is None:
        territory = Territory.objects.create(code="35", name="Ille-et-Vilaine", level="departement")
        domain = Domain.objects.create(nomenclature="rome", code="F", label="Construction, bâtiment et travaux publics")
    Observation.objects.create(year=2024, territory=territory, domain=domain, stage="emploi", women=3, men=98)
    client.force_login(admin_user)
    html = client.get(reverse("admin:indicators_observation_changelist")).content.decode()
    headers = header_cells(html)
    assert len(headers) == 8 and headers[2:4] == ["Territoire", "Domaine"]
    assert f'title="{territory.name}"' in html.replace("&#x27;", "'")
    assert f">{domain.code}</span>" in html

"""The partner directory as a spreadsheet: coordinators and admins, the page's filters, formula-safe."""

import io

import openpyxl
import pytest

from conftest import COORDINATORS, ROLES, check
from groups.tests.factories import MembershipFactory
from stakeholders.models import Organisation
from stakeholders.tests.factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def rows_of(response):
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    return sheet, [[c.value for c in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("role", ROLES)
def test_it_exports_the_directory_to_coordinators_and_admins(client, as_role, cast, role):
    check(client, as_role, role, "/partners/export.xlsx", COORDINATORS)


def test_it_exports_the_contacts_with_the_pages_filters(client, coordinatrice, mixite):
    region = OrganisationFactory(name="Région Bretagne", kind=Organisation.Kind.COLLECTIVITE)
    chamber = OrganisationFactory(name="CCI", kind=Organisation.Kind.CHAMBRE)
    anne = ContactFactory(
        organisation=region, last_name="=cmd|' /C calc'!A0", first_name="Anne", email="a@x.fr", phone="+33 2 99"
    )
    MembershipFactory(group=mixite, contact=anne)
    ContactFactory(organisation=chamber, last_name="Bihan", first_name="Paul")
    ContactFactory(organisation=chamber, last_name="Archivé", is_archived=True)
    client.force_login(coordinatrice)
    sheet, rows = rows_of(client.get("/partners/export.xlsx"))
    assert rows[0] == [
        "Nom",
        "Prénom",
        "Organisation",
        "Type d’organisation",
        "Fonction",
        "Courriel",
        "Téléphone",
        "Territoire",
        "Groupes",
        "Rôle modèle",
        "Archivé",
        "Mis à jour",
    ]
    names = [r[0] for r in rows[1:]]
    assert "Archivé" not in names and "Bihan" in names and "=cmd|' /C calc'!A0" in names
    row = next(r for r in rows[1:] if r[1] == "Anne")
    assert row[2:9] == ["Région Bretagne", "Collectivité", row[4], "a@x.fr", "+33 2 99", row[7], "Mixité des métiers"]
    index = rows.index(row) + 1
    assert sheet[f"A{index}"].data_type == "s" and sheet[f"G{index}"].data_type == "s" and sheet[f"L{index}"].is_date
    _, rows = rows_of(client.get("/partners/export.xlsx", {"kind": "chambre"}))
    assert [r[0] for r in rows[1:]] == ["Bihan"]
    _, rows = rows_of(client.get("/partners/export.xlsx", {"group": mixite.pk}))
    assert {r[1] for r in rows[1:]} == {"Anne", "Claire"}
    _, rows = rows_of(client.get("/partners/export.xlsx", {"archived": "yes"}))
    assert [r[0] for r in rows[1:]] == ["Archivé"]


def test_it_exports_the_directory_in_constant_queries(client, coordinatrice, mixite, django_assert_num_queries):
    for _ in range(20):
        MembershipFactory(group=mixite, contact=ContactFactory())
    client.force_login(coordinatrice)
    # session, user, memberships (roles), contacts with organisation and territory, their current memberships
    with django_assert_num_queries(5):
        assert len(rows_of(client.get("/partners/export.xlsx"))[1]) == 22


def test_it_offers_the_download_on_the_directory_page(client, coordinatrice):
    ContactFactory(last_name="Bihan")
    client.force_login(coordinatrice)
    html = client.get("/partners/", {"q": "Bihan"}).content.decode()
    assert 'href="/partners/export.xlsx?q=Bihan"' in html

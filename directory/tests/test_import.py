"""Contact import: CSV or .xlsx, matched on e-mail, all or nothing, with a dry run and a French report."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import COORDINATORS, ROLES, check, text_of
from directory import contact_file, importing
from groups.access import Roles
from groups.tests.factories import MembershipFactory
from stakeholders.models import Contact, Organisation
from stakeholders.tests.factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

URL = "/partners/contacts/import/"
HEADER = ["Nom", "Prénom", "Organisation", "Fonction", "E-mail", "Téléphone"]


def csv_file(rows, header=HEADER, name="contacts.csv", encoding="utf-8", sep=";"):
    text = "\n".join(sep.join(row) for row in [header, *rows]) + "\n"
    return SimpleUploadedFile(name, text.encode(encoding))


def xlsx_file(rows, header=HEADER, name="contacts.xlsx"):
    book = openpyxl.Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def people(count, start=0):
    return [
        [f"Nom{n}", f"Prénom{n}", f"Organisme {n % 7}", "Chargé·e de mission", f"p{n}@example.org", "02 99 00 00 00"]
        for n in range(start, start + count)
    ]


def post(client, upload, dry_run=False):
    return client.post(URL, {"file": upload, **({"dry_run": "1"} if dry_run else {})}, follow=True)


def snapshot():
    return sorted(
        Contact.objects.values_list(
            "pk", "last_name", "first_name", "organisation_id", "job_title", "email", "phone", "updated_at"
        )
    )


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_coordinators_and_admins_import(client, as_role, cast, role):
    check(client, as_role, role, URL, COORDINATORS)


def test_it_imports_a_200_row_spreadsheet_and_changes_nothing_the_second_time(client, coordinatrice):
    client.force_login(coordinatrice)
    rows = people(200)
    page = text_of(post(client, xlsx_file(rows)))
    assert "Import terminé : 200 contacts créés, 0 modifié, 0 inchangé." in page
    assert Contact.objects.filter(user=None).count() == 200
    assert Organisation.objects.filter(name__startswith="Organisme ").count() == 7
    before = snapshot()
    page = text_of(post(client, xlsx_file(rows)))
    assert "Import terminé : 0 contact créé, 0 modifié, 200 inchangés." in page
    assert snapshot() == before


def test_it_matches_on_email_and_updates_without_duplicating(client, coordinatrice):
    region = OrganisationFactory(name="Région Bretagne")
    known = ContactFactory(
        email="Anne.Roux@Example.org",
        last_name="Roux",
        first_name="Anne",
        organisation=region,
        job_title="Cheffe",
        phone="01",
    )
    client.force_login(coordinatrice)
    rows = [["Roux-Le Du", "Anne", "  région   bretagne ", "", "anne.roux@example.org", "02 99 12 34 56"]]
    page = text_of(post(client, csv_file(rows), dry_run=True))
    assert "Simulation : rien n’a été enregistré" in page
    assert "0 contact à créer, 1 à modifier, 0 inchangé." in page
    assert "nom : « Roux » → « Roux-Le Du »" in page and "téléphone : « 01 » → « 02 99 12 34 56 »" in page
    known.refresh_from_db()
    assert known.last_name == "Roux"
    post(client, csv_file(rows))
    known.refresh_from_db()
    assert (known.last_name, known.phone, known.job_title, known.organisation) == (
        "Roux-Le Du",
        "02 99 12 34 56",
        "Cheffe",
        region,
    )
    assert Contact.objects.filter(email__iexact="anne.roux@example.org").count() == 1
    assert Organisation.objects.count() == 1 + Organisation.objects.exclude(pk=region.pk).count()


def test_it_imports_nothing_when_one_email_is_bad(client, coordinatrice):
    client.force_login(coordinatrice)
    rows = people(5)
    rows[3][4] = "pas-une-adresse"
    before = snapshot()
    response = post(client, csv_file(rows))
    assert response.status_code == 400
    page = text_of(response)
    assert "Rien n’a été importé" in page
    assert "Ligne 5 : « pas-une-adresse » n’est pas une adresse électronique valide" in page
    assert snapshot() == before and not Organisation.objects.filter(name__startswith="Organisme").exists()


def test_it_reports_every_bad_row_in_french(client, coordinatrice):
    client.force_login(coordinatrice)
    rows = [
        ["", "Sans nom", "Org", "", "a@example.org", ""],
        ["Double", "A", "Org", "", "a@example.org", ""],
        ["Long", "B", "O" * 201, "", "b@example.org", ""],
        ["Vide", "C", "Org", "", "", ""],
    ]
    page = text_of(post(client, csv_file(rows)))
    assert "Ligne 2 : le champ « nom » est vide" in page
    assert "Ligne 3 : l’adresse a@example.org figure déjà ligne 2" in page
    assert "Ligne 4 : le champ « organisation » dépasse 200 caractères" in page
    assert "Ligne 5 : le champ « courriel » est vide" in page
    assert not Contact.objects.filter(user=None).exists()


def test_it_refuses_to_change_another_groups_contact(client, coordinatrice, other_coordinator, seniors):
    theirs = ContactFactory(email="theirs@example.org", last_name="Autre")
    MembershipFactory(group=seniors, contact=theirs)
    client.force_login(coordinatrice)
    page = text_of(post(client, csv_file([["Pirate", "X", "Org", "", "theirs@example.org", ""], *people(2)])))
    assert "Ligne 2 : vous ne pouvez pas modifier" in page and "rien" in page.lower()
    theirs.refresh_from_db()
    assert theirs.last_name == "Autre" and Contact.objects.count() == 3  # the two coordinators and theirs


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "Choisissez un fichier .csv ou .xlsx."),
        (SimpleUploadedFile("faux.xlsx", b"MZ\x90\x00"), "Ce fichier n’est pas un tableur .xlsx lisible."),
        (SimpleUploadedFile("vide.csv", b""), "Le fichier soumis est vide."),
        (SimpleUploadedFile("blanc.csv", b"\n\n"), "Le fichier est vide."),
        (SimpleUploadedFile("binaire.csv", b"a\x00b"), "Ce fichier n’est pas un fichier CSV."),
    ],
)
def test_it_refuses_a_file_it_cannot_read(client, coordinatrice, upload, message):
    client.force_login(coordinatrice)
    response = post(client, upload)
    assert response.status_code == 400 and not Contact.objects.filter(user=None).exists()
    assert message in text_of(response)


def test_it_names_the_missing_columns(client, coordinatrice):
    client.force_login(coordinatrice)
    page = text_of(post(client, csv_file([["a", "b"]], header=["Nom", "Téléphone"])))
    assert "Colonnes absentes de la première ligne : prénom, organisation, courriel." in page


def test_it_reads_windows_1252_with_commas_and_english_headers(client, coordinatrice):
    header = ["Last name", "First name", "Organization", "Job title", "Email", "Phone"]
    rows = [["Hélie", "Gaëlle", "Chambre d’agriculture", "Conseillère", "gaelle@example.org", ""]]
    client.force_login(coordinatrice)
    post(client, csv_file(rows, header=header, encoding="cp1252", sep=","))
    contact = Contact.objects.get(email="gaelle@example.org")
    assert (contact.last_name, contact.first_name, contact.organisation.name) == (
        "Hélie",
        "Gaëlle",
        "Chambre d’agriculture",
    )


def test_it_keeps_hostile_cells_as_plain_text(client, coordinatrice):
    rows = [["<script>alert(1)</script>", "=cmd|' /C calc'!A0", "Org\x07", "", "x@example.org", ""]]
    client.force_login(coordinatrice)
    page = client.post(URL, {"file": csv_file(rows), "dry_run": "1"}).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    post(client, csv_file(rows))
    contact = Contact.objects.get(email="x@example.org")
    assert contact.first_name == "=cmd|' /C calc'!A0" and contact.organisation.name == "Org"


def test_it_writes_nothing_on_a_dry_run(client, coordinatrice):
    client.force_login(coordinatrice)
    before = snapshot()
    page = text_of(post(client, xlsx_file(people(3)), dry_run=True))
    assert "3 contacts à créer" in page and "3 nouvelles organisations" in page
    assert snapshot() == before and not Organisation.objects.filter(name__startswith="Organisme").exists()


def test_it_plans_in_constant_queries(coordinatrice, django_assert_max_num_queries):
    records = contact_file.read(xlsx_file(people(300)))
    roles = Roles(coordinatrice)
    # roles, contacts by e-mail, organisations by name
    with django_assert_max_num_queries(3):
        plan = importing.plan(records, roles)
    assert len(plan.create) == 300

"""Importing a 200-row contact spreadsheet in a real browser, twice: the second run changes nothing."""

import os
from pathlib import Path

import pytest

from stakeholders.models import Contact, Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.getenv("WEKKER_SCREENSHOTS", "/tmp/wekker-screenshots/office"))


def test_it_imports_a_spreadsheet_twice_without_duplicates(page, browser_login, axe, tmp_path, coordinatrice):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Nom", "Prénom", "Organisation", "Fonction", "Courriel", "Téléphone"])
    for n in range(200):
        book.active.append([f"Nom{n}", f"Prénom{n}", f"Organisme {n % 9}", "Conseiller", f"p{n}@example.org", ""])
    path = tmp_path / "partenaires.xlsx"
    book.save(path)
    browser_login(page, coordinatrice)
    page.goto("/partners/")
    page.get_by_role("link", name="Importer des contacts").click()
    axe(page)
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Simuler (sans rien enregistrer)").click()
    page.get_by_text("200 contacts à créer, 0 à modifier, 0 inchangé, 9 nouvelles organisations.").wait_for()
    page.get_by_text("Pour l’importer, choisissez à nouveau le même fichier").wait_for()
    axe(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "06-import-dry-run.png"), full_page=False)
    assert Contact.objects.filter(user=None).count() == 0
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Importer", exact=True).click()
    page.get_by_text("Import terminé : 200 contacts créés, 0 modifié, 0 inchangé.").wait_for()
    before = sorted(Contact.objects.values_list("pk", "last_name", "organisation_id", "updated_at"))
    page.goto("/partners/contacts/import/")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Importer", exact=True).click()
    page.get_by_text("Import terminé : 0 contact créé, 0 modifié, 200 inchangés.").wait_for()
    assert sorted(Contact.objects.values_list("pk", "last_name", "organisation_id", "updated_at")) == before
    assert Organisation.objects.filter(name__startswith="Organisme").count() == 9

"""The coordinator's office in a real browser: documents, a group message, the exports, the sign-in sheet."""

import datetime as dt
import email
import email.policy
import io
import os
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from conftest import meeting_of, record
from groups.tests.factories import MembershipFactory
from meetings.models import Attendance, Document
from meetings.notices import dispatch
from meetings.tests.factories import PDF_BYTES, ActionFactory
from stakeholders.tests.factories import ContactFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.getenv("WEKKER_SCREENSHOTS", "/tmp/wekker-screenshots/office"))


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def download(page, click):
    """Click what starts a download; the downloaded file's path."""
    with page.expect_download() as info:
        click()
    return Path(info.value.path())


def switch(page, browser_login, user):
    page.context.clear_cookies()
    browser_login(page, user)


def test_it_shares_a_pdf_with_the_group_only(
    page, browser_login, axe, tmp_path, coordinatrice, membre, outsider, mixite
):
    meeting = meeting_of(mixite, title="Réunion de printemps")
    slides = tmp_path / "Diaporama forum.pdf"
    slides.write_bytes(PDF_BYTES)
    browser_login(page, coordinatrice)
    page.goto(meeting.get_absolute_url())
    page.get_by_role("link", name="Ajouter ou supprimer des documents").click()
    axe(page)
    page.set_input_files("#id_file", str(slides))
    page.get_by_role("button", name="Ajouter", exact=True).click()
    page.get_by_text("« Diaporama forum.pdf » a été ajouté.").wait_for()
    shot(page, "01-documents")
    doc = Document.objects.get()

    switch(page, browser_login, membre)
    page.goto(meeting.get_absolute_url())
    axe(page)
    shot(page, "02-meeting-with-documents")
    path = download(page, lambda: page.get_by_role("link", name="Diaporama forum.pdf").click())
    assert path.read_bytes() == PDF_BYTES

    switch(page, browser_login, outsider)
    assert page.goto(doc.get_absolute_url()).status == 404


def test_it_refuses_a_program_renamed_pdf_in_the_browser(page, browser_login, tmp_path, coordinatrice, mixite):
    meeting = meeting_of(mixite)
    fake = tmp_path / "programme.pdf"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 100)
    browser_login(page, coordinatrice)
    page.goto(f"/meetings/{meeting.pk}/documents/")
    page.set_input_files("#id_file", str(fake))
    page.get_by_role("button", name="Ajouter", exact=True).click()
    page.get_by_text("« programme.pdf » a été refusé").wait_for()
    assert not Document.objects.exists()


def test_it_writes_to_the_group_one_mail_per_current_member(
    page, browser_login, axe, settings, tmp_path, nudges, coordinatrice, membre, mixite
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    colleague = ContactFactory(email="gwen@example.org")
    MembershipFactory(group=mixite, contact=colleague)
    MembershipFactory(group=mixite, contact=ContactFactory(email="parti@example.org"), left=dt.date(2020, 1, 1))
    browser_login(page, coordinatrice)
    page.goto("/groups/mixite/")
    page.get_by_role("link", name="Écrire au groupe").first.click()
    axe(page)
    page.fill("#id_subject", "Semaine de la mixité : volontaires")
    page.fill("#id_body", "Bonjour,\n\n- **lundi** : forum des métiers\n- mardi : visites")
    page.get_by_role("button", name="Aperçu").click()
    page.locator("strong", has_text="lundi").first.wait_for()
    page.get_by_role("button", name="Envoyer").click()
    page.get_by_text("Le message part vers 3 membres.").wait_for()
    page.get_by_text("Semaine de la mixité : volontaires").wait_for()
    axe(page)
    shot(page, "03-group-page-with-message")
    dispatch.dispatch_due()
    mails = [
        email.message_from_string(text.strip(), policy=email.policy.default)
        for path in (tmp_path / "mail").iterdir()
        for text in path.read_text().split("-" * 79)
        if "Subject:" in text
    ]
    assert sorted(str(m["To"]) for m in mails) == sorted([coordinatrice.email, membre.email, "gwen@example.org"])
    assert {str(m["Subject"]).strip() for m in mails} == {"[Mixité des métiers] Semaine de la mixité : volontaires"}


def sheet_from(path):
    return openpyxl.load_workbook(io.BytesIO(path.read_bytes())).active


def test_it_downloads_the_spreadsheets(page, browser_login, coordinatrice, membre, mixite):
    meeting = meeting_of(mixite, days=-7, title="Réunion de rentrée")
    record(meeting, membre.contact, presence=Attendance.Presence.PRESENT, answer=Attendance.Answer.YES)
    ActionFactory(group=mixite, owner=membre.contact, title="=SOMME(A1:A9)", due_date=dt.date(2027, 3, 1))
    membre.contact.last_name = "@Morvan"
    membre.contact.save()
    browser_login(page, coordinatrice)

    page.goto("/actions/")
    sheet = sheet_from(download(page, lambda: page.get_by_role("link", name="Télécharger ces actions (.xlsx)").click()))
    assert [c.value for c in sheet[1]][:5] == ["Action", "Groupe", "Type", "Levier", "Statut"]
    assert sheet["A2"].value == "=SOMME(A1:A9)" and sheet["A2"].data_type == "s"
    assert sheet["H2"].is_date and sheet["H2"].value.date() == dt.date(2027, 3, 1)

    page.goto("/groups/mixite/attendance/")
    shot(page, "04-attendance-report")
    path = download(
        page, lambda: page.get_by_role("link", name="Télécharger les registres de ces réunions (.xlsx)").click()
    )
    sheet = sheet_from(path)
    assert [c.value for c in sheet[1]][:4] == ["Date de la réunion", "Réunion", "Organisation", "Nom"]
    morvan = next(row for row in sheet.iter_rows(min_row=2) if row[3].value == "@Morvan")
    assert morvan[3].data_type == "s" and morvan[0].is_date and morvan[6].value == "Présent·e"

    page.goto("/partners/?q=Morvan")
    sheet = sheet_from(
        download(page, lambda: page.get_by_role("link", name="Télécharger ces contacts (.xlsx)").click())
    )
    assert [c.value for c in sheet[1]][:3] == ["Nom", "Prénom", "Organisation"]
    assert sheet["A2"].value == "@Morvan" and sheet["A2"].data_type == "s" and sheet["L2"].is_date


def test_it_prints_the_sign_in_sheet_with_the_invited_names(page, browser_login, coordinatrice, membre, mixite):
    meeting = meeting_of(mixite, title="Réunion de printemps")
    browser_login(page, coordinatrice)
    page.goto(meeting.get_absolute_url())
    shot(page, "05-meeting-coordinator")
    path = download(page, lambda: page.get_by_role("link", name="Feuille d’émargement (PDF)").click())
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)
    assert "Feuille d’émargement – Réunion de printemps" in text
    assert "MORVAN Yann" in text and "LE GALL Claire" in text
    page.goto(f"/meetings/{meeting.pk}/attendance/")
    path = download(page, lambda: page.get_by_role("link", name="Feuille d’émargement (PDF)").click())
    assert path.read_bytes().startswith(b"%PDF-")

"""The sign-in sheet: a PDF of the invited people, for the group's coordinators, readable as text."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from conftest import COORDINATORS_OF_MIXITE, ROLES, check, event_of, meeting_of, members
from meetings.attendance.services import invite_guest, invited
from meetings.attendance.sign_in import sign_in_pdf
from stakeholders.tests.factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def pdf_text(body):
    reader = PdfReader(io.BytesIO(body))
    return reader, [page.extract_text() for page in reader.pages]


@pytest.fixture
def meeting(mixite, coordinatrice, membre):
    return meeting_of(mixite, title="Réunion de printemps", place="Maison de l'emploi, Rennes")


@pytest.mark.parametrize("role", ROLES)
def test_it_gives_the_sheet_to_the_coordinators_only(client, as_role, meeting, role):
    check(client, as_role, role, f"/meetings/{meeting.pk}/sign-in.pdf", COORDINATORS_OF_MIXITE)


def test_it_lists_the_invited_people_by_organisation(client, coordinatrice, membre, meeting):
    invite_guest(
        meeting,
        ContactFactory(first_name="Gwen", last_name="Invitée", organisation=OrganisationFactory(name="AAA Formation")),
    )
    client.force_login(coordinatrice)
    response = client.get(f"/meetings/{meeting.pk}/sign-in.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="emargement-mixite-')
    reader, pages = pdf_text(response.content)
    text = " ".join(" ".join(p.split()) for p in pages)
    assert len(pages) == 1 and reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)
    assert "Feuille d’émargement – Réunion de printemps" in text
    assert "Groupe : Mixité des métiers" in text and "Lieu : Maison de l'emploi, Rennes" in text
    assert "Nom Organisation Signature" in text
    for name in ("INVITÉE Gwen", "MORVAN Yann", "LE GALL Claire"):
        assert name in text
    # Sorted by organisation: the guest's "AAA Formation" first.
    assert text.index("INVITÉE Gwen") < text.index("MORVAN Yann")


def test_it_repeats_the_header_on_every_page(meeting, mixite):
    members(mixite, 40)
    _reader, pages = pdf_text(sign_in_pdf(meeting, invited(meeting)))
    assert len(pages) >= 3
    for page in pages:
        flat = " ".join(page.split())
        assert "Feuille d’émargement – Réunion de printemps" in flat and "Nom Organisation Signature" in flat
    assert "Page 3" in pages[2]


def test_it_gives_an_event_of_several_days_one_box_a_day(mixite, coordinatrice):
    event = event_of(mixite, dt.date(2027, 3, 8), dt.date(2027, 3, 12))
    _reader, pages = pdf_text(sign_in_pdf(event, invited(event)))
    flat = " ".join(pages[0].split())
    assert "du lundi 8 à 9h00 au vendredi 12 mars 2027 à 17h00" in flat
    assert "lun 8/03" in flat and "ven 12/03" in flat


def test_it_prints_hostile_names_as_text(meeting, mixite):
    members(mixite, 1, organisation=OrganisationFactory(name="<b>Org</b> & Cie"))
    contact = mixite.memberships.last().contact
    contact.last_name = "<script>x</script>"
    contact.save()
    _reader, pages = pdf_text(sign_in_pdf(meeting, invited(meeting)))
    assert "<SCRIPT>X</SCRIPT>" in pages[0] and "<b>Org</b> & Cie" in pages[0]


def test_it_offers_the_sheet_on_the_meeting_and_register_pages(client, coordinatrice, membre, meeting):
    client.force_login(coordinatrice)
    link = f'href="/meetings/{meeting.pk}/sign-in.pdf"'
    assert link in client.get(meeting.get_absolute_url()).content.decode()
    assert link in client.get(f"/meetings/{meeting.pk}/attendance/").content.decode()
    client.force_login(membre)
    assert link not in client.get(meeting.get_absolute_url()).content.decode()

"""The admin of documents, group messages and the spreadsheet exports of actions and attendance."""

import io

import openpyxl
import pytest
from django.core.files.storage import default_storage

from conftest import header_cells, meeting_of, record, text_of
from meetings.messages import services as message_services
from meetings.models import Action, Attendance, Document
from meetings.tests.factories import ActionFactory, DocumentFactory

pytestmark = pytest.mark.django_db


def sheet_of(response):
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def test_it_lists_documents_and_deletes_them_on_record(client, admin_user, mixite, django_capture_on_commit_callbacks):
    meeting = meeting_of(mixite)
    doc = DocumentFactory(meeting=meeting, name="diaporama.pdf")
    client.force_login(admin_user)
    page = client.get("/admin/meetings/document/")
    assert "diaporama.pdf" in text_of(page)
    headers = " ".join(header_cells(page.content.decode()))
    assert all(name in headers for name in ("Réunion", "Joint à", "Taille", "Ajouté par", "Supprimé le"))
    change = client.get(f"/admin/meetings/document/{doc.pk}/change/").content.decode()
    assert f'href="/meetings/{meeting.pk}/documents/{doc.pk}/"' in change
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/meetings/document/", {"action": "delete_recorded", "_selected_action": [doc.pk]}, follow=True
        )
    assert "1 document supprimé." in text_of(response)
    doc.refresh_from_db()
    assert doc.deleted_by == admin_user and not default_storage.exists(doc.file.name)
    assert client.post(f"/admin/meetings/document/{doc.pk}/delete/").status_code == 403


def test_it_lists_group_messages_with_their_deliveries(client, admin_user, coordinatrice, membre, mixite, nudges):
    message = message_services.send_message(mixite, subject="Point d’étape", body="Texte", by=coordinatrice)
    client.force_login(admin_user)
    page = client.get("/admin/meetings/groupmessage/")
    assert "Point d’étape" in text_of(page)
    # No selection column: nothing to do to a sent message but read it.
    assert header_cells(page.content.decode()) == [
        "Groupe",
        "Envoyé par",
        "Envoyé le",
        "Destinataires",
        "Envoyés",
        "En échec",
    ]
    assert client.get(f"/admin/meetings/groupmessage/{message.pk}/change/").status_code == 200
    deliveries = text_of(client.get("/admin/meetings/delivery/"))
    assert "Message au groupe" in deliveries and "Point d’étape" in deliveries


def test_it_exports_the_selected_actions(client, admin_user, membre, mixite):
    first = ActionFactory(group=mixite, owner=membre.contact, title="@Tourner des vidéos")
    ActionFactory(group=mixite, owner=membre.contact, title="Autre")
    client.force_login(admin_user)
    response = client.post("/admin/meetings/action/", {"action": "export_actions", "_selected_action": [first.pk]})
    sheet = sheet_of(response)
    assert sheet["A1"].value == "Action" and sheet["B1"].value == "Groupe"
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["@Tourner des vidéos"]
    assert sheet["A2"].data_type == "s"
    assert Action.objects.count() == 2


def test_it_exports_the_selected_attendance(client, admin_user, membre, mixite):
    meeting = meeting_of(mixite, days=-2, title="Réunion passée")
    row = record(meeting, membre.contact, presence=Attendance.Presence.PRESENT)
    client.force_login(admin_user)
    response = client.post("/admin/meetings/attendance/", {"action": "export_attendance", "_selected_action": [row.pk]})
    sheet = sheet_of(response)
    assert sheet["A1"].value == "Date de la réunion"
    assert [c.value for c in sheet[2]][1:7] == [
        "Réunion passée",
        membre.contact.organisation.name,
        "Morvan",
        "Yann",
        "Pas encore de réponse",
        "Présent·e",
    ]
    assert sheet["A2"].is_date


def test_it_adds_no_document_by_hand(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/meetings/document/add/").status_code == 403
    assert not Document.objects.exists()

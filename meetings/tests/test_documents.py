"""A meeting's documents: uploaded by its coordinators, checked by content, served only to its group."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import COORDINATORS_OF_MIXITE, MEMBERS_OF_MIXITE, ROLES, check, meeting_of, posted, text_of
from meetings.calendar.ics import meeting_description
from meetings.documents import services
from meetings.minutes import services as minutes_services
from meetings.models import Delivery, Document, Meeting
from meetings.notices import dispatch
from meetings.notices import mail as notice_mail
from meetings.tests.factories import PDF_BYTES, DocumentFactory

pytestmark = pytest.mark.django_db

EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 200
    + b"This program cannot be run in DOS mode"
)


@pytest.fixture
def meeting(mixite, coordinatrice, membre):
    return meeting_of(mixite)


def upload(client, meeting, name, content, part="meeting"):
    return client.post(
        f"/meetings/{meeting.pk}/documents/", {"file": SimpleUploadedFile(name, content), "part": part}, follow=True
    )


def stored_files():
    try:
        return default_storage.listdir("documents")[1]
    except FileNotFoundError:
        return []


def xlsx_bytes():
    book = openpyxl.Workbook()
    book.active["A1"] = "Budget"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def odt_bytes():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_the_coordinators_manage_documents(client, as_role, meeting, role):
    check(client, as_role, role, f"/meetings/{meeting.pk}/documents/", COORDINATORS_OF_MIXITE)


@pytest.mark.parametrize("role", ROLES)
def test_it_serves_a_document_to_the_group_only(client, as_role, meeting, role):
    doc = DocumentFactory(meeting=meeting)
    check(client, as_role, role, doc.get_absolute_url(), MEMBERS_OF_MIXITE)


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_the_coordinators_delete_a_document(client, as_role, meeting, role):
    doc = DocumentFactory(meeting=meeting)
    check(client, as_role, role, f"{doc.get_absolute_url()}delete/", posted(COORDINATORS_OF_MIXITE), method="post")


def test_it_stores_an_upload_and_serves_it_as_an_attachment(client, coordinatrice, membre, meeting):
    client.force_login(coordinatrice)
    page = text_of(upload(client, meeting, "Diaporama forum.pdf", PDF_BYTES))
    assert "« Diaporama forum.pdf » a été ajouté." in page
    doc = Document.objects.get()
    assert (doc.name, doc.content_type, doc.size, doc.uploaded_by) == (
        "Diaporama forum.pdf",
        "application/pdf",
        len(PDF_BYTES),
        coordinatrice,
    )
    # Stored under a random name, never the one given.
    assert doc.file.name.startswith("documents/") and "forum" not in doc.file.name
    client.force_login(membre)
    assert "Diaporama forum.pdf" in text_of(client.get(meeting.get_absolute_url()))
    response = client.get(doc.get_absolute_url())
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Diaporama" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.mark.parametrize(
    "name, content",
    [("budget.xlsx", xlsx_bytes()), ("compte-rendu.odt", odt_bytes()), ("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 40)],
)
def test_it_accepts_office_documents_and_images(client, coordinatrice, meeting, name, content):
    client.force_login(coordinatrice)
    upload(client, meeting, name, content)
    assert Document.objects.get().name == name


@pytest.mark.parametrize(
    "name, content",
    [
        ("programme.pdf", EXE),  # a program renamed .pdf
        ("programme.exe", EXE),
        ("budget.docx", xlsx_bytes()),  # a spreadsheet called a text document
        ("archive.xlsx", b"PK\x03\x04" + b"\x00" * 100),  # a broken ZIP
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("image.svg", b"<svg onload='alert(1)'/>"),
    ],
)
def test_it_refuses_a_file_whose_content_is_not_an_accepted_type(client, coordinatrice, meeting, name, content):
    client.force_login(coordinatrice)
    response = upload(client, meeting, name, content)
    assert response.status_code == 400
    assert f"« {name} » a été refusé : son contenu n’est pas celui d’un type accepté" in text_of(response)
    assert not Document.objects.exists() and stored_files() == []


def test_it_refuses_a_25_mb_file_and_stores_nothing(client, coordinatrice, meeting):
    client.force_login(coordinatrice)
    response = upload(client, meeting, "énorme.pdf", b"%PDF-1.4\n" + b"0" * (25 * 1024 * 1024))
    assert response.status_code == 400
    assert "« énorme.pdf » est trop volumineux (25,0 Mio) : un document ne peut dépasser 20,0 Mio." in text_of(response)
    assert not Document.objects.exists() and stored_files() == []


def test_it_follows_the_size_setting(client, coordinatrice, meeting, settings):
    settings.DOCUMENT_MAX_MB = 1
    client.force_login(coordinatrice)
    assert upload(client, meeting, "a.pdf", b"%PDF-" + b"0" * (1024 * 1024)).status_code == 400
    assert upload(client, meeting, "b.pdf", b"%PDF-" + b"0" * 1000).status_code == 200


def test_it_keeps_a_hostile_name_harmless(client, coordinatrice, meeting):
    client.force_login(coordinatrice)
    upload(client, meeting, "../../etc/passwd\x00.pdf", PDF_BYTES)
    upload(client, meeting, "<img src=x onerror=alert(1)>.pdf", PDF_BYTES)
    first, second = Document.objects.order_by("pk")
    assert first.name == "passwd.pdf" and ".." not in first.file.name
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;.pdf" in html
    response = client.get(second.get_absolute_url())
    assert "\n" not in response["Content-Disposition"] and response["Content-Disposition"].startswith("attachment")


def test_it_refuses_an_upload_without_a_file_or_with_a_bad_part(client, coordinatrice, meeting):
    client.force_login(coordinatrice)
    assert client.post(f"/meetings/{meeting.pk}/documents/", {"part": "meeting"}).status_code == 400
    response = client.post(
        f"/meetings/{meeting.pk}/documents/", {"file": SimpleUploadedFile("a.pdf", PDF_BYTES), "part": "<script>"}
    )
    assert response.status_code == 400 and not Document.objects.exists()


def test_it_shows_the_minutes_annexes_to_members_once_the_minutes_are_sent(client, coordinatrice, membre, mixite):
    meeting = meeting_of(mixite, days=-3)
    doc = DocumentFactory(meeting=meeting, part=Document.Part.MINUTES, name="annexe-cr.pdf")
    client.force_login(membre)
    assert "annexe-cr.pdf" not in text_of(client.get(meeting.get_absolute_url()))
    assert client.get(doc.get_absolute_url()).status_code == 404
    minutes_services.save_minutes(meeting, text="## Relevé de décisions")
    minutes_services.send_minutes(meeting, by=coordinatrice)
    assert "Annexes au compte rendu annexe-cr.pdf" in text_of(client.get(meeting.get_absolute_url()))
    assert client.get(doc.get_absolute_url()).status_code == 200


def test_it_freezes_the_annexes_of_adopted_minutes(client, coordinatrice, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(minutes_status=Meeting.MinutesStatus.ADOPTED)
    doc = DocumentFactory(meeting=meeting, part=Document.Part.MINUTES)
    client.force_login(coordinatrice)
    assert upload(client, meeting, "late.pdf", PDF_BYTES, part="minutes").status_code == 400
    page = text_of(client.post(f"{doc.get_absolute_url()}delete/", follow=True))
    assert "Le compte rendu est adopté : ses documents ne peuvent plus changer." in page
    assert Document.objects.live().count() == 1


def test_it_records_a_deletion_and_removes_the_file(
    client, coordinatrice, membre, meeting, django_capture_on_commit_callbacks
):
    client.force_login(coordinatrice)
    upload(client, meeting, "ancien.pdf", PDF_BYTES)
    doc = Document.objects.get()
    assert default_storage.exists(doc.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        page = text_of(client.post(f"{doc.get_absolute_url()}delete/", follow=True))
    assert "« ancien.pdf » a été supprimé." in page and "Supprimé le" in page
    doc.refresh_from_db()
    assert doc.deleted_at is not None and doc.deleted_by == coordinatrice
    assert not default_storage.exists(doc.file.name)
    client.force_login(membre)
    assert client.get(doc.get_absolute_url()).status_code == 404
    assert "ancien.pdf" not in text_of(client.get(meeting.get_absolute_url()))


def test_it_writes_nothing_on_get(client, coordinatrice, meeting):
    client.force_login(coordinatrice)
    client.get(f"/meetings/{meeting.pk}/documents/")
    assert not Document.objects.exists()


def test_it_links_the_documents_in_the_feed_description(meeting):
    doc = DocumentFactory(meeting=meeting, name="programme.pdf")
    hidden = DocumentFactory(meeting=meeting, part=Document.Part.MINUTES, name="brouillon.pdf")
    meeting.feed_documents = [doc, hidden]
    description = meeting_description(meeting, [])
    assert f"programme.pdf: http://127.0.0.1:8000/meetings/{meeting.pk}/documents/{doc.pk}/" in description
    assert "brouillon.pdf" not in description


def test_it_links_the_documents_in_the_personal_feed(client, membre, meeting):
    doc = DocumentFactory(meeting=meeting, name="programme.pdf")
    body = client.get(f"/calendar/{membre.contact.feed_token}.ics").content.decode()
    assert f"programme.pdf: http://127.0.0.1:8000/meetings/{meeting.pk}/documents/{doc.pk}/" in body.replace(
        "\r\n ", ""
    )


def test_it_counts_only_live_documents_as_visible(meeting):
    DocumentFactory(meeting=meeting)
    gone = DocumentFactory(meeting=meeting)
    services.delete_document(gone, by=None)
    assert len(services.documents_context(meeting, coordinates=True)["documents"]) == 1


def test_it_links_the_documents_in_the_reminder_mail(meeting, membre):
    doc = DocumentFactory(meeting=meeting, name="programme.pdf")
    DocumentFactory(meeting=meeting, part=Document.Part.MINUTES, name="brouillon.pdf")
    delivery = Delivery(kind=Delivery.Kind.REMINDER, meeting=meeting, contact=membre.contact, due_at=timezone.now())
    message = notice_mail.build_message(
        dispatch.NOTICES[delivery.kind], delivery, dispatch.Batch([delivery], timezone.localdate())
    )
    link = f"http://127.0.0.1:8000/meetings/{meeting.pk}/documents/{doc.pk}/"
    assert f"- programme.pdf : {link}" in message.body
    assert f'<a href="{link}">programme.pdf</a>' in message.alternatives[0][0]
    assert "brouillon.pdf" not in message.body
    assert len(message.attachments) == 1  # the .ics only: documents travel as links

"""A meeting's documents: who sees which, adding one (checked), deleting one (recorded)."""

from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Document, Meeting
from . import types

ALLOWED = "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, GIF, WebP"


def max_size():
    return settings.DOCUMENT_MAX_MB * 1024 * 1024


def members_see_minutes(meeting):
    return meeting.minutes_status in (Meeting.MinutesStatus.SENT, Meeting.MinutesStatus.ADOPTED)


def visible_documents(meeting, *, coordinates):
    """The live documents these readers see: the meeting's, and the minutes' once members see the minutes."""
    documents = meeting.documents.live().order_by("uploaded_at", "pk")
    if not (coordinates or members_see_minutes(meeting)):
        documents = documents.filter(part=Document.Part.MEETING)
    return documents


def documents_context(meeting, *, coordinates):
    """What the meeting page shows of its documents (one query)."""
    documents = list(visible_documents(meeting, coordinates=coordinates))
    return {
        "documents": [d for d in documents if d.part == Document.Part.MEETING],
        "minutes_documents": [d for d in documents if d.part == Document.Part.MINUTES],
    }


def display_name(name):
    """The file's own name, without any folder, control character or excess length."""
    name = PurePosixPath(str(name).replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable()).strip() or "document"
    if len(name) > 150:
        suffix = PurePosixPath(name).suffix[:10]
        name = name[: 150 - len(suffix)] + suffix
    return name


def check_upload(upload):
    """The content type of an acceptable file; a ValidationError in French otherwise."""
    if upload.size > max_size():
        raise ValidationError(
            _("“%(name)s” is too large (%(size)s): a document may not exceed %(max)s.")
            % {
                "name": display_name(upload.name),
                "size": filesizeformat(upload.size),
                "max": filesizeformat(max_size()),
            },
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": display_name(upload.name)}, code="empty")
    content_type = types.content_type(upload.name, upload)
    if content_type is None:
        raise ValidationError(
            _(
                "“%(name)s” was refused: its content is not that of an accepted type, or does not match its "
                "extension. Accepted: %(types)s."
            )
            % {"name": display_name(upload.name), "types": ALLOWED},
            code="type",
        )
    return content_type


def check_part(meeting, part):
    if part == Document.Part.MINUTES and meeting.minutes_frozen:
        raise ValidationError(_("The minutes are adopted: their documents can no longer change."), code="frozen")


def add_document(meeting, *, upload, part, by):
    """Store an uploaded file through the storage API and record it; nothing is stored if it is refused."""
    check_part(meeting, part)
    content_type = check_upload(upload)
    document = Document(
        meeting=meeting,
        part=part,
        name=display_name(upload.name),
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    upload.seek(0)
    document.file.save(document.name, upload, save=False)
    try:
        with transaction.atomic():
            document.save()
            _touch(meeting)
    except Exception:
        document.file.storage.delete(document.file.name)
        raise
    return document


def delete_document(document, *, by, now=None):
    """Delete a document: the row stays (who deleted it, when), the file leaves the storage."""
    check_part(document.meeting, document.part)
    now = now or timezone.now()
    with transaction.atomic():
        done = Document.objects.filter(pk=document.pk, deleted_at__isnull=True).update(deleted_at=now, deleted_by=by)
        if done:
            _touch(document.meeting)
            storage, name = document.file.storage, document.file.name
            transaction.on_commit(lambda: storage.delete(name))
    document.deleted_at, document.deleted_by = now, by
    return bool(done)


def _touch(meeting):
    """Calendar feeds carry the documents: their Last-Modified moves with them."""
    Meeting.objects.filter(pk=meeting.pk).update(updated_at=timezone.now())

"""Web imports: a file uploaded, checked by a Celery task (the dry run a person reads), then,
once confirmed, written by another. The IndicatorImport record carries the status, the
progress and the outcome, so that its page can be left and come back to.
"""

import logging
import uuid
from datetime import timedelta

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from . import importing, staging
from .models import ImportStatus, IndicatorImport

UPLOAD_DIR = "indicator-imports"
logger = logging.getLogger(__name__)


def batch_of(record):
    return f"web-{record.pk:010d}"


def upload(uploaded_file, *, user):
    """Store the file, record it, and queue its check once the record is committed."""
    from . import tasks

    stored = default_storage.save(f"{UPLOAD_DIR}/{uuid.uuid4().hex}.csv", uploaded_file)
    record = IndicatorImport.objects.create(
        imported_by=user,
        file_name=uploaded_file.name[:255],
        status=ImportStatus.QUEUED,
        stored_file=stored,
        file_size=uploaded_file.size,
    )
    transaction.on_commit(lambda: tasks.check_import.delay(record.pk))
    return record


def _progress(pk):
    def report(rows, position):
        IndicatorImport.objects.filter(pk=pk).update(rows_read=rows, bytes_read=position)

    return report


def expire_abandoned(now=None, max_age=timedelta(days=1)):
    """Checked imports never confirmed nor cancelled: after a day, their rows and file go."""
    cutoff = (now or timezone.now()) - max_age
    for record in IndicatorImport.objects.filter(status=ImportStatus.CHECKED, imported_at__lt=cutoff):
        cancel(record)


def check(pk):
    """The task's work: stage and check the file, keep the report or the preview."""
    expire_abandoned()
    claimed = IndicatorImport.objects.filter(pk=pk, status=ImportStatus.QUEUED).update(status=ImportStatus.CHECKING)
    if not claimed:
        return None  # already checked, or cancelled meanwhile
    record = IndicatorImport.objects.get(pk=pk)
    try:
        with default_storage.open(record.stored_file, "rb") as binary:
            parsed, plan = importing.check(binary, batch_of(record), progress=_progress(pk))
    except Exception:
        logger.exception("indicator import %s: check failed", pk)
        _finish(pk, ImportStatus.FAILED)
        raise
    record.refresh_from_db()
    record.error_count = parsed.error_count
    record.report = parsed.report()
    record.bytes_read = record.file_size
    if plan is None:
        record.status = ImportStatus.REJECTED
        record.finished_at = timezone.now()
        _delete_file(record)
    else:
        record.status = ImportStatus.CHECKED
        record.preview = plan.as_dict()
        record.rows_added, record.rows_changed, record.rows_unchanged = plan.added, plan.changed, plan.unchanged
    record.save()
    return record.status


def confirm(record):
    """Queue the writing of a checked import (the page's button)."""
    from . import tasks

    if IndicatorImport.objects.filter(pk=record.pk, status=ImportStatus.CHECKED).update(status=ImportStatus.CONFIRMED):
        transaction.on_commit(lambda: tasks.write_import.delay(record.pk))
        return True
    return False


def write(pk):
    """The task's work: write a confirmed import in one transaction."""
    if not IndicatorImport.objects.filter(pk=pk, status=ImportStatus.CONFIRMED).update(status=ImportStatus.WRITING):
        return None
    record = IndicatorImport.objects.get(pk=pk)
    try:
        importing.write(batch_of(record), record)
    except Exception:
        logger.exception("indicator import %s: write failed", pk)
        _finish(pk, ImportStatus.FAILED)
        raise
    _delete_file(record)
    return ImportStatus.DONE


def cancel(record):
    """Drop a checked import: its staged rows and its file go."""
    if IndicatorImport.objects.filter(pk=record.pk, status=ImportStatus.CHECKED).update(
        status=ImportStatus.CANCELLED, finished_at=timezone.now()
    ):
        staging.discard(batch_of(record))
        _delete_file(record)
        return True
    return False


def _finish(pk, status):
    IndicatorImport.objects.filter(pk=pk).update(status=status, finished_at=timezone.now())


def _delete_file(record):
    if record.stored_file:
        default_storage.delete(record.stored_file)

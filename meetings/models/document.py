"""Files attached to a meeting (annexes, slides) or to its minutes."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .meeting import Meeting


def storage_name(document, filename):
    """Where the file lives in the storage: a random name, so nothing about it can be guessed.

    The name a person gave the file is kept in `Document.name` and comes back on download.
    """
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"documents/{uuid.uuid4().hex}{suffix}"


class DocumentQuerySet(models.QuerySet):
    def live(self):
        """Documents not deleted (a deleted one stays on record, without its file)."""
        return self.filter(deleted_at__isnull=True)


class Document(models.Model):
    """A file of a meeting: an annex or slides shown with the meeting, or an annex of its minutes."""

    class Part(models.TextChoices):
        MEETING = "meeting", _("Meeting (annexes, slides)")
        MINUTES = "minutes", _("Minutes")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="documents", verbose_name=_("meeting"))
    part = models.CharField(_("attached to"), max_length=10, choices=Part.choices, default=Part.MEETING)
    file = models.FileField(_("file"), upload_to=storage_name, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    uploaded_at = models.DateTimeField(_("added at"), auto_now_add=True)
    # Deleting keeps the row (who, when) and removes the file from the storage.
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deleted by"),
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "part", "uploaded_at", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["meeting", "deleted_at"], name="document_meeting_live")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        """The download: a view that applies the meeting's access rule (never the storage's address)."""
        return reverse("meetings:document", args=[self.meeting_id, self.pk])

    @property
    def is_deleted(self):
        return self.deleted_at is not None

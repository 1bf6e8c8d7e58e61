"""One mail to one person, claimed in the database before it is sent."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .meeting import Meeting


class Delivery(models.Model):
    """One message to one recipient, claimed in the database before it is sent.

    The partial unique constraints make "at most once" a property of the database:
    a second dispatcher that tries to claim the same message fails to insert it.
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Meeting reminder")
        UPDATE = "update", _("Meeting rescheduled")
        CANCELLATION = "cancellation", _("Meeting cancelled")
        DIGEST = "digest", _("Weekly action digest")
        MINUTES_MISSING = "minutes_missing", _("Minutes missing")
        MINUTES = "minutes", _("Minutes")
        MINUTES_CORRECTION = "minutes_correction", _("Minutes corrected")
        INVITATION = "invitation", _("Invitation to Wekker")
        MESSAGE = "message", _("Group message")
        # Kinds whose Notice a higher app registers (dispatch.register): they name what they
        # are about in `ref`, since this app may not point a foreign key at that app.
        POLL_INVITATION = "poll_invitation", _("Date poll invitation")
        POLL_REMINDER = "poll_reminder", _("Date poll reminder")
        POLL_CLOSED = "poll_closed", _("Date poll closed")
        POLL_REOPENED = "poll_reopened", _("Date poll reopened")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # Not sent before it stopped being useful (the meeting started, the week ended).
        EXPIRED = "expired", _("Expired")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    contact = models.ForeignKey(
        "stakeholders.Contact",
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("recipient"),
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("meeting"),
    )
    message = models.ForeignKey(
        "meetings.GroupMessage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("group message"),
    )
    # For reminders: days before the meeting; 0 otherwise.
    offset_days = models.PositiveSmallIntegerField(_("days before"), default=0)
    # The meeting's start when the message was due (reminders), its sequence (updates,
    # cancellations), the number of a minutes correction or the digest's Monday: what makes
    # the message unique.
    meeting_starts_at = models.DateTimeField(_("meeting start"), null=True, blank=True)
    meeting_sequence = models.PositiveIntegerField(_("meeting sequence"), null=True, blank=True)
    period = models.DateField(_("period"), null=True, blank=True)
    # Who asked for it, when a person did (the inviter of an invitation).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    # For kinds about something of a higher app (a date poll): what the message is about and
    # its round ("poll:12", "poll:12:2"), which makes it unique with the kind and recipient.
    ref = models.CharField(_("about"), max_length=60, blank=True, default="")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    due_at = models.DateTimeField(_("due at"))
    created_at = models.DateTimeField(_("claimed at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # The claim that holds the row until `due_at` (notices/lease.py); None when no dispatcher holds it.
    lease = models.UUIDField(_("lease"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "contact", "offset_days", "meeting_starts_at"],
                condition=Q(kind="reminder"),
                name="delivery_unique_reminder",
            ),
            models.UniqueConstraint(
                fields=["kind", "meeting", "contact", "meeting_sequence"],
                condition=Q(kind__in=["update", "cancellation"]),
                name="delivery_unique_notice",
            ),
            models.UniqueConstraint(
                fields=["kind", "contact", "period"],
                condition=Q(kind="digest"),
                name="delivery_unique_digest",
            ),
            models.UniqueConstraint(
                fields=["kind", "meeting", "contact"],
                condition=Q(kind="minutes_missing"),
                name="delivery_unique_minutes_missing",
            ),
            models.UniqueConstraint(
                fields=["meeting", "contact"],
                condition=Q(kind="minutes"),
                name="delivery_unique_minutes",
            ),
            models.UniqueConstraint(
                fields=["meeting", "contact", "meeting_sequence"],
                condition=Q(kind="minutes_correction"),
                name="delivery_unique_minutes_correction",
            ),
            models.UniqueConstraint(
                fields=["message", "contact"],
                condition=Q(kind="message"),
                name="delivery_unique_message",
            ),
            models.UniqueConstraint(
                fields=["kind", "contact", "ref"],
                condition=~Q(ref=""),
                name="delivery_unique_ref",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="delivery_status_due")]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.contact}"

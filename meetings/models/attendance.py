"""Who is invited to a meeting, what they answered, whether they came."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .meeting import Meeting


class Attendance(models.Model):
    """A member's invitation to a meeting: their answer, then whether they came."""

    class Answer(models.TextChoices):
        PENDING = "pending", _("No answer yet")
        YES = "yes", _("Yes")
        NO = "no", _("No")
        MAYBE = "maybe", _("Maybe")

    class Presence(models.TextChoices):
        UNKNOWN = "unknown", _("Not recorded")
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    contact = models.ForeignKey(
        "stakeholders.Contact",
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("contact"),
    )
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices, default=Answer.PENDING)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    presence = models.CharField(_("presence"), max_length=10, choices=Presence.choices, default=Presence.UNKNOWN)
    # Invited in person, not by being a member of the group on the meeting's day.
    is_guest = models.BooleanField(_("guest"), default=False)
    represented_by = models.ForeignKey(
        "stakeholders.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("represented by"),
    )

    class Meta:
        ordering = ["meeting", "contact__last_name", "contact__first_name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "contact"], name="attendance_unique_contact"),
            models.CheckConstraint(
                condition=Q(represented_by__isnull=True) | ~Q(represented_by=F("contact")),
                name="attendance_not_represented_by_self",
            ),
        ]

    def __str__(self):
        return f"{self.contact} – {self.meeting}"

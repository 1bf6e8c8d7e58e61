"""What changed in a meeting after it was announced, and the corrections of minutes already sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .meeting import Meeting

# What a change of a meeting records: what its members must be told about.
SCHEDULE_FIELDS = ("starts_at", "ends_at", "all_day", "place", "video_url")


class MeetingChange(models.Model):
    """A change of date, time, span, place or video link: what it was, what it became, when.

    The update mail of a change says old → new, and goes only to the people who were members
    of the group on the day of the change. A status change (planned → confirmed) is none.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="changes", verbose_name=_("meeting"))
    # The meeting's calendar sequence once changed: what an update mail is unique by.
    sequence = models.PositiveIntegerField(_("calendar sequence"))
    changed_at = models.DateTimeField(_("changed at"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    # {field: value} of SCHEDULE_FIELDS before and after; datetimes as ISO strings.
    before = models.JSONField(_("before"))
    after = models.JSONField(_("after"))

    class Meta:
        ordering = ["meeting", "sequence"]
        verbose_name = _("meeting change")
        verbose_name_plural = _("meeting changes")
        constraints = [models.UniqueConstraint(fields=["meeting", "sequence"], name="meeting_change_unique_sequence")]

    def __str__(self):
        return f"{self.meeting} ({self.sequence})"


class MinutesCorrection(models.Model):
    """A correction ("rectificatif") of minutes already sent to the members: who, when, what changed."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="minutes_corrections", verbose_name=_("meeting")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    corrected_at = models.DateTimeField(_("corrected at"))
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("corrected by"),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    before = models.TextField(_("minutes before"))
    after = models.TextField(_("minutes after"))

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = _("minutes correction")
        verbose_name_plural = _("minutes corrections")
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="minutes_correction_unique_number")]

    def __str__(self):
        return f"{self.meeting} – {self.number}"

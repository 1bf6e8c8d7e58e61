"""Date polls: a few proposed dates, who is asked, what each person answered."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from reference.timezones import PARIS


class Poll(models.Model):
    """A question to a group and some partners: which of these dates suits you?"""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    group = models.ForeignKey(
        "groups.WorkingGroup", on_delete=models.CASCADE, related_name="polls", verbose_name=_("group")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("message to those invited"), blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    deadline = models.DateField(
        _("answer by"),
        null=True,
        blank=True,
        help_text=_(
            "Those who have not answered are reminded a few days before (a setting of the group). "
            "Answers stay possible until you choose a date."
        ),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    chosen = models.ForeignKey(
        "PollOption",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chosen date"),
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("meeting created"),
    )
    # Grows at each closing: each closing (and each reopening) is a notice of its own.
    round = models.PositiveSmallIntegerField(_("closings"), default=0)
    created_by = models.ForeignKey(
        "stakeholders.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("date poll")
        verbose_name_plural = _("date polls")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", chosen__isnull=True) | Q(status="closed", chosen__isnull=False),
                name="poll_closed_has_a_date",
            ),
        ]

    def __str__(self):
        return f"{self.group} – {self.title}"

    def get_absolute_url(self):
        return reverse("polls:detail", args=[self.pk])

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    @property
    def deadline_over(self):
        return self.deadline_passed()

    def deadline_passed(self, now=None):
        if self.deadline is None:
            return False
        return timezone.localtime(now or timezone.now(), PARIS).date() > self.deadline


class PollOption(models.Model):
    """A proposed date or time slot; it may span several days."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options", verbose_name=_("poll"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        ordering = ["starts_at", "ends_at", "pk"]
        verbose_name = _("proposed date")
        verbose_name_plural = _("proposed dates")
        constraints = [
            models.UniqueConstraint(fields=["poll", "starts_at", "ends_at"], name="poll_option_unique"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="poll_option_ends_after"),
        ]

    def __str__(self):
        return label(self.starts_at, self.ends_at)

    @property
    def spans_days(self):
        return timezone.localtime(self.starts_at, PARIS).date() != timezone.localtime(self.ends_at, PARIS).date()


def label(starts_at, ends_at):
    """ "mardi 12 janvier 2027, 9h30–12h00", or "du lundi 8 mars 2027, 9h00 au vendredi 12 mars 2027, 17h00"."""
    start, end = timezone.localtime(starts_at, PARIS), timezone.localtime(ends_at, PARIS)
    day, time = "l j F Y", "G\\hi"
    if start.date() == end.date():
        return f"{formats.date_format(start, day)}, {formats.date_format(start, time)}–{formats.date_format(end, time)}"
    return _("from %(start)s to %(end)s") % {
        "start": formats.date_format(start, f"{day}, {time}"),
        "end": formats.date_format(end, f"{day}, {time}"),
    }


class Invitee(models.Model):
    """Someone asked: a member of the group when the poll was made, or a partner added by hand."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="invitees", verbose_name=_("poll"))
    contact = models.ForeignKey(
        "stakeholders.Contact", on_delete=models.CASCADE, related_name="poll_invitations", verbose_name=_("contact")
    )
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["contact__last_name", "contact__first_name", "pk"]
        verbose_name = _("person invited")
        verbose_name_plural = _("people invited")
        constraints = [models.UniqueConstraint(fields=["poll", "contact"], name="poll_invitee_unique")]

    def __str__(self):
        return str(self.contact)


class Answer(models.Model):
    """One person's answer for one proposed date."""

    class Choice(models.TextChoices):
        YES = "yes", _("Yes")
        MAYBE = "maybe", _("If need be")
        NO = "no", _("No")

    invitee = models.ForeignKey(Invitee, on_delete=models.CASCADE, related_name="answers", verbose_name=_("person"))
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="answers", verbose_name=_("date"))
    choice = models.CharField(_("answer"), max_length=5, choices=Choice.choices)

    class Meta:
        ordering = ["option", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["invitee", "option"], name="poll_answer_unique")]

    def __str__(self):
        return f"{self.invitee} – {self.option}: {self.get_choice_display()}"

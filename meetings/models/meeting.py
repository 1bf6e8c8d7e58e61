"""A meeting (or an event) of a working group, and its agenda."""

import datetime as dt
import uuid

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reference.models import Stage
from reference.timezones import PARIS


class Lever(models.TextChoices):
    """The network's three levers (the mixité of trades), and the rest.

    A group may name its own (WorkingGroup.levers): an action or item on one of them has the
    lever "autre" and the name in `lever_name`, so the network's counts stay by these four.
    """

    SENSIBILISER = "sensibiliser", _("Raise awareness")
    FORMER = "former", _("Train")
    ROLES_MODELES = "roles_modeles", _("Role models")
    AUTRE = "autre", _("Other")


class Reach(models.Model):
    """The young people an action or an event reached, by sex, and the stage of the path they count
    toward (SPEC.md, "Indicators"). Empty when not recorded: missing is not zero."""

    reached_women = models.PositiveIntegerField(_("young women reached"), null=True, blank=True)
    reached_men = models.PositiveIntegerField(_("young men reached"), null=True, blank=True)
    reached_unknown = models.PositiveIntegerField(_("young people reached, sex not recorded"), null=True, blank=True)
    reached_stage = models.CharField(
        _("stage they count toward"), max_length=20, choices=Stage.choices, default=Stage.SENSIBILISES
    )

    REACH_FIELDS = ("reached_women", "reached_men", "reached_unknown", "reached_stage")

    class Meta:
        abstract = True

    @property
    def reached(self):
        """How many were reached in all, or None when nothing was recorded."""
        counts = [self.reached_women, self.reached_men, self.reached_unknown]
        return None if all(n is None for n in counts) else sum(n or 0 for n in counts)


class GroupContentQuerySet(models.QuerySet):
    """Rows that belong to a working group: seen by its members (and by admins) only."""

    def visible_to(self, roles):
        """Rows these roles (groups.access.Roles) may see: their groups', or all for an admin."""
        if roles.is_admin:
            return self
        return self.filter(group_id__in=roles.member_group_ids)


class MeetingQuerySet(GroupContentQuerySet):
    def for_page(self):
        """What every page about one meeting shows: its group, the meeting that adopted its minutes."""
        return self.select_related("group", "minutes_adopted_in")

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at")


class Meeting(Reach):
    """A meeting (or an event such as the Semaine de la mixité) of a working group."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        EVENT = "event", _("Event")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")
        HELD = "held", _("Held")

    class MinutesStatus(models.TextChoices):
        NONE = "none", _("Not started")
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent to members")
        ADOPTED = "adopted", _("Adopted")

    group = models.ForeignKey(
        "groups.WorkingGroup", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("group")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MEETING)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    # All day: from midnight of the first day to midnight after the last, Paris time.
    all_day = models.BooleanField(_("all day"), default=False)
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    agenda_published_at = models.DateTimeField(_("agenda published at"), null=True, blank=True)
    minutes = models.TextField(_("minutes (Markdown)"), blank=True)
    minutes_status = models.CharField(
        _("minutes status"), max_length=10, choices=MinutesStatus.choices, default=MinutesStatus.NONE
    )
    minutes_updated_at = models.DateTimeField(_("minutes saved at"), null=True, blank=True)
    minutes_sent_at = models.DateTimeField(_("minutes sent at"), null=True, blank=True)
    minutes_adopted_at = models.DateTimeField(_("minutes adopted at"), null=True, blank=True)
    minutes_adopted_in = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adopted_minutes",
        verbose_name=_("minutes adopted at meeting"),
    )
    # iCalendar: a stable UID, and a SEQUENCE that grows with each change of time or place.
    uid = models.UUIDField(_("calendar UID"), default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["group", "starts_at"], name="meeting_group_start"),
            models.Index(fields=["starts_at"], name="meeting_start"),
            # What every pass looks for among all the meetings (notices/): the cancelled ones still
            # ahead, the ended ones without minutes. A few rows each, rather than a scan of the table.
            models.Index(fields=["starts_at"], condition=Q(status="cancelled"), name="meeting_cancelled_start"),
            models.Index(fields=["ends_at"], condition=Q(minutes_status="none"), name="meeting_no_minutes_end"),
        ]

    def __str__(self):
        return f"{self.group} – {self.title}"

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.pk])

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def minutes_frozen(self):
        return self.minutes_status == self.MinutesStatus.ADOPTED

    @property
    def first_day(self):
        return timezone.localtime(self.starts_at, PARIS).date()

    @property
    def last_day(self):
        """The last day it runs: an all-day event ends at midnight after it."""
        end = timezone.localtime(self.ends_at, PARIS)
        if self.all_day or end.time() == dt.time(0):
            return end.date() - dt.timedelta(days=1)
        return end.date()

    @property
    def is_multi_day(self):
        return self.last_day != self.first_day

    @property
    def duration_minutes(self):
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class AgendaItemQuerySet(models.QuerySet):
    def published(self):
        """Items of published agendas only: all that mails and calendar feeds may show members.

        A coordinator prepares the agenda unseen; members see it once `agenda_published_at` is set.
        """
        return self.filter(meeting__agenda_published_at__isnull=False)


class AgendaItem(models.Model):
    """One ordered item of a meeting's agenda."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("item"), max_length=300)
    description = models.TextField(_("details"), blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=15)
    presenter = models.ForeignKey(
        "stakeholders.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("presenter"),
    )
    lever = models.CharField(_("lever"), max_length=15, choices=Lever.choices, blank=True)
    # One of the group's own levers (WorkingGroup.levers), its lever then being "autre".
    lever_name = models.CharField(_("group's lever"), max_length=60, blank=True)
    # The "Suivi des actions" item every new meeting opens with.
    is_action_review = models.BooleanField(_("action review"), default=False)

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__lte=24 * 60), name="agenda_item_duration_sane"),
        ]

    def __str__(self):
        return self.title

    @property
    def lever_label(self):
        return self.lever_name or self.get_lever_display()

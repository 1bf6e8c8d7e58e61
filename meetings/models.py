import uuid

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups import access


class Lever(models.TextChoices):
    """The three levers of the mixité group, and the rest."""

    SENSIBILISER = "sensibiliser", _("Raise awareness")
    FORMER = "former", _("Train")
    ROLES_MODELES = "roles_modeles", _("Role models")
    AUTRE = "autre", _("Other")


class GroupContentQuerySet(models.QuerySet):
    """Rows that belong to a working group: seen by its members (and by admins) only."""

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if access.is_admin(user):
            return self
        return self.filter(group_id__in=access.member_group_ids(user))


class MeetingQuerySet(GroupContentQuerySet):

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at")


class Meeting(models.Model):
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
    # The "Suivi des actions" item every new meeting opens with.
    is_action_review = models.BooleanField(_("action review"), default=False)

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__lte=24 * 60), name="agenda_item_duration_sane"
            ),
        ]

    def __str__(self):
        return self.title


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
    presence = models.CharField(
        _("presence"), max_length=10, choices=Presence.choices, default=Presence.UNKNOWN
    )
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


class ActionQuerySet(GroupContentQuerySet):
    def open(self):
        return self.filter(status__in=[Action.Status.TODO, Action.Status.IN_PROGRESS])

    def overdue(self, today=None):
        return self.open().filter(due_date__lt=today or timezone.localdate())


class Action(models.Model):
    """Something a group decided to do, owned by one contact."""

    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    class Kind(models.TextChoices):
        ACTION = "action", _("Action")
        EVENT = "event", _("Event")

    group = models.ForeignKey(
        "groups.WorkingGroup", on_delete=models.PROTECT, related_name="actions", verbose_name=_("group")
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decided_actions",
        verbose_name=_("decided at"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ACTION)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        "stakeholders.Contact",
        on_delete=models.PROTECT,
        related_name="owned_actions",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.TODO)
    lever = models.CharField(_("lever"), max_length=15, choices=Lever.choices, default=Lever.AUTRE)
    progress = models.TextField(_("progress"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        indexes = [
            models.Index(fields=["group", "status"], name="action_group_status"),
            models.Index(fields=["owner", "status"], name="action_owner_status"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:action", args=[self.pk])

    @property
    def is_open(self):
        return self.status in (self.Status.TODO, self.Status.IN_PROGRESS)

    @property
    def is_overdue(self):
        return self.is_open and self.due_date is not None and self.due_date < timezone.localdate()


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

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

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
    # For reminders: days before the meeting; 0 otherwise.
    offset_days = models.PositiveSmallIntegerField(_("days before"), default=0)
    # The meeting's start when the message was due (reminders), its sequence (updates,
    # cancellations) or the digest's Monday: what makes the message unique.
    meeting_starts_at = models.DateTimeField(_("meeting start"), null=True, blank=True)
    meeting_sequence = models.PositiveIntegerField(_("meeting sequence"), null=True, blank=True)
    period = models.DateField(_("period"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    due_at = models.DateTimeField(_("due at"))
    created_at = models.DateTimeField(_("claimed at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

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
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="delivery_status_due")]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.contact}"

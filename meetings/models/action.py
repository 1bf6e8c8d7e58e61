"""What a group decided to do."""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .meeting import GroupContentQuerySet, Lever, Meeting, Reach

OPEN_STATUSES = ("todo", "in_progress")


def open_first():
    """0 for open actions, 1 for the others: the actions page lists the open ones first.
    The page orders by (open_first(), due date, pk), and an index holds that very order."""
    return models.Case(
        models.When(status__in=OPEN_STATUSES, then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )


PAGE_ORDER = (open_first(), models.F("due_date").asc(nulls_last=True), models.F("id").asc())
# The same order as an index: PostgreSQL's ascending order already puts NULLs last, and
# SQLite cannot say NULLS LAST in an index.
PAGE_ORDER_INDEX = (open_first(), models.F("due_date").asc(), models.F("id").asc())


class ActionQuerySet(GroupContentQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def for_page(self):
        """What the action's page shows: its group, owner and the meeting that decided it."""
        return self.select_related("group", "owner__organisation", "meeting")

    def overdue(self, today=None):
        return self.open().filter(due_date__lt=today or timezone.localdate())


class Action(Reach):
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
    # One of the group's own levers (WorkingGroup.levers), its lever then being "autre".
    lever_name = models.CharField(_("group's lever"), max_length=60, blank=True)
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
            # The actions page's order: its first page is read off this index, not sorted.
            models.Index(*PAGE_ORDER_INDEX, name="action_page_order"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:action", args=[self.pk])

    @property
    def lever_label(self):
        return self.lever_name or self.get_lever_display()

    @property
    def is_open(self):
        return self.status in (self.Status.TODO, self.Status.IN_PROGRESS)

    @property
    def is_overdue(self):
        return self.is_open and self.due_date is not None and self.due_date < timezone.localdate()

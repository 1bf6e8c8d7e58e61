from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def default_reminder_offsets():
    return [7, 1]


def validate_reminder_offsets(value):
    if not isinstance(value, list) or not all(
        isinstance(days, int) and not isinstance(days, bool) and 0 <= days <= 60 for days in value
    ):
        raise ValidationError(_("Reminder offsets must be a list of whole days between 0 and 60."))
    if len(set(value)) != len(value):
        raise ValidationError(_("Each reminder offset may appear only once."))


LEVERS_MAX, LEVER_NAME_MAX = 8, 60


def validate_levers(value):
    """A group's own levers: a few distinct names."""
    if not isinstance(value, list) or not all(isinstance(name, str) and name.strip() for name in value):
        raise ValidationError(_("Levers must be a list of names."))
    if len(value) > LEVERS_MAX:
        raise ValidationError(_("A group names %(max)s levers at most.") % {"max": LEVERS_MAX})
    if any(len(name) > LEVER_NAME_MAX for name in value):
        raise ValidationError(_("A lever’s name is %(max)s characters at most.") % {"max": LEVER_NAME_MAX})
    if len({name.strip().casefold() for name in value}) != len(value):
        raise ValidationError(_("Each lever may appear only once."))


class WorkingGroupQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=WorkingGroup.Status.ACTIVE)

    def visible_to(self, roles):
        """Every logged-in user sees the list of groups (name, theme, coordinator)."""
        return self if roles.is_authenticated else self.none()

    def member_of(self, roles):
        """The groups whose meetings, minutes and actions these roles may see (admins: all)."""
        if roles.is_admin:
            return self
        return self.filter(pk__in=roles.member_group_ids)

    def with_member_count(self, on=None):
        """Each group's current members, in one subquery."""
        members = (
            Membership.objects.current(on=on)
            .filter(group=OuterRef("pk"))
            .values("group")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(member_count=Coalesce(Subquery(members), 0))

    def for_list(self):
        """Everything the list of groups shows: territory and current coordinators."""
        return self.select_related("territory").prefetch_related(
            models.Prefetch(
                "memberships",
                queryset=Membership.objects.current().coordinators().select_related("contact"),
                to_attr="current_coordinators",
            )
        )


class WorkingGroup(models.Model):
    """A working group of the network: people from many bodies meeting around one question."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ARCHIVED = "archived", _("Archived")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    theme = models.CharField(_("theme"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    territory = models.ForeignKey(
        "reference.Territory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("territory"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    meetings_per_year = models.PositiveSmallIntegerField(_("target meetings a year"), default=6)
    reminder_offsets = models.JSONField(
        _("reminders (days before a meeting)"),
        default=default_reminder_offsets,
        validators=[validate_reminder_offsets],
        help_text=_("For example [7, 1]: a week and a day before each meeting."),
    )
    levers = models.JSONField(
        _("own levers"),
        default=list,
        blank=True,
        validators=[validate_levers],
        help_text=_(
            "The levers the group's actions follow. Empty: the network's (raise awareness, train, role models)."
        ),
    )
    poll_reminder_days = models.PositiveSmallIntegerField(
        _("date poll reminder (days before its deadline)"),
        default=2,
        help_text=_(
            "Those who have not answered a date poll are reminded this many days before its deadline; 0: never."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = WorkingGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        constraints = [
            models.CheckConstraint(condition=Q(meetings_per_year__lte=52), name="group_meetings_per_year_sane"),
            models.CheckConstraint(condition=Q(poll_reminder_days__lte=60), name="group_poll_reminder_days_sane"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("meetings:group", args=[self.slug])

    @property
    def is_archived(self):
        return self.status == self.Status.ARCHIVED

    @property
    def theme_beside_name(self):
        """The theme, to show under the name; empty when it only repeats the name."""
        return "" if self.theme.strip().casefold() == self.name.strip().casefold() else self.theme


def in_force(on):
    """THE rule of a membership in force on a date: joined by then (or no date), not yet left.

    Membership.is_current_on() says the same in Python; a test keeps the two in step.
    """
    return (Q(joined__isnull=True) | Q(joined__lte=on)) & (Q(left__isnull=True) | Q(left__gt=on))


def ended(on):
    """A membership that ended on or before the date: the member left."""
    return Q(left__lte=on)


class MembershipQuerySet(models.QuerySet):
    def current(self, on=None):
        """Memberships in force on a date (today by default): joined, not yet left."""
        return self.filter(in_force(on or timezone.localdate()))

    def not_ended(self, on=None):
        """Current memberships and those that start later: everything but the former ones."""
        return self.exclude(ended(on or timezone.localdate()))

    def coordinators(self):
        return self.filter(role=Membership.Role.COORDINATOR).order_by("contact__last_name", "contact__first_name")

    def former(self, on=None):
        """Memberships that have ended: the member left on or before the date."""
        return self.filter(ended(on or timezone.localdate()))

    def of_user(self, user):
        """The memberships of a login's contact."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(contact__user=user)

    def roles_of(self, user, on=None):
        """{group id: role} of a login's memberships in force on a date (today by default)."""
        return dict(self.current(on).of_user(user).values_list("group_id", "role"))

    def for_group_page(self):
        """Current members as the group page lists them: grouped by organisation."""
        return (
            self.current()
            .select_related("contact__organisation")
            .order_by("contact__organisation__name", "contact__last_name", "contact__first_name")
        )


class Membership(models.Model):
    """A contact's place in a working group, with a role and a period."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        MEMBER = "member", _("Member")
        GUEST = "guest", _("Guest")

    group = models.ForeignKey(
        WorkingGroup, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("group")
    )
    contact = models.ForeignKey(
        "stakeholders.Contact",
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("contact"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    joined = models.DateField(_("joined"), null=True, blank=True)
    left = models.DateField(_("left"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["group", "contact__last_name", "contact__first_name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["group", "contact"], name="membership_unique_contact"),
            models.CheckConstraint(
                condition=Q(left__isnull=True) | Q(joined__isnull=True) | Q(left__gte=models.F("joined")),
                name="membership_left_after_joined",
            ),
        ]

    def __str__(self):
        return f"{self.contact} – {self.group} ({self.get_role_display()})"

    def is_current_on(self, on):
        """in_force(on), for a row already loaded."""
        return (self.joined is None or self.joined <= on) and (self.left is None or self.left > on)

    def has_ended_on(self, on):
        """ended(on), for a row already loaded."""
        return self.left is not None and self.left <= on

    @property
    def is_current(self):
        return self.is_current_on(timezone.localdate())

    @property
    def is_former(self):
        return self.has_ended_on(timezone.localdate())

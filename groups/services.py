"""Writes on working groups that touch more than one row: views, admin and commands call these."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import Membership, WorkingGroup

# Paths under /groups/ that a group's slug must not shadow.
RESERVED_SLUGS = {"new"}


def unique_slug(name):
    """A free slug made from the group's name: mixite-des-metiers, mixite-des-metiers-2…"""
    base = (slugify(name) or "groupe")[:70]
    slug, n = base, 1
    while slug in RESERVED_SLUGS or WorkingGroup.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def create_group(*, coordinator=None, **fields):
    """A new active group; its creator, when they are a contact, becomes its coordinator."""
    if not fields.get("slug"):
        fields["slug"] = unique_slug(fields["name"])
    group = WorkingGroup.objects.create(**fields)
    if coordinator is not None:
        Membership.objects.create(
            group=group, contact=coordinator, role=Membership.Role.COORDINATOR, joined=timezone.localdate()
        )
    return group


def archive_group(group):
    """Archived groups leave the lists; nothing about them is deleted."""
    group.status = WorkingGroup.Status.ARCHIVED
    group.save(update_fields=["status", "updated_at"])


def restore_group(group):
    group.status = WorkingGroup.Status.ACTIVE
    group.save(update_fields=["status", "updated_at"])


def add_member(group, *, contact, role, joined=None):
    """A contact joins a group. A contact has one membership per group: a former member is reopened."""
    existing = Membership.objects.filter(group=group, contact=contact).first()
    if existing is not None:
        if not existing.is_former:
            raise ValidationError(
                _("%(name)s is already in this group.") % {"name": contact.full_name}, code="duplicate"
            )
        raise ValidationError(
            _(
                "%(name)s left this group on %(date)s. Use “Rejoin” in the list of former members "
                "rather than adding them again."
            )
            % {"name": contact.full_name, "date": existing.left.strftime("%d/%m/%Y")},
            code="former",
        )
    try:
        with transaction.atomic():
            return Membership.objects.create(
                group=group, contact=contact, role=role, joined=joined or timezone.localdate()
            )
    except IntegrityError:  # added by someone else in the meantime
        raise ValidationError(
            _("%(name)s is already in this group.") % {"name": contact.full_name}, code="duplicate"
        ) from None


def end_membership(membership, *, left=None):
    """The member leaves: the row stays (history, attendance), no new mail goes to them."""
    left = left or timezone.localdate()
    if membership.joined and left < membership.joined:
        raise ValidationError(_("The leaving date cannot be before the joining date."), code="left_before_joined")
    membership.left = left
    membership.save(update_fields=["left"])
    return membership


def rejoin(membership):
    """A former member comes back: the same row (one per contact and group), reopened.

    The first joining date is kept: one row per contact and group holds one period, so the
    pages count them as a member during the gap too (invited, nothing recorded). What they
    answered or did at each meeting stays in its attendance row.
    """
    membership.left = None
    membership.save(update_fields=["left"])
    return membership

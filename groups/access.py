"""Who may see and do what. Every view asks here; nowhere else decides.

SPEC.md's table: admins (is_staff) may do everything; coordinators everything about
the groups they coordinate, plus the directory and indicator imports; members see
the meetings, agendas, minutes and actions of their own groups. Objects of a group a
user does not belong to answer 404, never 403, so their existence does not leak.

A request reads its user's roles once, on first use: `request.roles`, set by
`groups.middleware.RolesMiddleware` (like healthchecks' `request.profile`). Every rule
is a question asked of those roles, and every fetch-or-404 helper is here.
"""

from functools import cached_property

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from stakeholders.models import Contact, Organisation

from .models import Membership, WorkingGroup


def contact_of(user):
    """The login's contact record, or None (an admin may have none)."""
    if not user.is_authenticated:
        return None
    try:
        return user.contact
    except ObjectDoesNotExist:
        return None


class Roles:
    """One user's standing: admin or not, and their role in each group they currently sit in."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def groups(self):
        """{group id: Membership.Role} of the user's current memberships."""
        return Membership.objects.roles_of(self.user) if self.user.is_authenticated else {}

    def __repr__(self):
        return f"<Roles of {self.user}: {self.groups}{' admin' if self.is_admin else ''}>"

    @property
    def is_authenticated(self):
        return bool(self.user.is_authenticated and self.user.is_active)

    @property
    def is_admin(self):
        return bool(self.is_authenticated and self.user.is_staff)

    @cached_property
    def contact(self):
        return contact_of(self.user)

    @cached_property
    def member_group_ids(self):
        """Groups whose meetings, minutes and actions the user may see (any current role)."""
        return frozenset(self.groups)

    @cached_property
    def coordinated_group_ids(self):
        return frozenset(gid for gid, role in self.groups.items() if role == Membership.Role.COORDINATOR)

    @property
    def is_coordinator(self):
        """Coordinates at least one group (or is an admin): the directory, new groups, indicator imports."""
        return self.is_admin or bool(self.coordinated_group_ids)

    def can_view(self, group):
        """The group's meetings, minutes, actions and members: its members, coordinators and admins."""
        return self.is_admin or _pk(group) in self.member_group_ids

    def can_coordinate(self, group):
        return self.is_admin or _pk(group) in self.coordinated_group_ids

    # What a coordinator (of any group) may do; admins too.
    can_see_contact_details = is_coordinator  # phone numbers and e-mail addresses
    can_manage_directory = is_coordinator
    can_create_group = is_coordinator
    can_import_indicators = is_coordinator

    @property
    def sees_small_cells(self):
        """Admins see the true small counts; everyone else sees them withheld."""
        return self.is_admin

    @property
    def can_see_role_models(self):
        """The role models page serves awareness actions: every logged-in user."""
        return self.is_authenticated

    def can_edit_contact(self, contact):
        """Change, invite, archive, export, erase or delete a contact.

        Admins; otherwise a coordinator of every group the contact was ever in (current,
        former or due to join): nobody redirects another group's mail or erases a person out
        of another group's history. A contact who was never in a group belongs to the
        directory at large, and any coordinator may edit them unless they have a login
        (whose address receives password links: admins only).
        """
        if self.is_admin:
            return True
        if not self.coordinated_group_ids:
            return False
        groups = set(Membership.objects.filter(contact=contact).values_list("group_id", flat=True))
        if not groups:
            return contact.user_id is None
        return groups <= self.coordinated_group_ids

    def can_change_login_email(self, contact):
        """The address of a contact who has a login receives their password links: admins only."""
        return contact.user_id is None or self.is_admin


def _pk(group):
    return group if isinstance(group, int) else group.pk


def require(condition):
    """404 unless the condition holds: a page the user may not use does not exist for them."""
    if not condition:
        raise Http404


def group_for_reader(roles, slug):
    """A group any logged-in user may read about (name, theme, coordination), or 404."""
    return get_object_or_404(WorkingGroup.objects.visible_to(roles).select_related("territory"), slug=slug)


def group_for_member(roles, slug):
    """The group whose content these roles may see, or 404."""
    group = get_object_or_404(WorkingGroup.objects.select_related("territory"), slug=slug)
    require(roles.can_view(group))
    return group


def group_for_coordinator(roles, slug):
    """The group these roles coordinate; 404 for outsiders, 403 for its plain members."""
    group = group_for_member(roles, slug)
    if not roles.can_coordinate(group):
        raise PermissionDenied
    return group


def for_member(roles, queryset, **lookup):
    """A row of a group (a meeting, an action…) whose content these roles may see, or 404.

    The queryset's rows have a `group`; select it with them, the pages name it.
    """
    obj = get_object_or_404(queryset, **lookup)
    require(roles.can_view(obj.group_id))
    return obj


def for_coordinator(roles, queryset, **lookup):
    """A row of a group these roles coordinate; 404 for outsiders, 403 for its plain members."""
    obj = for_member(roles, queryset, **lookup)
    if not roles.can_coordinate(obj.group_id):
        raise PermissionDenied
    return obj


def part_of(queryset, **lookup):
    """A row that belongs to an object already fetched through this module (an agenda item of
    a meeting, a membership of a group), or 404: the lookup names that object."""
    return get_object_or_404(queryset, **lookup)


def membership_for_coordinator(roles, slug, pk):
    """(group, membership) of a group these roles coordinate; 404 or 403 as group_for_coordinator."""
    group = group_for_coordinator(roles, slug)
    return group, part_of(Membership.objects.select_related("contact__organisation"), group=group, pk=pk)


def organisation_for_directory(roles, pk, queryset=None):
    """An organisation of the directory, for those who may use it (coordinators, admins), or 404."""
    require(roles.can_manage_directory)
    return get_object_or_404(queryset if queryset is not None else Organisation.objects, pk=pk)


def contact_for_directory(roles, pk, queryset=None):
    """A contact of the directory, to read, for those who may use it; changing it is contact_for_editor."""
    require(roles.can_manage_directory)
    return get_object_or_404(queryset if queryset is not None else Contact.objects, pk=pk)


def contact_for_editor(roles, pk, queryset=None):
    """A contact these roles may change (Roles.can_edit_contact), or 404."""
    require(roles.can_manage_directory)
    contact = get_object_or_404(queryset if queryset is not None else Contact.objects, pk=pk)
    require(roles.can_edit_contact(contact))
    return contact

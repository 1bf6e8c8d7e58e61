"""Who may see and do what. Every view asks here; nowhere else decides.

SPEC.md's table: admins (is_staff) may do everything; coordinators everything about
the groups they coordinate, plus the directory and indicator imports; members see
the meetings, agendas, minutes and actions of their own groups. Objects of a group a
user does not belong to answer 404, never 403, so their existence does not leak.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Membership, WorkingGroup

_CACHE_ATTR = "_wekker_access"


def is_admin(user):
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def contact_of(user):
    """The user's contact record, or None (an admin may have none)."""
    if not user.is_authenticated:
        return None
    try:
        return user.contact
    except Exception:  # RelatedObjectDoesNotExist
        return None


def _memberships(user):
    """The user's current memberships as {group_id: role}, computed once per request."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    roles = {}
    if user.is_authenticated:
        rows = Membership.objects.current().filter(contact__user=user).values_list("group_id", "role")
        roles = dict(rows)
    setattr(user, _CACHE_ATTR, roles)
    return roles


def forget(user):
    """Drop the per-request cache, after memberships changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def member_group_ids(user):
    """Groups whose meetings, minutes and actions the user may see (any current role)."""
    return set(_memberships(user))


def coordinated_group_ids(user):
    return {gid for gid, role in _memberships(user).items() if role == Membership.Role.COORDINATOR}


def is_coordinator(user):
    """Coordinates at least one group (or is an admin): may use the directory and import indicators."""
    return is_admin(user) or bool(coordinated_group_ids(user))


def can_view_group_content(user, group):
    return is_admin(user) or (group.pk in member_group_ids(user))


def can_coordinate(user, group):
    return is_admin(user) or (group.pk in coordinated_group_ids(user))


def can_see_contact_details(user):
    """Phone numbers and e-mail addresses: coordinators and admins only."""
    return is_coordinator(user)


def can_manage_directory(user):
    """See the directory, create organisations and contacts: any coordinator."""
    return is_coordinator(user)


def can_edit_contact(user, contact):
    """Change, invite, archive, export, erase or delete a contact.

    Admins; otherwise a coordinator of every group the contact was ever in (current,
    former or due to join): nobody redirects another group's mail or erases a person out
    of another group's history. A contact who was never in a group belongs to the
    directory at large, and any coordinator may edit them unless they have a login
    (whose address receives password links: admins only).
    """
    if is_admin(user):
        return True
    coordinated = coordinated_group_ids(user)
    if not coordinated:
        return False
    groups = set(Membership.objects.filter(contact=contact).values_list("group_id", flat=True))
    if not groups:
        return contact.user_id is None
    return groups <= coordinated


def can_change_login_email(user, contact):
    """The address of a contact who has a login receives their password links: admins only."""
    return contact.user_id is None or is_admin(user)


def can_import_indicators(user):
    return is_coordinator(user)


def sees_small_cells(user):
    """Admins see the true small counts; everyone else sees them withheld."""
    return is_admin(user)


def group_for_member(user, slug):
    """The group whose content the user may see, or 404."""
    try:
        group = WorkingGroup.objects.get(slug=slug)
    except WorkingGroup.DoesNotExist:
        raise Http404 from None
    if not can_view_group_content(user, group):
        raise Http404
    return group


def group_for_coordinator(user, slug):
    """The group the user coordinates; 404 for outsiders, 403 for its plain members."""
    group = group_for_member(user, slug)
    if not can_coordinate(user, group):
        raise PermissionDenied
    return group


def require(condition):
    """404 unless the condition holds: a page the user may not use does not exist for them."""
    if not condition:
        raise Http404


def can_create_group(user):
    """Admins and anyone who already coordinates a group may start a new one."""
    return is_coordinator(user)


def can_see_group_members(user, group):
    """Who is in a group (names, organisations): its members, its coordinators, admins."""
    return can_view_group_content(user, group)


def can_see_role_models(user):
    """The role models page serves awareness actions: every logged-in user."""
    return bool(user.is_authenticated and user.is_active)


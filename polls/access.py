"""Who may see a date poll: groups/access.py decides about the group; this adds the people asked.

A poll's group members see the whole grid; a person asked who is not in the group (a partner
with a login) sees their own answers and the totals; anyone else gets a 404.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from groups import access

from .models import Invitee, Poll


def _poll(pk):
    return get_object_or_404(Poll.objects.select_related("group", "chosen", "meeting"), pk=pk)


def invitee_of(poll, contact):
    if contact is None:
        return None
    return Invitee.objects.filter(poll=poll, contact=contact).select_related("contact__organisation").first()


def poll_for_reader(roles, pk):
    """(poll, the user's own invitation or None, whether they see the whole grid), or 404."""
    poll = _poll(pk)
    mine = invitee_of(poll, roles.contact)
    full = roles.can_view(poll.group)
    access.require(full or mine is not None)
    return poll, mine, full


def poll_for_coordinator(roles, pk):
    """A poll of a group these roles coordinate; 404 for outsiders, 403 for its plain members."""
    poll = _poll(pk)
    access.require(roles.can_view(poll.group))
    if not roles.can_coordinate(poll.group):
        raise PermissionDenied
    return poll

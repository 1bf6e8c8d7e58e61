"""Helpers shared by the meeting pages' tests (fixtures live in the root conftest)."""

import datetime as dt

from django.utils import timezone

from groups.models import Membership
from groups.tests.factories import MembershipFactory
from meetings.planning import services as planning_services
from stakeholders.tests.factories import ContactFactory, OrganisationFactory

# Expected status per role for a page of the mixité group that members may see.
MEMBER_PAGE = {
    "anonymous": 302,
    "outsider": 404,
    "membre": 200,
    "other_coordinator": 404,
    "coordinatrice": 200,
    "admin_user": 200,
}
# ...and for a page only the group's coordinators may use.
COORDINATOR_PAGE = {**MEMBER_PAGE, "membre": 403}


def meeting_of(group, *, days=10, hours=2.5, **kwargs):
    """A meeting created the way the app creates them (invitations, action review item)."""
    starts = (timezone.now() + dt.timedelta(days=days)).replace(microsecond=0)
    return planning_services.create_meeting(
        group=group,
        title=kwargs.pop("title", ""),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=hours),
        place=kwargs.pop("place", "Maison de l'emploi, Rennes"),
        **kwargs,
    )


def members(group, count, *, organisation=None):
    """Add count members (from count organisations unless one is given)."""
    contacts = []
    for _ in range(count):
        contact = ContactFactory(organisation=organisation or OrganisationFactory())
        MembershipFactory(group=group, contact=contact, role=Membership.Role.MEMBER)
        contacts.append(contact)
    return contacts


def record(meeting, contact, **fields):
    """Write what the register or an answer would: the contact's row for the meeting, with these fields."""
    from meetings.models import Attendance

    return Attendance.objects.update_or_create(meeting=meeting, contact=contact, defaults=fields)[0]

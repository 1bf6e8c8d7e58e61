import pytest
from django.db import DatabaseError

from groups.models import Membership
from groups.tests.factories import MembershipFactory, WorkingGroupFactory
from stakeholders.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def make_groups(n):
    for _ in range(n):
        group = WorkingGroupFactory()
        MembershipFactory(group=group, role=Membership.Role.COORDINATOR)
        MembershipFactory(group=group, role=Membership.Role.COORDINATOR)


def fill_members(group, n):
    """The members page lists members only (meetings and actions are another app's, the group page's)."""
    for _ in range(n):
        MembershipFactory(group=group, contact=ContactFactory())


@pytest.mark.parametrize("size", [3, 15])
def test_it_keeps_the_group_list_queries_constant(client, membre, size, django_assert_num_queries):
    make_groups(size)
    client.force_login(membre)
    # session, user, memberships (access), count, groups with territory, their coordinators,
    # themes for the filter, territories for the filter
    with django_assert_num_queries(8):
        response = client.get("/groups/")
    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 12])
def test_it_keeps_the_members_page_queries_constant(client, coordinatrice, mixite, size, django_assert_num_queries):
    fill_members(mixite, size)
    client.force_login(coordinatrice)
    # session, user, memberships (access), group, current and upcoming members, former members
    # (no contact at all until a search)
    with django_assert_num_queries(6):
        response = client.get("/groups/mixite/members/")
    assert response.status_code == 200


class BrokenUser:
    """A login whose contact cannot be read: the database went away."""

    is_authenticated = True

    @property
    def contact(self):
        raise DatabaseError("server closed the connection unexpectedly")


def test_it_lets_a_database_error_through_contact_of():
    """A database error is an error, not "this login has no contact" (issue 15, item 8)."""
    from groups.access import contact_of

    with pytest.raises(DatabaseError):
        contact_of(BrokenUser())

import pytest

from groups.tests.factories import MembershipFactory, WorkingGroupFactory
from stakeholders.tests.factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def make_people(n):
    groups = [WorkingGroupFactory(), WorkingGroupFactory()]
    for i in range(n):
        organisation = OrganisationFactory()
        for group in groups:
            contact = ContactFactory(organisation=organisation, is_role_model=True, testimony_trade=f"Métier {i}")
            MembershipFactory(group=group, contact=contact)


@pytest.mark.parametrize("size", [2, 12])
def test_it_keeps_the_contact_directory_queries_constant(client, coordinatrice, size, django_assert_num_queries):
    make_people(size)
    client.force_login(coordinatrice)
    # session, user, memberships (access), count, contacts with organisations, their current groups,
    # then the filter's choices: sectors, territories, the user's groups
    with django_assert_num_queries(9):
        response = client.get("/partners/")
    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 12])
def test_it_keeps_the_organisation_list_queries_constant(client, coordinatrice, size, django_assert_num_queries):
    make_people(size)
    client.force_login(coordinatrice)
    # session, user, memberships (access), count, organisations with contact counts,
    # then the filter's choices: sectors, territories, the user's groups
    with django_assert_num_queries(8):
        response = client.get("/partners/organisations/")
    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 12])
def test_it_keeps_the_role_models_queries_constant(client, membre, size, django_assert_num_queries):
    make_people(size)
    client.force_login(membre)
    # session, user, memberships (access), count, role models with organisations
    with django_assert_num_queries(5):
        response = client.get("/partners/role-models/")
    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 12])
def test_it_keeps_the_organisation_page_queries_constant(client, coordinatrice, size, django_assert_num_queries):
    organisation = OrganisationFactory()
    group = WorkingGroupFactory()
    for _ in range(size):
        MembershipFactory(group=group, contact=ContactFactory(organisation=organisation))
    client.force_login(coordinatrice)
    # session, user, memberships (access), organisation, contacts, their current groups
    with django_assert_num_queries(6):
        response = client.get(organisation.get_absolute_url())
    assert response.status_code == 200

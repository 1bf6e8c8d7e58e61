"""Who may change a contact: the coordinators of every group the contact is in, and admins.

A coordinator of another group must not redirect a group's mail (by changing a member's
address) nor erase, delete, archive, invite or export its members.
"""

import datetime as dt
import json

import pytest
from django.utils import timezone

from conftest import COORDINATORS, ROLES, check, posted
from groups import access
from groups.models import Membership
from groups.tests.factories import MembershipFactory
from stakeholders.models import Contact, Organisation
from stakeholders.tests.factories import ContactFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

# A member of mixité only: its coordinator and admins may change them; the seniors' coordinator may not.
EDITORS_OF_MIXITE = {
    "anonymous": "login",
    "outsider": 404,
    "membre": 404,
    "other_coordinator": 404,
    "coordinatrice": 200,
    "admin_user": 200,
}


@pytest.fixture
def nina(mixite):
    """A member of mixité only, without a login."""
    company = OrganisationFactory(name="Bâti Breizh", kind=Organisation.Kind.ENTREPRISE)
    contact = ContactFactory(first_name="Nina", last_name="Kerjean", organisation=company, email="nina@batibreizh.fr")
    MembershipFactory(group=mixite, contact=contact)
    return contact


def unchanged(contact):
    after = Contact.objects.filter(pk=contact.pk).first()
    return (
        after is not None
        and after.user_id is None
        and not after.is_archived
        and after.last_name == "Kerjean"
        and after.email == "nina@batibreizh.fr"
    )


GET_PAGES = {
    "edit": lambda c: f"/partners/contacts/{c.pk}/edit/",
    "erase": lambda c: f"/partners/contacts/{c.pk}/erase/",
    "delete": lambda c: f"/partners/contacts/{c.pk}/delete/",
    "export": lambda c: f"/partners/contacts/{c.pk}/export.json",
}


@pytest.mark.parametrize("page", GET_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_it_opens_a_members_pages_to_the_coordinators_of_their_group_only(client, as_role, role, cast, nina, page):
    check(client, as_role, role, GET_PAGES[page](nina), EDITORS_OF_MIXITE)


POSTS = {
    "edit": ("edit/", {"first_name": "Nina", "last_name": "Kerjean", "email": "pirate@example.org"}),
    "invite": ("invite/", {}),
    "archive": ("archive/", {}),
    "delete": ("delete/", {}),
    "erase": ("erase/", {}),
}


@pytest.mark.parametrize("action", POSTS)
@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_the_coordinators_of_their_group_change_a_member(client, as_role, role, cast, nina, action):
    path, data = POSTS[action]
    if action == "edit":
        data = {**data, "organisation": nina.organisation_id}
    url = f"/partners/contacts/{nina.pk}/{path}"
    check(client, as_role, role, url, posted(EDITORS_OF_MIXITE), method="post", data=data)
    allowed = EDITORS_OF_MIXITE[role] == 200
    # delete is refused for a member (the membership refers to them) but answers all the same.
    assert unchanged(nina) is (not allowed or action == "delete")


def test_it_lets_the_seniors_coordinator_see_but_not_change_a_mixite_member(client, other_coordinator, nina):
    client.force_login(other_coordinator)
    html = client.get(nina.get_absolute_url()).content.decode()
    assert "Nina Kerjean" in html
    assert "fait partie de groupes que vous ne coordonnez pas" in html
    for path in ("edit/", "delete/", "erase/", "export.json", "invite/", "archive/"):
        assert f"/partners/contacts/{nina.pk}/{path}" not in html


def test_it_shows_the_management_buttons_to_the_groups_coordinator(client, coordinatrice, nina):
    client.force_login(coordinatrice)
    html = client.get(nina.get_absolute_url()).content.decode()
    for path in ("edit/", "delete/", "erase/", "export.json", "invite/", "archive/"):
        assert f"/partners/contacts/{nina.pk}/{path}" in html
    assert "fait partie de groupes que vous ne coordonnez pas" not in html


def test_it_needs_the_coordination_of_every_group_of_the_contact(
    client, coordinatrice, other_coordinator, nina, seniors
):
    MembershipFactory(group=seniors, contact=nina)
    for user in (coordinatrice, other_coordinator):
        client.force_login(user)
        assert client.get(f"/partners/contacts/{nina.pk}/edit/").status_code == 404
    MembershipFactory(group=seniors, contact=coordinatrice.contact, role=Membership.Role.COORDINATOR)
    client.force_login(coordinatrice)
    assert client.get(f"/partners/contacts/{nina.pk}/edit/").status_code == 200


def test_it_keeps_a_former_member_with_the_groups_that_hold_their_history(
    client, other_coordinator, coordinatrice, nina
):
    nina.memberships.update(joined=dt.date(2020, 1, 1), left=dt.date(2021, 1, 1))
    client.force_login(other_coordinator)
    assert client.get(f"/partners/contacts/{nina.pk}/edit/").status_code == 404
    assert client.post(f"/partners/contacts/{nina.pk}/erase/").status_code == 404
    client.force_login(coordinatrice)
    assert client.get(f"/partners/contacts/{nina.pk}/edit/").status_code == 200


def test_it_lets_any_coordinator_edit_a_contact_who_was_never_in_a_group(other_coordinator):
    roles = access.Roles(other_coordinator)
    assert roles.can_edit_contact(ContactFactory())
    # …unless they have a login: their address receives password links.
    assert not roles.can_edit_contact(ContactFactory(user=UserFactory()))


def test_it_counts_a_group_the_contact_is_about_to_join(client, other_coordinator, nina):
    nina.memberships.update(joined=timezone.localdate() + dt.timedelta(days=10))
    client.force_login(other_coordinator)
    assert client.get(f"/partners/contacts/{nina.pk}/edit/").status_code == 404


def test_it_refuses_other_groups_a_members_export(client, other_coordinator, coordinatrice, nina):
    client.force_login(other_coordinator)
    assert client.get(f"/partners/contacts/{nina.pk}/export.json").status_code == 404
    client.force_login(coordinatrice)
    assert (
        json.loads(client.get(f"/partners/contacts/{nina.pk}/export.json").content)["contact"]["last_name"] == "Kerjean"
    )


# --- The address of a contact with a login ---------------------------------------------


def edit(client, contact, **changes):
    data = {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "organisation": contact.organisation_id,
        "email": contact.email,
        "phone": contact.phone,
        **changes,
    }
    return client.post(f"/partners/contacts/{contact.pk}/edit/", data)


def test_it_refuses_a_coordinator_changing_the_address_of_a_contact_with_a_login(client, coordinatrice, membre):
    contact = membre.contact
    client.force_login(coordinatrice)
    assert (
        "seul un administrateur peut changer son adresse"
        in client.get(f"/partners/contacts/{contact.pk}/edit/").content.decode()
    )
    response = edit(client, contact, email="pirate@example.org")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ce contact a un compte : seul un administrateur peut changer son adresse électronique." in html
    contact.refresh_from_db()
    assert contact.email == membre.email


def test_it_lets_a_coordinator_change_the_rest_of_a_contact_with_a_login(client, coordinatrice, membre):
    contact = membre.contact
    client.force_login(coordinatrice)
    assert edit(client, contact, phone="06 00 00 00 01", email=contact.email.upper()).status_code == 302
    contact.refresh_from_db()
    assert contact.phone == "06 00 00 00 01"


def test_it_lets_an_admin_change_the_address_of_a_contact_with_a_login(client, admin_user, membre):
    contact = membre.contact
    client.force_login(admin_user)
    assert edit(client, contact, email="yann.morvan@example.org").status_code == 302
    contact.refresh_from_db()
    assert contact.email == "yann.morvan@example.org"


def test_it_lets_a_coordinator_change_the_address_of_a_contact_without_a_login(client, coordinatrice, nina):
    client.force_login(coordinatrice)
    assert edit(client, nina, email="nina.kerjean@batibreizh.fr").status_code == 302
    nina.refresh_from_db()
    assert nina.email == "nina.kerjean@batibreizh.fr"


# --- Deleting asks first ------------------------------------------------------------------


def test_it_asks_before_deleting_a_contact(client, coordinatrice):
    contact = ContactFactory(first_name="Jo", last_name="Doublon")
    client.force_login(coordinatrice)
    detail = client.get(contact.get_absolute_url()).content.decode()
    assert f'href="/partners/contacts/{contact.pk}/delete/"' in detail
    html = client.get(f"/partners/contacts/{contact.pk}/delete/").content.decode()
    assert "Supprimer le contact Jo Doublon" in html and "Supprimer définitivement" in html
    assert 'method="post"' in html
    assert Contact.objects.filter(pk=contact.pk).exists()
    response = client.post(f"/partners/contacts/{contact.pk}/delete/", follow=True)
    assert "Le contact a été supprimé." in response.content.decode()
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_it_asks_before_deleting_an_organisation(client, coordinatrice):
    empty = OrganisationFactory(name="Doublon SARL")
    client.force_login(coordinatrice)
    detail = client.get(empty.get_absolute_url()).content.decode()
    assert f'href="/partners/organisations/{empty.pk}/delete/"' in detail
    html = client.get(f"/partners/organisations/{empty.pk}/delete/").content.decode()
    assert "Supprimer l’organisation Doublon SARL" in html and "Supprimer définitivement" in html
    assert Organisation.objects.filter(pk=empty.pk).exists()
    client.post(f"/partners/organisations/{empty.pk}/delete/")
    assert not Organisation.objects.filter(pk=empty.pk).exists()


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_the_organisation_delete_page_to_coordinators_only(client, as_role, role, cast):
    empty = OrganisationFactory(name="Doublon SARL")
    check(client, as_role, role, f"/partners/organisations/{empty.pk}/delete/", COORDINATORS)
    assert Organisation.objects.filter(pk=empty.pk).exists()


def test_it_neutralises_script_tags_on_the_delete_pages(client, coordinatrice):
    evil = ContactFactory(first_name="<script>alert(1)</script>", organisation=OrganisationFactory(name="<b>x</b>"))
    client.force_login(coordinatrice)
    for path in (f"/partners/contacts/{evil.pk}/delete/", f"/partners/organisations/{evil.organisation_id}/delete/"):
        html = client.get(path).content.decode()
        assert "<script>alert(1)" not in html and "<b>x</b>" not in html, path

"""SPEC.md's role table for the home page and the admin."""

import pytest

from conftest import EVERYONE, ROLES, check

pytestmark = pytest.mark.django_db

ADMIN = {
    "anonymous": 302,
    "outsider": 302,
    "membre": 302,
    "other_coordinator": 302,
    "coordinatrice": 302,
    "admin_user": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_each_role_reach_the_home_page_or_login(client, as_role, role):
    check(client, as_role, role, "/", EVERYONE)


@pytest.mark.parametrize("role", ROLES)
def test_it_keeps_the_admin_for_admins(client, as_role, role):
    as_role(role)
    response = client.get("/admin/")
    assert response.status_code == ADMIN[role]
    if ADMIN[role] == 302:
        assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("role", ["membre", "coordinatrice"])
def test_it_shows_the_directory_link_to_coordinators_only(client, as_role, role):
    as_role(role)
    html = client.get("/").content.decode()
    assert ("Partenaires" in html) is (role == "coordinatrice")
    assert "Administration</a>" not in html


def test_it_shows_the_admin_link_to_admins(client, admin_user):
    client.force_login(admin_user)
    assert "Administration</a>" in client.get("/").content.decode()

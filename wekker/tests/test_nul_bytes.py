"""NUL characters are refused once, by a middleware, before any view: a 400, never a 500.

PostgreSQL cannot store or compare text with NUL (DataError). The test sends NUL to every
GET parameter of every list page (the parameters read from each page's own filter form,
plus `q`, `page` and `sort`), to the addresses that carry a token, and to a form field.
"""

import re
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.urls import reverse

from conftest import meeting_of
from meetings.tests.factories import ActionFactory

pytestmark = pytest.mark.django_db

LIST_PAGES = [
    "/groups/",
    "/partners/",
    "/partners/organisations/",
    "/partners/role-models/",
    "/actions/",
    "/my/agenda/",
    "/indicators/",
    "/indicators/import/",
    "/groups/mixite/",
    "/groups/mixite/members/",
    "/groups/mixite/attendance/",
]
ALWAYS = ["q", "page", "sort", "o", "status", "group"]
FIELD = re.compile(r'<(?:input|select)[^>]*\sname="([^"]+)"')
GET_FORM = re.compile(r'<form(?![^>]*method="post")[^>]*>(.*?)</form>', re.S | re.I)


def get_parameters(html):
    """The names of the fields of the page's GET forms (its filters)."""
    names = {name for form in GET_FORM.findall(html) for name in FIELD.findall(form)}
    return sorted(names - {"csrfmiddlewaretoken"})


def admin_changelists():
    return [reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist") for m in admin.site._registry]


@pytest.fixture
def pages(client, admin_user, coordinatrice, membre, mixite):
    meeting_of(mixite, days=-3)
    ActionFactory(group=mixite, owner=membre.contact)
    client.force_login(admin_user)
    return LIST_PAGES + admin_changelists()


def test_it_refuses_nul_in_every_get_parameter_of_every_list_page(client, pages):
    tried, refused = 0, []
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        for name in sorted(set(get_parameters(page.content.decode())) | set(ALWAYS)):
            for value in ("\x00", "a\x00b"):
                response = client.get(url, {name: value})
                tried += 1
                if response.status_code != 400:
                    refused.append((url, name, response.status_code))
    assert refused == [] and tried > 200


def test_it_refuses_nul_in_a_parameter_name_and_in_a_path(client, pages):
    assert client.get("/partners/?q\x00=x").status_code == 400
    assert client.get("/calendar/%00.ics").status_code == 400
    assert client.get("/calendar/abc%00def.ics").status_code == 400
    assert client.get("/rsvp/a%00b/").status_code == 400


def test_it_says_so_in_french_and_changes_nothing(client, pages, mixite):
    name, url = mixite.name, reverse("groups:edit", args=[mixite.slug])
    body = urlencode({"name": "Nouveau\x00nom"})
    response = client.post(url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and "Requête incorrecte" in response.content.decode()
    # Multipart bodies are left to their views (an upload sets its own handlers): the form's
    # text fields refuse NUL themselves, in French.
    response = client.post(url, {"name": "Nouveau\x00nom"})
    assert response.status_code == 200 and "Le caractère nul n’est pas autorisé" in response.content.decode()
    mixite.refresh_from_db()
    assert mixite.name == name


def test_it_lets_ordinary_text_through(client, pages):
    assert client.get("/partners/", {"q": "Lemoine é ‘ %"}).status_code == 200

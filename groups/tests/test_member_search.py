"""Adding a member: a search among the contacts, never a list of the whole directory."""

import datetime as dt
import re

import pytest

from groups.forms import SEARCH_LIMIT
from groups.models import Membership
from groups.tests.factories import MembershipFactory
from stakeholders.tests.factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

RADIO = re.compile(r'<input type="radio" name="contact"')


def options(html):
    return len(RADIO.findall(html))


@pytest.fixture
def nina(db):
    company = OrganisationFactory(name="Bâti Breizh")
    return ContactFactory(first_name="Nina", last_name="Kerjean", organisation=company, email="nina@batibreizh.fr")


def test_it_offers_no_contact_before_a_search(client, coordinatrice, mixite, nina):
    client.force_login(coordinatrice)
    html = client.get("/groups/mixite/members/").content.decode()
    assert "Rechercher le contact" in html and 'name="q"' in html
    assert options(html) == 0 and "Kerjean" not in html


@pytest.mark.parametrize("search", ["kerj", "NINA", "bâti breizh", "nina@bati", "nina kerjean"])
def test_it_finds_a_contact_by_name_organisation_or_address(client, coordinatrice, mixite, nina, search):
    ContactFactory(first_name="Paul", last_name="Autre")
    client.force_login(coordinatrice)
    html = client.get("/groups/mixite/members/", {"q": search}).content.decode()
    assert "1 contact correspond." in html
    assert options(html) == 1 and "Nina Kerjean — Bâti Breizh (nina@batibreizh.fr)" in html
    assert f'value="{nina.pk}"' in html


def test_it_leaves_archived_contacts_out_of_the_search(client, coordinatrice, mixite, nina):
    nina.is_archived = True
    nina.save()
    client.force_login(coordinatrice)
    html = client.get("/groups/mixite/members/", {"q": "kerjean"}).content.decode()
    assert options(html) == 0 and "Aucun contact ne correspond à « kerjean »." in html


def test_it_shows_at_most_thirty_contacts_out_of_two_hundred(client, coordinatrice, mixite):
    organisation = OrganisationFactory(name="Grande Maison")
    ContactFactory.create_batch(200, organisation=organisation)
    client.force_login(coordinatrice)
    assert options(client.get("/groups/mixite/members/").content.decode()) == 0
    html = client.get("/groups/mixite/members/", {"q": "grande maison"}).content.decode()
    assert options(html) == SEARCH_LIMIT == 30
    assert "Plus de 30 contacts correspondent" in html


def test_it_adds_the_chosen_contact_and_keeps_the_search_with_the_form(client, coordinatrice, mixite, nina):
    client.force_login(coordinatrice)
    html = client.get("/groups/mixite/members/", {"q": "kerjean"}).content.decode()
    assert '<input type="hidden" name="q" value="kerjean">' in html
    assert "<fieldset" in html and "<legend" in html
    response = client.post(
        "/groups/mixite/members/", {"q": "kerjean", "contact": nina.pk, "role": "member", "joined": "2026-02-01"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(contact=nina, group=mixite).joined == dt.date(2026, 2, 1)


def test_it_validates_the_contact_by_primary_key_whatever_the_search(client, coordinatrice, mixite, nina):
    client.force_login(coordinatrice)
    response = client.post("/groups/mixite/members/", {"contact": nina.pk, "role": "guest", "joined": "2026-02-01"})
    assert response.status_code == 302
    assert Membership.objects.get(contact=nina).role == "guest"


@pytest.mark.parametrize(
    "contact, message",
    [
        ("archived", "Ce contact n’existe pas ou est archivé : relancez la recherche."),
        ("999999", "Ce contact n’existe pas ou est archivé : relancez la recherche."),
        ("abc", "Ce contact n’existe pas ou est archivé : relancez la recherche."),
        ("", "Choisissez un contact parmi les résultats de la recherche."),
    ],
)
def test_it_refuses_a_contact_it_cannot_add_in_french(client, coordinatrice, mixite, nina, contact, message):
    if contact == "archived":
        nina.is_archived = True
        nina.save()
        contact = nina.pk
    members = Membership.objects.count()
    client.force_login(coordinatrice)
    response = client.post(
        "/groups/mixite/members/", {"q": "", "contact": contact, "role": "member", "joined": "2026-02-01"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Membership.objects.count() == members


def test_it_keeps_the_chosen_contact_on_screen_after_an_error(client, coordinatrice, mixite, nina):
    client.force_login(coordinatrice)
    response = client.post("/groups/mixite/members/", {"q": "", "contact": nina.pk, "role": "member", "joined": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "Nina Kerjean — Bâti Breizh" in html
        and f'value="{nina.pk}" class="form-check-input" id="id_contact_0" required checked' in html
    )


def test_it_neutralises_script_tags_in_search_results(client, coordinatrice, mixite):
    ContactFactory(last_name="<script>alert(1)</script>", organisation=OrganisationFactory(name="<b>Org</b>"))
    client.force_login(coordinatrice)
    html = client.get("/groups/mixite/members/", {"q": "<script>"}).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html and "<b>Org</b>" not in html


@pytest.mark.parametrize("size", [5, 60])
def test_it_keeps_the_search_queries_constant(client, coordinatrice, mixite, size, django_assert_num_queries):
    organisation = OrganisationFactory(name="Grande Maison")
    ContactFactory.create_batch(size, organisation=organisation)
    for contact in ContactFactory.create_batch(3):
        MembershipFactory(group=mixite, contact=contact)
    client.force_login(coordinatrice)
    # session, user, memberships (access), group, matching contacts with organisations,
    # current and upcoming members, former members
    with django_assert_num_queries(7):
        response = client.get("/groups/mixite/members/", {"q": "maison"})
    assert response.status_code == 200

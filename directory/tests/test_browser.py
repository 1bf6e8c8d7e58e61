"""The partners pages in a real browser, with axe-core on each."""

import pytest

from stakeholders.models import Organisation
from stakeholders.tests.factories import ContactFactory, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/wekker-groups-{}.png"


def test_it_shows_the_partners_pages_accessibly(page, browser_login, axe, coordinatrice, membre, mixite):
    company = OrganisationFactory(name="Bâti Breizh", kind=Organisation.Kind.ENTREPRISE)
    ContactFactory(
        first_name="Ana",
        last_name="Ferreira",
        organisation=company,
        is_role_model=True,
        testimony_trade="Maçonne",
        testimony_video_url="https://www.youtube.com/watch?v=abc",
    )
    browser_login(page, coordinatrice)
    for name, path in [
        ("directory", "/partners/"),
        ("organisations", "/partners/organisations/"),
        ("organisation", company.get_absolute_url()),
        ("contact-form", "/partners/contacts/new/"),
        ("role-models", "/partners/role-models/"),
        ("groups", "/groups/"),
        ("erase", f"/partners/contacts/{membre.contact.pk}/erase/"),
        ("contact-delete", f"/partners/contacts/{membre.contact.pk}/delete/"),
        ("organisation-delete", f"/partners/organisations/{company.pk}/delete/"),
        ("members-search", "/groups/mixite/members/?q=a"),
    ]:
        page.goto(path)
        assert page.get_by_role("heading", level=1).count() == 1, path
        axe(page)
        page.screenshot(path=SHOTS.format(f"5-{name}"), full_page=True)

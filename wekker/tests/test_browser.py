"""The first steps in a real browser: log in, land on the home page; axe-core on both."""

import pytest
from playwright.sync_api import expect

from meetings.tests.factories import ActionFactory, MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_logs_a_member_in_and_shows_their_home(page, membre, mixite, browser_login, axe):
    MeetingFactory(group=mixite, title="Réunion de rentrée")
    ActionFactory(group=mixite, owner=membre.contact, title="Préparer le forum des métiers")
    page.goto("/accounts/login/")
    assert page.title() == "Se connecter · Wekker"
    axe(page)
    browser_login(page, membre)
    assert page.locator("h1").inner_text() == "Bonjour Yann"
    assert page.get_by_text("Réunion de rentrée").is_visible()
    assert page.get_by_text("Préparer le forum des métiers").is_visible()
    axe(page)


def test_it_lets_a_keyboard_user_skip_to_the_content(page, membre, browser_login):
    browser_login(page, membre)
    page.keyboard.press("Tab")
    skip = page.get_by_text("Aller au contenu principal")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_it_refuses_a_wrong_password_in_french(page, membre, axe):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "membre")
    page.fill("input[name=password]", "mauvais")
    page.click("main button[type=submit]")
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in page.content()
    axe(page)


def test_it_fits_the_home_page_on_a_phone(phone_page, coordinatrice, mixite, browser_login, axe):
    MeetingFactory(group=mixite)
    browser_login(phone_page, coordinatrice)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    phone_page.get_by_role("button", name="Afficher le menu").click()
    expect(phone_page.get_by_role("link", name="Mon agenda", exact=True)).to_be_visible()
    axe(phone_page)


def test_it_sees_what_the_content_security_policy_refuses(page, membre, browser_login):
    """The watch every browser test runs under: an inline style slipped into the page is refused and seen."""
    browser_login(page, membre)
    assert page.csp_violations == []
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_timeout(200)
    assert any("style-src" in message for message in page.csp_violations)
    page.csp_violations.clear()


def test_it_runs_the_admin_under_the_content_security_policy(page, admin_user, mixite, coordinatrice):
    """Through the admin's login door (the site's page), then lists, filters, forms: nothing refused."""
    page.goto("/admin/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "wekker-test")
    page.click("main button[type=submit]")
    page.wait_for_url("**/admin/")
    for url in [
        "/admin/meetings/delivery/?state=retrying",
        "/admin/groups/workinggroup/",
        f"/admin/groups/workinggroup/{mixite.pk}/change/",
        "/admin/meetings/meeting/add/",
        "/admin/auth/user/",
    ]:
        page.goto(url)
        assert page.locator("#content").is_visible(), url

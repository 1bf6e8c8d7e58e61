"""A coordinator's journey in a real browser, and a new member reading the group on a phone."""

import re

import pytest
from django.conf import settings
from django.core import mail

from groups.models import Membership, WorkingGroup
from meetings.tests.factories import ActionFactory, MeetingFactory
from stakeholders.models import Organisation
from stakeholders.tests.factories import ContactFactory, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/wekker-groups-{}.png"


def test_it_lets_a_coordinator_build_a_group_and_a_member_read_it_on_a_phone(
    page, phone_page, live_server, browser_login, axe, coordinatrice, bretagne
):
    company = OrganisationFactory(name="Bâti Breizh", kind=Organisation.Kind.ENTREPRISE)
    nina = ContactFactory(first_name="Nina", last_name="Kerjean", organisation=company, email="nina@batibreizh.fr")

    # The coordinator creates a group from the list.
    browser_login(page, coordinatrice)
    page.goto("/groups/")
    axe(page)
    page.get_by_role("link", name="Nouveau groupe").click()
    page.locator("#id_name").fill("Mobilité durable")
    page.locator("#id_theme").fill("Mobilité des jeunes")
    page.locator("#id_territory").select_option(label=str(bretagne))
    axe(page)
    page.get_by_role("button", name="Créer le groupe").click()
    page.wait_for_url("**/groups/mobilite-durable/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mobilité durable"
    axe(page)
    page.screenshot(path=SHOTS.format("1-group"), full_page=True)

    # She adds Nina as a member.
    page.get_by_role("link", name="Gérer les membres").click()
    page.get_by_label("Rechercher le contact").fill("kerjean")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    assert page.get_by_text("1 contact correspond.").is_visible()
    axe(page)
    page.get_by_label("Nina Kerjean — Bâti Breizh").check()
    page.get_by_role("button", name="Ajouter", exact=True).click()
    assert page.get_by_text("Nina Kerjean a été ajouté·e au groupe.").is_visible()
    axe(page)
    page.screenshot(path=SHOTS.format("2-members"), full_page=True)
    group = WorkingGroup.objects.get(slug="mobilite-durable")
    assert group.memberships.get(contact=nina).role == Membership.Role.MEMBER

    # A meeting and an action, so the member has something to read.
    MeetingFactory(group=group, title="Lancement du groupe")
    ActionFactory(group=group, owner=nina, title="Recenser les offres de covoiturage", lever="sensibiliser")

    # She invites Nina to Wekker from her contact page.
    page.get_by_role("link", name="Nina Kerjean").first.click()
    axe(page)
    page.get_by_role("button", name="Inviter sur Wekker").click()
    assert page.get_by_text("Une invitation a été envoyée à nina@batibreizh.fr").is_visible()
    page.screenshot(path=SHOTS.format("3-contact"), full_page=True)
    [invitation] = mail.outbox
    link = re.search(r"https?://\S+/accounts/reset/\S+", invitation.body).group(0)

    # Nina chooses her password on her phone, logs in and reads the group.
    phone_page.goto(link.removeprefix(settings.SITE_URL))  # mails link to SITE_URL; the test server is elsewhere
    phone_page.locator("#id_new_password1").fill("Une-phrase-solide-2026")
    phone_page.locator("#id_new_password2").fill("Une-phrase-solide-2026")
    phone_page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    # Choosing the password logged her in.
    phone_page.get_by_text("Votre mot de passe est enregistré : bienvenue sur Wekker.").wait_for()
    phone_page.goto("/groups/mobilite-durable/")
    assert phone_page.get_by_role("heading", name="Lancement du groupe").count() == 0  # a list item, not a heading
    assert phone_page.get_by_text("Lancement du groupe").is_visible()
    assert phone_page.get_by_text("Recenser les offres de covoiturage").is_visible()
    assert phone_page.get_by_text("Télécharger les réunions du groupe (.ics)").is_visible()
    assert phone_page.get_by_role("link", name="Mon agenda").first.is_visible()
    assert "nina@batibreizh.fr" not in phone_page.content()  # members see no e-mails
    # Nothing sticks out sideways on a phone.
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    axe(phone_page)
    phone_page.screenshot(path=SHOTS.format("4-phone"), full_page=True)

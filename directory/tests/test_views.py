import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import TestCase
from django.utils import timezone

from conftest import COORDINATORS, EVERYONE, ROLES, check, posted
from groups.tests.factories import MembershipFactory
from stakeholders.models import Contact, Organisation
from stakeholders.tests.factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(db):
    """A role model from a building company, without a login."""
    company = OrganisationFactory(name="Bâti Breizh", kind=Organisation.Kind.ENTREPRISE)
    return ContactFactory(
        first_name="Ana",
        last_name="Ferreira",
        organisation=company,
        email="ana@batibreizh.fr",
        phone="06 11 22 33 44",
        is_role_model=True,
        testimony_trade="Maçonne",
        testimony_video_url="https://www.youtube.com/watch?v=abc",
    )


GET_PAGES = {
    "directory": lambda c: "/partners/",
    "organisations": lambda c: "/partners/organisations/",
    "organisation": lambda c: f"/partners/organisations/{c.organisation_id}/",
    "organisation_create": lambda c: "/partners/organisations/new/",
    "organisation_edit": lambda c: f"/partners/organisations/{c.organisation_id}/edit/",
    "contact": lambda c: f"/partners/contacts/{c.pk}/",
    "contact_create": lambda c: "/partners/contacts/new/",
    "contact_edit": lambda c: f"/partners/contacts/{c.pk}/edit/",
    "contact_export": lambda c: f"/partners/contacts/{c.pk}/export.json",
    "contact_erase": lambda c: f"/partners/contacts/{c.pk}/erase/",
}


@pytest.mark.parametrize("page", GET_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_it_opens_the_directory_to_coordinators_and_admins_only(client, as_role, role, cast, ana, page):
    check(client, as_role, role, GET_PAGES[page](ana), COORDINATORS)


POST_ACTIONS = ["invite", "archive", "delete", "erase"]


@pytest.mark.parametrize("action", POST_ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_coordinators_and_admins_change_contacts(client, as_role, role, cast, ana, action):
    check(client, as_role, role, f"/partners/contacts/{ana.pk}/{action}/", posted(COORDINATORS), method="post")
    after = Contact.objects.filter(pk=ana.pk).first()
    changed = after is None or after.user_id is not None or after.is_archived or after.last_name != "Ferreira"
    assert changed is (COORDINATORS[role] == 200)


@pytest.mark.parametrize("action", ["archive", "delete"])
@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_coordinators_and_admins_change_organisations(client, as_role, role, cast, ana, action):
    url = f"/partners/organisations/{ana.organisation_id}/{action}/"
    check(client, as_role, role, url, posted(COORDINATORS), method="post")


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_role_models_to_everyone_logged_in_without_details_for_members(client, as_role, role, cast, ana):
    response = check(client, as_role, role, "/partners/role-models/", EVERYONE)
    if role == "anonymous":
        return
    html = response.content.decode()
    assert "Ana Ferreira" in html and "Maçonne" in html and "Bâti Breizh" in html
    assert "https://www.youtube.com/watch?v=abc" in html
    sees_details = role in ("other_coordinator", "coordinatrice", "admin_user")
    assert ("ana@batibreizh.fr" in html) is sees_details
    assert ("06 11 22 33 44" in html) is sees_details


def test_it_hides_the_directory_link_from_members(client, membre, coordinatrice):
    client.force_login(membre)
    assert 'href="/partners/"' not in client.get("/groups/").content.decode()
    client.force_login(coordinatrice)
    assert 'href="/partners/"' in client.get("/groups/").content.decode()


# --- The directory -------------------------------------------------------------


def test_it_filters_contacts_by_kind_sector_territory_group_and_text(client, coordinatrice, membre, mixite, ana):
    from reference.models import Domain, Territory

    construction = Domain.objects.get(nomenclature="rome", code="F")
    finistere = Territory.objects.get(code="29")
    ana.organisation.sector = construction
    ana.organisation.territory = finistere
    ana.organisation.save()
    client.force_login(coordinatrice)

    def names(query):
        html = client.get(f"/partners/?{query}").content.decode()
        return {name for name in ("Ferreira", "Morvan", "Le Gall") if f"{name} " in html}

    assert names("") == {"Ferreira", "Morvan", "Le Gall"}
    assert names("kind=entreprise") == {"Ferreira"}
    assert names(f"sector={construction.pk}") == {"Ferreira"}
    assert names(f"territory={finistere.pk}") == {"Ferreira"}
    assert names(f"group={mixite.pk}") == {"Morvan", "Le Gall"}
    assert names("q=batibreizh") == set()  # e-mails are not searched
    assert names("q=bâti") == {"Ferreira"}  # organisation name
    assert names("q=yann morvan") == {"Morvan"}
    assert "ana@batibreizh.fr" in client.get("/partners/").content.decode()


def test_it_filters_organisations_and_hides_archived_ones(client, coordinatrice, ana, departement):
    OrganisationFactory(name="Ancienne CCI", is_archived=True)
    client.force_login(coordinatrice)
    html = client.get("/partners/organisations/").content.decode()
    assert "Bâti Breizh" in html and "Conseil départemental" in html and "Ancienne CCI" not in html
    html = client.get("/partners/organisations/?kind=entreprise").content.decode()
    assert "Bâti Breizh" in html and "Conseil départemental" not in html
    html = client.get("/partners/organisations/?archived=yes").content.decode()
    assert "Ancienne CCI" in html and "Bâti Breizh" not in html
    html = client.get("/partners/organisations/?q=ferreira").content.decode()
    assert "Bâti Breizh" in html and "Conseil départemental" not in html


def test_it_shows_an_organisation_with_its_contacts(client, coordinatrice, ana):
    client.force_login(coordinatrice)
    html = client.get(ana.organisation.get_absolute_url()).content.decode()
    assert "Bâti Breizh" in html and "Ana Ferreira" in html and "Entreprise" in html


def test_it_shows_a_contact_with_groups_and_details(client, coordinatrice, membre, mixite):
    client.force_login(coordinatrice)
    html = client.get(membre.contact.get_absolute_url()).content.decode()
    assert "Yann Morvan" in html and "Mixité des métiers" in html
    assert membre.email in html
    assert "Exporter (JSON)" in html


# --- Create and edit -----------------------------------------------------------


def test_it_creates_an_organisation_and_a_contact(client, coordinatrice):
    client.force_login(coordinatrice)
    response = client.post(
        "/partners/organisations/new/",
        {"name": "Chambre d'agriculture", "kind": "chambre", "website": "https://chambre.bzh"},
    )
    organisation = Organisation.objects.get(name="Chambre d'agriculture")
    assert response["Location"] == organisation.get_absolute_url()
    response = client.post(
        "/partners/contacts/new/",
        {
            "first_name": "Lena",
            "last_name": "Riou",
            "organisation": organisation.pk,
            "email": "lena@chambre.bzh",
            "phone": "+33 2 99 00 00 00",
        },
    )
    contact = Contact.objects.get(last_name="Riou")
    assert response["Location"] == contact.get_absolute_url()
    assert contact.organisation == organisation and contact.user is None


@pytest.mark.parametrize(
    "data, field_error",
    [
        ({"website": "javascript:alert(1)"}, "adresse web complète"),
        ({"website": "pas une adresse"}, "adresse web complète"),
        ({"name": ""}, "Ce champ est obligatoire."),
    ],
)
def test_it_rejects_a_bad_organisation_and_changes_nothing(client, coordinatrice, departement, data, field_error):
    client.force_login(coordinatrice)
    response = client.post(
        f"/partners/organisations/{departement.pk}/edit/", {"name": "Nouveau nom", "kind": "collectivite", **data}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert field_error in html and "Rien n’a été enregistré" in html
    departement.refresh_from_db()
    assert departement.name == "Conseil départemental d'Ille-et-Vilaine" and departement.website == ""


@pytest.mark.parametrize(
    "data, field_error",
    [
        ({"testimony_video_url": "javascript:alert(1)"}, "adresse web complète"),
        ({"is_role_model": "on", "testimony_trade": ""}, "doit avoir le métier de son témoignage"),
        ({"email": "pas-un-courriel"}, "adresse électronique valide"),
        ({"email": "ana@batibreizh.fr"}, "Un autre contact utilise déjà cette adresse : Ana Ferreira (Bâti Breizh)."),
        ({"phone": "appelez-moi"}, "numéro de téléphone"),
    ],
)
def test_it_rejects_a_bad_contact_and_changes_nothing(client, coordinatrice, membre, ana, data, field_error):
    contact = membre.contact
    client.force_login(coordinatrice)
    response = client.post(
        f"/partners/contacts/{contact.pk}/edit/",
        {"first_name": "Yannick", "last_name": "Morvan", "organisation": contact.organisation_id, **data},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert field_error in html and "Rien n’a été enregistré" in html
    contact.refresh_from_db()
    assert contact.first_name == "Yann"


def test_it_neutralises_script_tags_in_the_directory(client, coordinatrice):
    evil = OrganisationFactory(name="<script>alert('org')</script>")
    ContactFactory(
        first_name="<script>alert('x')</script>",
        organisation=evil,
        is_role_model=True,
        testimony_trade="<img src=x onerror=alert(1)>",
    )
    client.force_login(coordinatrice)
    for path in ("/partners/", "/partners/organisations/", evil.get_absolute_url(), "/partners/role-models/"):
        html = client.get(path).content.decode()
        assert "<script>alert(" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;alert(" in html, path


# --- Archive and delete ---------------------------------------------------------


def test_it_refuses_to_delete_an_organisation_with_contacts(client, coordinatrice, ana):
    client.force_login(coordinatrice)
    response = client.post(f"/partners/organisations/{ana.organisation_id}/delete/", follow=True)
    assert "ne peut pas être supprimée" in response.content.decode()
    assert Organisation.objects.filter(pk=ana.organisation_id).exists()


def test_it_deletes_an_unused_organisation(client, coordinatrice):
    empty = OrganisationFactory(name="Doublon")
    client.force_login(coordinatrice)
    client.post(f"/partners/organisations/{empty.pk}/delete/")
    assert not Organisation.objects.filter(pk=empty.pk).exists()


def test_it_refuses_to_delete_a_contact_others_refer_to_and_archives_instead(client, coordinatrice, mixite):
    contact = ContactFactory(first_name="Jo", last_name="Référencé")
    MembershipFactory(group=mixite, contact=contact)
    client.force_login(coordinatrice)
    response = client.post(f"/partners/contacts/{contact.pk}/delete/", follow=True)
    assert "ne peut pas être supprimé" in response.content.decode()
    assert Contact.objects.filter(pk=contact.pk).exists()
    client.post(f"/partners/contacts/{contact.pk}/archive/")
    contact.refresh_from_db()
    assert contact.is_archived
    assert "Référencé" not in client.get("/partners/").content.decode()
    assert "Référencé" in client.get("/partners/?archived=yes").content.decode()


# --- Invitations -----------------------------------------------------------------


def test_it_invites_a_contact_who_sets_a_password_and_logs_in(client, coordinatrice, ana, mailoutbox, settings):
    settings.PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
    client.force_login(coordinatrice)
    response = invite_post(client, f"/partners/contacts/{ana.pk}/invite/", follow=True)
    assert "Une invitation a été envoyée à ana@batibreizh.fr" in response.content.decode()
    ana.refresh_from_db()
    assert ana.user.username == "ana@batibreizh.fr" and not ana.user.has_usable_password()
    [mail] = mailoutbox
    assert mail.to == ["ana@batibreizh.fr"]
    assert mail.subject == "Votre accès à Wekker"
    assert "Claire Le Gall vous invite sur Wekker" in mail.body
    assert "valable 3 jours" in mail.body
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html" and "Choisir mon mot de passe" in html
    link = next(line for line in mail.body.splitlines() if "/accounts/reset/" in line).strip()
    client.logout()
    response = client.get(link.removeprefix(settings.SITE_URL), follow=True)
    assert "Choose" not in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "Une-phrase-solide-2026", "new_password2": "Une-phrase-solide-2026"})
    assert client.login(username="ana@batibreizh.fr", password="Une-phrase-solide-2026")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"email": ""}, "n’a pas d’adresse électronique"),
        ({"user": "existing"}, "a déjà un compte"),
        ({"is_archived": True}, "est archivé"),
    ],
)
def test_it_refuses_an_impossible_invitation_in_french(client, coordinatrice, mixite, ana, mailoutbox, change, message):
    from groups.tests.factories import MembershipFactory

    MembershipFactory(group=mixite, contact=ana)  # in the coordinator's group: theirs to invite
    if change.get("user") == "existing":
        # A login in use (an invited person who never logged in gets the invitation again).
        change = {"user": get_user_model().objects.create_user("deja", last_login=timezone.now())}
    Contact.objects.filter(pk=ana.pk).update(**change)
    users = get_user_model().objects.count()
    client.force_login(coordinatrice)
    response = invite_post(client, f"/partners/contacts/{ana.pk}/invite/", follow=True)
    assert message in response.content.decode()
    assert mailoutbox == []
    assert get_user_model().objects.count() == users


def test_it_refuses_an_invitation_when_the_address_is_already_a_login(client, coordinatrice, ana, mailoutbox):
    get_user_model().objects.create_user("someone", email="ANA@batibreizh.fr")
    client.force_login(coordinatrice)
    response = invite_post(client, f"/partners/contacts/{ana.pk}/invite/", follow=True)
    assert "Un compte utilise déjà l’adresse ana@batibreizh.fr" in response.content.decode()
    ana.refresh_from_db()
    assert ana.user is None and mailoutbox == []


# --- RGPD ------------------------------------------------------------------------------


def test_it_refuses_to_erase_an_admins_login_for_a_coordinator(client, coordinatrice, admin_user):
    contact = ContactFactory(user=admin_user, first_name="Ada", last_name="Admin")
    client.force_login(coordinatrice)
    response = client.post(f"/partners/contacts/{contact.pk}/erase/")
    assert response.status_code == 404  # a login in no group of hers: admins only
    contact.refresh_from_db()
    assert contact.last_name == "Admin"


def test_it_makes_the_invitation_link_expire(client, coordinatrice, ana, mailoutbox, settings):
    client.force_login(coordinatrice)
    invite_post(client, f"/partners/contacts/{ana.pk}/invite/")
    link = next(line for line in mailoutbox[0].body.splitlines() if "/accounts/reset/" in line).strip()
    settings.PASSWORD_RESET_TIMEOUT = -1  # any age is now too old
    client.logout()
    response = client.get(link.removeprefix(settings.SITE_URL), follow=True)
    assert response.context["validlink"] is False


def test_it_sends_an_invitation_again_to_someone_who_never_logged_in(client, coordinatrice, mixite, mailoutbox):
    from groups.tests.factories import MembershipFactory
    from stakeholders.tests.factories import ContactFactory

    contact = ContactFactory(email="nina@example.org")
    MembershipFactory(group=mixite, contact=contact)
    client.force_login(coordinatrice)
    invite_post(client, f"/partners/contacts/{contact.pk}/invite/")
    contact.refresh_from_db()
    html = client.get(f"/partners/contacts/{contact.pk}/").content.decode()
    assert "Invitation envoyée, pas encore connecté·e" in html
    assert "Renvoyer l&#x27;invitation" in html or "Renvoyer l'invitation" in html
    invite_post(client, f"/partners/contacts/{contact.pk}/invite/")
    assert len(mailoutbox) == 2
    assert mailoutbox[0].to == mailoutbox[1].to == ["nina@example.org"]
    # Once they have logged in, no more invitations.
    from django.utils import timezone

    contact.user.last_login = timezone.now()
    contact.user.save()
    html = client.get(f"/partners/contacts/{contact.pk}/").content.decode()
    assert "Renvoyer" not in html
    invite_post(client, f"/partners/contacts/{contact.pk}/invite/")
    assert len(mailoutbox) == 2


def test_it_says_plainly_when_a_contact_has_no_login(client, coordinatrice, mixite):
    from stakeholders.tests.factories import ContactFactory

    contact = ContactFactory()
    client.force_login(coordinatrice)
    html = client.get(f"/partners/contacts/{contact.pk}/").content.decode()
    assert "Pas encore de compte" in html and "Aucun(e)" not in html
    assert '<li class="breadcrumb-item"><a href="/partners/">Partenaires</a></li>' in html


def test_it_offers_only_my_groups_in_the_directory_filter(client, coordinatrice, mixite, seniors):
    client.force_login(coordinatrice)
    html = client.get("/partners/").content.decode()
    assert f'<option value="{mixite.pk}">Mixité des métiers</option>' in html
    assert "Emploi des seniors" not in html


def test_it_links_invitations_to_the_site_address_whatever_the_host(
    client, coordinatrice, mixite, mailoutbox, settings
):
    from groups.tests.factories import MembershipFactory
    from stakeholders.tests.factories import ContactFactory

    settings.SITE_URL = "https://wekker.example.org"
    contact = ContactFactory(email="lea@example.org")
    MembershipFactory(group=mixite, contact=contact)
    client.force_login(coordinatrice)
    invite_post(client, f"/partners/contacts/{contact.pk}/invite/", HTTP_HOST="127.0.0.1:8020", SERVER_NAME="127.0.0.1")
    assert "https://wekker.example.org/accounts/reset/" in mailoutbox[0].body
    assert "127.0.0.1:8020" not in mailoutbox[0].body


def test_it_cancels_the_first_link_when_the_invitation_is_sent_again(client, coordinatrice, mixite, mailoutbox):
    import re

    from groups.tests.factories import MembershipFactory
    from stakeholders.tests.factories import ContactFactory

    contact = ContactFactory(email="malo@example.org")
    MembershipFactory(group=mixite, contact=contact)
    client.force_login(coordinatrice)
    invite_post(client, f"/partners/contacts/{contact.pk}/invite/")
    invite_post(client, f"/partners/contacts/{contact.pk}/invite/")
    first, second = (re.search(r"https?://\S+/accounts/reset/\S+", m.body).group(0) for m in mailoutbox)
    client.logout()
    old = client.get(first.removeprefix(settings.SITE_URL), follow=True).content.decode()
    assert "Ce lien ne fonctionne plus" in old
    new = client.get(second.removeprefix(settings.SITE_URL), follow=True).content.decode()
    assert "Choisissez votre mot de passe" in new


def invite_post(client, *args, **kwargs):
    """POST an invitation and run what waits for the commit (the mail leaves once the login is saved)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(*args, **kwargs)

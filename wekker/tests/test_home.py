import pytest

from meetings.tests.factories import ActionFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_shows_the_login_page_in_french(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Se connecter" in html
    assert 'name="username"' in html and 'name="password"' in html


def test_it_shows_a_member_their_meetings_actions_and_groups(client, membre, mixite, seniors):
    MeetingFactory(group=mixite, title="Réunion de rentrée")
    MeetingFactory(group=seniors, title="Réunion secrète des seniors")
    ActionFactory(group=mixite, owner=membre.contact, title="Préparer le forum")
    client.force_login(membre)
    html = client.get("/").content.decode()
    assert "Réunion de rentrée" in html
    assert "Réunion secrète des seniors" not in html
    assert "Préparer le forum" in html
    assert "Mixité des métiers" in html
    assert "Groupes que je coordonne" not in html


def test_it_shows_a_coordinator_the_groups_they_run_with_counts(client, coordinatrice, membre, mixite):
    MeetingFactory(group=mixite)
    client.force_login(coordinatrice)
    html = client.get("/").content.decode()
    assert "Groupes que je coordonne" in html
    assert '<td class="text-end">2</td>' in html  # coordinatrice and membre


def test_it_keeps_the_home_page_queries_constant(client, coordinatrice, mixite, django_assert_max_num_queries):
    for _ in range(20):
        MeetingFactory(group=mixite)
        ActionFactory(group=mixite, owner=coordinatrice.contact)
    client.force_login(coordinatrice)
    # session, user, memberships, meetings, actions, my groups, coordinated groups with counts,
    # the date polls that ask me
    with django_assert_max_num_queries(9):
        client.get("/")


def test_it_switches_to_english_and_back(client, membre):
    client.force_login(membre)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "My next meetings" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert "Mes prochaines réunions" in client.get("/").content.decode()


def test_it_shows_a_french_page_not_found_with_a_way_back(client, membre, settings):
    settings.DEBUG = False
    client.force_login(membre)
    response = client.get("/meetings/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page introuvable" in html
    assert 'href="/"' in html and "Retour à l&#x27;accueil" in html or "Retour à l'accueil" in html


def test_it_shows_a_french_access_refused_page(client, membre, mixite, settings):
    settings.DEBUG = False
    client.force_login(membre)
    response = client.get(f"/groups/{mixite.slug}/edit/")
    assert response.status_code == 403
    assert "Cette page est réservée" in response.content.decode()


def test_it_names_the_login_field_as_people_know_it(client):
    html = client.get("/accounts/login/").content.decode()
    assert "Identifiant ou adresse e-mail" in html


def test_it_says_goodbye_on_logout(client, membre):
    client.force_login(membre)
    response = client.post("/accounts/logout/", follow=True)
    assert "Vous êtes déconnecté·e. À bientôt." in response.content.decode()


def test_it_does_not_repeat_a_group_name_as_its_theme(client, membre, mixite):
    client.force_login(membre)
    html = client.get("/").content.decode()
    assert "Mixité des métiers · Mixité des métiers" not in html

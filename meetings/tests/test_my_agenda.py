import datetime as dt
import re

import pytest
from django.conf import settings

from conftest import (
    EVERYONE,
    ROLES,
    check,
    event_of,
    meeting_of,
    members,
    text_of,
)
from meetings.agenda import services as agenda_services
from meetings.models import Attendance
from meetings.tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_my_agenda_to_every_logged_in_user(client, as_role, mixite, role):
    check(client, as_role, role, "/my/agenda/", EVERYONE)


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_a_contact_renew_their_feed(client, as_role, role):
    user = as_role(role)
    response = client.post("/my/agenda/feed/renew/")
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif role == "admin_user":
        assert response.status_code == 404  # no contact record
    else:
        old = user.contact.feed_token
        assert response.status_code == 302
        user.contact.refresh_from_db()
        assert user.contact.feed_token != old


def test_it_shows_my_meetings_with_published_agendas_and_my_actions(client, membre, mixite, seniors, coordinatrice):
    published = meeting_of(mixite, days=5, title="Réunion de rentrée")
    agenda_services.add_agenda_item(meeting=published, title="Bilan du forum", duration_minutes=10)
    agenda_services.publish_agenda(published)
    hidden = meeting_of(mixite, days=50, title="Réunion d’hiver")
    agenda_services.add_agenda_item(meeting=hidden, title="Point secret", duration_minutes=10)
    meeting_of(seniors, days=6, title="Réunion des seniors")
    meeting_of(mixite, days=-10, title="Réunion passée")
    ActionFactory(group=mixite, owner=membre.contact, title="Préparer le forum")
    ActionFactory(group=mixite, owner=membre.contact, title="Action finie", status="done")
    client.force_login(membre)
    html = client.get("/my/agenda/").content.decode()
    assert "Mixité des métiers – Réunion de rentrée" in html and "Bilan du forum" in html
    assert "Réunion d’hiver" in html and "Point secret" not in html
    assert "Réunion des seniors" not in html and "Réunion passée" not in html
    assert "Préparer le forum" in html and "Action finie" not in html
    assert f"{settings.SITE_URL}/calendar/{membre.contact.feed_token}.ics" in html
    assert "Je viendrai" in html


def test_it_answers_from_my_agenda_and_comes_back(client, membre, mixite):
    meeting = meeting_of(mixite, days=5)
    client.force_login(membre)
    response = client.post(f"/meetings/{meeting.pk}/answer/", {"answer": "maybe", "next": "/my/agenda/"})
    assert response.status_code == 302 and response["Location"] == "/my/agenda/"
    assert Attendance.objects.get(meeting=meeting, contact=membre.contact).answer == "maybe"


def test_it_refuses_to_redirect_elsewhere(client, membre, mixite):
    meeting = meeting_of(mixite, days=5)
    client.force_login(membre)
    response = client.post(f"/meetings/{meeting.pk}/answer/", {"answer": "yes", "next": "https://evil.example/"})
    assert response["Location"] == meeting.get_absolute_url()


def test_it_renews_the_feed_secret(client, membre):
    client.force_login(membre)
    old = membre.contact.feed_token
    response = client.post("/my/agenda/feed/renew/", follow=True)
    html = response.content.decode()
    assert "L’adresse de votre calendrier a été renouvelée" in html
    membre.contact.refresh_from_db()
    assert old not in html and membre.contact.feed_token in html


def test_it_keeps_my_agenda_query_count_constant(client, membre, mixite, settings, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 0  # the page as drawn: a kept one costs 2 (wekker/tests/test_pagecache.py)
    client.force_login(membre)

    def grow(n):
        people = members(mixite, 2)
        for i in range(n):
            meeting = meeting_of(mixite, days=3 + i)
            for j in range(3):
                agenda_services.add_agenda_item(
                    meeting=meeting, title=f"Point {j}", duration_minutes=10, presenter=people[0]
                )
            agenda_services.publish_agenda(meeting)
            ActionFactory(group=mixite, owner=membre.contact)

    grow(2)
    client.get("/my/agenda/")
    # session, user, memberships (roles), contact, my memberships' periods, meetings + groups,
    # agenda items + presenters, my answers, my open actions
    with django_assert_num_queries(9):
        client.get("/my/agenda/")
    grow(12)
    with django_assert_num_queries(9):
        response = client.get("/my/agenda/")
    assert response.status_code == 200


def test_it_names_both_months_or_both_years_when_the_span_crosses_them(client, membre, mixite):
    event_of(mixite, dt.date(2027, 3, 29), dt.date(2027, 4, 2))
    event_of(mixite, dt.date(2027, 12, 30), dt.date(2028, 1, 3))
    client.force_login(membre)
    page = text_of(client.get("/my/agenda/"))
    assert "du lundi 29 mars à 9h00 au vendredi 2 avril 2027 à 17h00" in page
    assert "du jeudi 30 décembre 2027 à 9h00 au lundi 3 janvier 2028 à 17h00" in page


def test_it_comes_back_to_the_meeting_answered_and_names_it(client, membre, upcoming):
    client.force_login(membre)
    html = client.get("/my/agenda/").content.decode()
    assert f'name="next" value="/my/agenda/#meeting-{upcoming.pk}"' in html
    assert f'id="meeting-{upcoming.pk}"' in html
    response = client.post(
        f"/meetings/{upcoming.pk}/answer/", {"answer": "yes", "next": f"/my/agenda/#meeting-{upcoming.pk}"}
    )
    assert response["Location"] == f"/my/agenda/#meeting-{upcoming.pk}"
    page = text_of(client.get(response["Location"]))
    assert f"Votre réponse à « Mixité des métiers – {upcoming.title} » est enregistrée : Oui." in page


def test_it_shows_the_whole_feed_address_to_copy_or_subscribe(client, membre):
    client.force_login(membre)
    html = client.get("/my/agenda/").content.decode()
    token = membre.contact.feed_token
    # Built from SITE_URL, like every link that leaves the site (the request's host may be a proxy's).
    site = settings.SITE_URL
    assert re.search(rf'<textarea id="feed-url"[^>]*readonly>{re.escape(site)}/calendar/{token}\.ics</textarea>', html)
    assert f'href="webcal://{site.split("://")[1]}/calendar/{token}.ics">S’abonner dans mon agenda</a>' in html
    assert "Copier l’adresse" in html and "meetings/copy-feed" in html


def test_it_builds_the_feed_address_from_site_url_not_the_request_host(client, membre, settings):
    """Issue 15, item 12: the one link that did not follow the README's rule now does."""
    settings.SITE_URL = "https://wekker.example.org"
    settings.ALLOWED_HOSTS = ["proxy.internal"]
    client.force_login(membre)
    html = client.get("/my/agenda/", HTTP_HOST="proxy.internal").content.decode()
    token = membre.contact.feed_token
    assert f"https://wekker.example.org/calendar/{token}.ics" in html
    assert f"webcal://wekker.example.org/calendar/{token}.ics" in html and "proxy.internal" not in html

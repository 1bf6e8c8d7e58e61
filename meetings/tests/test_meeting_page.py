import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import (
    COORDINATORS_OF_MIXITE,
    MEMBERS_OF_MIXITE,
    ROLES,
    check,
    event_of,
    meeting_of,
    members,
    posted,
    text_of,
)
from groups.tests.factories import MembershipFactory
from meetings.agenda import services as agenda_services
from meetings.attendance import services as attendance_services
from meetings.minutes import services as minutes_services
from meetings.models import Attendance, Meeting
from meetings.planning import services as planning_services
from meetings.tests.factories import ActionFactory, AgendaItemFactory, DocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(mixite, coordinatrice, membre):
    meeting = meeting_of(mixite)
    return meeting


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_the_group_see_a_meeting(client, as_role, meeting, role):
    check(client, as_role, role, meeting.get_absolute_url(), MEMBERS_OF_MIXITE)


def test_it_names_the_group_in_the_title_and_heading(client, membre, mixite):
    starts = dt.datetime(2030, 12, 9, 9, 30, tzinfo=planning_services.PARIS)
    meeting = planning_services.create_meeting(
        group=mixite, title="", starts_at=starts, ends_at=starts + dt.timedelta(hours=2, minutes=30)
    )
    client.force_login(membre)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "<title>Mixité des métiers – Réunion du 9 décembre · Wekker</title>" in html
    assert '<h1 class="h2">Mixité des métiers – Réunion du 9 décembre</h1>' in html
    assert "lundi 9 décembre 2030, 9h30–12h00" in html
    assert f"/meetings/{meeting.pk}/calendar.ics" in html


def test_it_hides_an_unpublished_agenda_from_members(client, membre, coordinatrice, meeting):
    AgendaItemFactory(meeting=meeting, title="Bilan du forum", position=2)
    client.force_login(membre)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Bilan du forum" not in html
    assert "L’ordre du jour n’a pas encore été publié." in html
    client.force_login(coordinatrice)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Bilan du forum" in html and "non publié" in html
    agenda_services.publish_agenda(meeting)
    client.force_login(membre)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Bilan du forum" in html and "Suivi des actions" in html


def test_it_lets_a_member_answer_in_one_click(client, membre, meeting):
    client.force_login(membre)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Je viendrai" in html
    response = client.post(f"/meetings/{meeting.pk}/answer/", {"answer": "yes"}, follow=True)
    assert (
        f"Votre réponse à « Mixité des métiers – {meeting.title} » est enregistrée : Oui." in response.content.decode()
    )
    attendance = Attendance.objects.get(meeting=meeting, contact=membre.contact)
    assert attendance.answer == "yes"


def test_it_colours_every_answer_button_as_one_that_works(client, membre, meeting):
    client.force_login(membre)
    html = client.get(meeting.get_absolute_url()).content.decode()
    maybe = re.search(r'<button[^>]*value="maybe"[^>]*>', html)[0]
    assert "btn-outline-primary" in maybe  # grey (secondary) read as a disabled button
    client.post(f"/meetings/{meeting.pk}/answer/", {"answer": "maybe"})
    maybe = re.search(r'<button[^>]*value="maybe"[^>]*>', client.get(meeting.get_absolute_url()).content.decode())[0]
    assert "btn-primary" in maybe and 'aria-pressed="true"' in maybe


def test_it_invites_a_member_who_joined_after_the_meeting_was_planned(client, mixite, meeting):
    [late] = members(mixite, 1)
    assert not Attendance.objects.filter(meeting=meeting, contact=late).exists()
    from stakeholders.tests.factories import UserFactory

    late.user = UserFactory(username="late")
    late.save()
    client.force_login(late.user)
    assert "Je viendrai" in client.get(meeting.get_absolute_url()).content.decode()
    # Invited by being a member: reading the page writes nothing, answering does.
    assert not Attendance.objects.filter(meeting=meeting, contact=late).exists()
    client.post(f"/meetings/{meeting.pk}/answer/", {"answer": "yes"})
    assert Attendance.objects.get(meeting=meeting, contact=late).answer == "yes"


def test_it_writes_nothing_when_a_member_with_an_invitation_opens_the_page(client, membre, mixite, meeting):
    [late] = members(mixite, 1)  # joined since: invited when they come, not by others' visits
    client.force_login(membre)
    client.get(meeting.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        client.get(meeting.get_absolute_url())
    assert not [
        q
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) and "django_session" not in q["sql"]
    ]
    assert not Attendance.objects.filter(meeting=meeting, contact=late).exists()


def test_it_refuses_an_answer_to_a_cancelled_meeting(client, membre, meeting):
    planning_services.cancel(meeting)
    client.force_login(membre)
    response = client.post(f"/meetings/{meeting.pk}/answer/", {"answer": "yes"}, follow=True)
    assert "Cette réunion est annulée." in response.content.decode()
    assert not Attendance.objects.filter(meeting=meeting, contact=membre.contact).exists()


def test_it_neutralises_scripts_in_the_meeting_page(client, coordinatrice, mixite):
    meeting = meeting_of(mixite, title="<script>alert('t')</script>", place="<script>alert('p')</script>")
    agenda_services.add_agenda_item(
        meeting=meeting,
        title="<script>alert('i')</script>",
        duration_minutes=10,
        description="<script>alert('d')</script>",
    )
    ActionFactory(group=mixite, meeting=meeting, owner=coordinatrice.contact, title="<script>alert('a')</script>")
    minutes_services.save_minutes(meeting, text="Texte <script>alert('m')</script> **gras**")
    client.force_login(coordinatrice)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;t&#x27;)" in html
    assert "<strong>gras</strong>" in html


def test_it_keeps_its_query_count_when_the_meeting_grows(
    client, coordinatrice, mixite, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0  # the page as drawn: a kept one costs 2 (wekker/tests/test_pagecache.py)
    meeting = meeting_of(mixite)

    def grow(n):
        people = members(mixite, n)
        for i in range(n):
            agenda_services.add_agenda_item(
                meeting=meeting, title=f"Point {i}", duration_minutes=5, presenter=people[i]
            )
            ActionFactory(group=mixite, meeting=meeting, owner=people[i])
            DocumentFactory(meeting=meeting)
        Attendance.objects.filter(meeting=meeting).update(presence="present")

    client.force_login(coordinatrice)
    grow(2)
    client.get(meeting.get_absolute_url())
    # session, user, memberships (roles), meeting + group, contact of the user, the group's memberships
    # + contacts + organisations, answers + substitutes, agenda items + presenters,
    # open actions (live "Suivi des actions"), decided actions + owners, documents
    with django_assert_num_queries(11):
        client.get(meeting.get_absolute_url())
    grow(20)
    with django_assert_num_queries(11):
        response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200


def test_it_shows_an_event_like_a_meeting(client, membre, mixite):
    event = meeting_of(mixite, title="Semaine de la mixité des métiers", kind=Meeting.Kind.EVENT)
    client.force_login(membre)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Mixité des métiers – Semaine de la mixité des métiers" in html
    assert "Événement" in html


def test_it_hides_draft_minutes_from_members(client, membre, meeting):
    minutes_services.save_minutes(meeting, text="Brouillon confidentiel")
    client.force_login(membre)
    assert "Brouillon confidentiel" not in client.get(meeting.get_absolute_url()).content.decode()
    minutes_services.send_minutes(meeting)
    assert "Brouillon confidentiel" in client.get(meeting.get_absolute_url()).content.decode()


def test_it_counts_past_meetings_as_not_answerable(client, membre, mixite):
    meeting = meeting_of(mixite, days=-3)
    assert attendance_services.invitation_of(meeting, membre.contact) is not None
    client.force_login(membre)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Je viendrai" not in html
    assert timezone.now() > meeting.ends_at


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_the_group_answer(client, as_role, meeting, role):
    url = f"/meetings/{meeting.pk}/answer/"
    response = check(client, as_role, role, url, posted(MEMBERS_OF_MIXITE), method="post", data={"answer": "yes"})
    user = response.wsgi_request.user
    answered = Attendance.objects.filter(meeting=meeting, answer="yes").values_list("contact__user", flat=True)
    assert list(answered) == ([user.pk] if role in ("membre", "coordinatrice") else [])


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_coordinators_remove_items_and_adopt_minutes(client, as_role, mixite, role):
    meeting = meeting_of(mixite, days=-30)
    later = meeting_of(mixite, days=-1)  # minutes are adopted at a later meeting that took place
    item = agenda_services.add_agenda_item(meeting=meeting, title="À retirer", duration_minutes=5)
    minutes_services.save_minutes(meeting, text="Texte")
    MembershipFactory(group=mixite)  # someone to send the minutes to
    minutes_services.send_minutes(meeting)
    expected = posted(COORDINATORS_OF_MIXITE)
    check(client, as_role, role, f"/meetings/{meeting.pk}/agenda/{item.pk}/delete/", expected, method="post")
    url = f"/meetings/{meeting.pk}/minutes/adopt/"
    check(client, as_role, role, url, expected, method="post", data={"adopted_in": later.pk})
    meeting.refresh_from_db()
    allowed = role in ("coordinatrice", "admin_user")
    assert meeting.agenda_items.filter(pk=item.pk).exists() == (not allowed)
    assert meeting.minutes_frozen == allowed


# --- Events of several days, past meetings --------------------------------------------------------


def test_it_shows_a_week_long_event_as_a_span_of_days(client, membre, mixite):
    week = event_of(mixite, dt.date(2027, 1, 25), dt.date(2027, 1, 29))
    client.force_login(membre)
    page = text_of(client.get(week.get_absolute_url()))
    assert "du lundi 25 à 9h00 au vendredi 29 janvier 2027 à 17h00" in page
    assert "lundi 25 janvier 2027, 9h00" not in page
    # The home page shares the partial.
    assert "du lundi 25 à 9h00 au vendredi 29 janvier 2027 à 17h00" in text_of(client.get("/"))
    assert "du lundi 25 à 9h00 au vendredi 29 janvier 2027 à 17h00" in text_of(client.get("/my/agenda/"))


def test_it_keeps_one_day_with_its_hours(client, membre, mixite):
    day = dt.date(2027, 2, 9)
    meeting = planning_services.create_meeting(
        group=mixite,
        title="",
        starts_at=planning_services.paris_datetime(day, dt.time(9, 30)),
        ends_at=planning_services.paris_datetime(day, dt.time(12)),
    )
    client.force_login(membre)
    assert "mardi 9 février 2027, 9h30–12h00" in text_of(client.get(meeting.get_absolute_url()))


def test_it_shows_a_past_meeting_as_a_record(client, coordinatrice, past):
    client.force_login(coordinatrice)
    html = client.get(past.get_absolute_url()).content.decode()
    page = text_of(client.get(past.get_absolute_url()))
    assert re.search(r'<h2 id="attendance-heading" class="h4">Présences</h2>', html)
    assert "Qui vient" not in page
    assert re.search(r'class="btn btn-sm btn-primary" href="/meetings/\d+/minutes/">Compte rendu<', html)
    assert "Ajouter à mon agenda" not in page and "Annuler la réunion" not in page


def test_it_keeps_the_upcoming_meeting_page_as_it_was(client, coordinatrice, upcoming):
    client.force_login(coordinatrice)
    page = text_of(client.get(upcoming.get_absolute_url()))
    assert "Qui vient" in page and "Ajouter à mon agenda" in page and "Annuler la réunion" in page

"""Closing a poll creates the meeting through the planning service; closing is final unless reopened."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import COORDINATORS_OF_MIXITE, ROLES, check, posted, text_of
from meetings.attendance.services import invited
from meetings.models import Meeting
from polls import services
from polls.models import Poll
from polls.tests.conftest import slots

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_the_groups_coordinators_close_and_reopen(client, as_role, cast, poll, role):
    option = poll.options.first()
    close = f"/polls/{poll.pk}/close/"
    check(client, as_role, role, close, posted(COORDINATORS_OF_MIXITE), method="post", data={"option": option.pk})
    poll.refresh_from_db()
    assert poll.is_open == (COORDINATORS_OF_MIXITE[role] != 200)
    if not poll.is_open:
        check(client, as_role, role, f"/polls/{poll.pk}/reopen/", 302, method="post", data={"confirm": "1"})
        poll.refresh_from_db()
        assert poll.is_open


def test_it_creates_the_meeting_and_links_it(client, coordinatrice, membre, partner, poll):
    option = poll.options.all()[1]
    client.force_login(coordinatrice)
    response = client.post(f"/polls/{poll.pk}/close/", {"option": option.pk}, follow=True)
    poll.refresh_from_db()
    meeting = poll.meeting
    assert (meeting.starts_at, meeting.ends_at) == (option.starts_at, option.ends_at)
    assert meeting.title == "Réunion de rentrée" and meeting.place == "Maison de l'emploi, Rennes"
    assert meeting.group == poll.group and meeting.status == Meeting.Status.PLANNED
    assert meeting.agenda_items.filter(is_action_review=True).exists()  # the planning service's meeting
    assert poll.chosen == option and poll.round == 1
    text = text_of(response)
    assert "Sondage clos : la réunion du" in text and "Ouvrir la réunion" in text
    assert f'href="/meetings/{meeting.pk}/"' in response.content.decode()
    # Members invited as members; the partner outside the group as a guest.
    assert {a.contact.last_name for a in invited(meeting)} == {"Le Gall", "Morvan", "Le Bihan"}


def test_it_closes_only_once(client, coordinatrice, poll):
    services.close(poll, poll.options.first())
    client.force_login(coordinatrice)
    response = client.post(f"/polls/{poll.pk}/close/", {"option": poll.options.last().pk}, follow=True)
    assert "Ce sondage est déjà clos." in text_of(response)
    assert Meeting.objects.count() == 1
    assert Poll.objects.get().chosen == poll.options.first()


def test_it_refuses_a_date_of_another_poll(client, coordinatrice, poll, mixite):
    other = services.create_poll(group=mixite, title="Autre", slots=slots(1, days=60))
    client.force_login(coordinatrice)
    response = client.post(f"/polls/{poll.pk}/close/", {"option": other.options.get().pk})
    assert response.status_code == 404
    assert not Meeting.objects.exists() and Poll.objects.get(pk=poll.pk).is_open


def test_it_reopens_by_cancelling_the_meeting_while_it_is_ahead(client, coordinatrice, poll):
    meeting = services.close(poll, poll.options.first()).meeting
    client.force_login(coordinatrice)
    response = client.post(f"/polls/{poll.pk}/reopen/", follow=True)
    assert "Cochez la case pour confirmer" in text_of(response) and not meeting.is_cancelled
    response = client.post(f"/polls/{poll.pk}/reopen/", {"confirm": "1"}, follow=True)
    assert "Sondage rouvert : la réunion est annulée" in text_of(response)
    meeting.refresh_from_db()
    assert meeting.is_cancelled
    poll.refresh_from_db()
    assert poll.is_open and poll.chosen is None and poll.meeting is None and poll.round == 1


def test_it_stays_closed_once_the_meeting_has_taken_place(poll):
    services.close(poll, poll.options.first())
    later = timezone.now() + dt.timedelta(days=40)
    with time_machine.travel(later), pytest.raises(ValidationError, match="a eu lieu|taken place"):
        services.reopen(Poll.objects.get(pk=poll.pk))
    assert not Poll.objects.get(pk=poll.pk).is_open


def test_it_takes_no_answer_once_closed(poll, membre):
    services.close(poll, poll.options.first())
    invitee = poll.invitees.get(contact=membre.contact)
    with pytest.raises(ValidationError, match="clos|closed"):
        services.record_answers(invitee, dict.fromkeys(poll.options.values_list("pk", flat=True), "yes"))
    assert not invitee.answers.exists()


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_the_groups_coordinators_reopen(client, as_role, cast, poll, role):
    services.close(poll, poll.options.first())
    url = f"/polls/{poll.pk}/reopen/"
    check(client, as_role, role, url, posted(COORDINATORS_OF_MIXITE), method="post", data={"confirm": "1"})
    assert Poll.objects.get(pk=poll.pk).is_open == (COORDINATORS_OF_MIXITE[role] == 200)

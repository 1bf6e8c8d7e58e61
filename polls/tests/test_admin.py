"""Polls, dates proposed and answers in the Django admin, in French."""

import pytest

from conftest import header_cells, text_of
from polls import services

pytestmark = pytest.mark.django_db


def test_it_lists_polls_with_french_columns(client, admin_user, poll):
    client.force_login(admin_user)
    response = client.get("/admin/polls/poll/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert header_cells(response.content.decode()) == [
        "Titre",
        "Groupe",
        "Statut",
        "Réponse attendue avant le",
        "Date retenue",
        "Personnes sollicitées",
        "Créé le",
    ]
    assert "Réunion de rentrée" in text_of(response)


def test_it_shows_a_poll_with_its_dates_and_people_inline(client, admin_user, poll):
    client.force_login(admin_user)
    response = client.get(f"/admin/polls/poll/{poll.pk}/change/", HTTP_ACCEPT_LANGUAGE="fr")
    text = text_of(response)
    assert "Dates proposées" in text and "Personnes sollicitées" in text
    assert "Rozenn Le Bihan" in text


def test_it_lists_answers_in_french(client, admin_user, poll, membre):
    invitee = poll.invitees.get(contact=membre.contact)
    services.record_answers(invitee, dict.fromkeys(poll.options.values_list("pk", flat=True), "maybe"))
    client.force_login(admin_user)
    response = client.get("/admin/polls/answer/", HTTP_ACCEPT_LANGUAGE="fr")
    assert header_cells(response.content.decode()) == ["Personne", "Date", "Réponse"]
    assert text_of(response).count("Si nécessaire") >= 3
    response = client.get("/admin/polls/invitee/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200

"""Answering: logged in on the poll's page, or from the personal signed link of a mail, without a login."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from conftest import ROLES, check, text_of
from polls import services, signing
from polls.models import Answer, Invitee
from stakeholders.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def link(poll, contact):
    return f"/polls/answer/{signing.answer_token(poll.pk, contact.pk)}/"


def choices(poll, *values):
    return {f"o{pk}": value for pk, value in zip(poll.options.values_list("pk", flat=True), values, strict=True)}


def test_it_shows_the_answer_page_on_get_and_records_nothing(client, poll, partner):
    response = client.get(link(poll, partner))
    assert response.status_code == 200
    text = text_of(response)
    assert "Mixité des métiers – Réunion de rentrée" in text
    assert "Réponses : Rozenn Le Bihan (Région Bretagne)" in text
    assert text.count("Si nécessaire") >= 3 and "heure de Paris" in text
    # A mail scanner opening the link answers nothing.
    assert not Answer.objects.exists()
    assert Invitee.objects.get(contact=partner).answered_at is None


def test_it_records_answers_from_the_link_and_lets_them_change(client, poll, partner):
    url = link(poll, partner)
    response = client.post(url, {**choices(poll, "yes", "maybe", "no"), "comment": "Le matin seulement"})
    assert response.status_code == 200
    assert "Merci : vos réponses sont enregistrées." in text_of(response)
    invitee = Invitee.objects.get(contact=partner)
    assert invitee.answered_at is not None and invitee.comment == "Le matin seulement"
    assert list(invitee.answers.order_by("option__starts_at").values_list("choice", flat=True)) == [
        "yes",
        "maybe",
        "no",
    ]
    client.post(url, choices(poll, "no", "no", "yes"))
    assert list(invitee.answers.order_by("option__starts_at").values_list("choice", flat=True)) == ["no", "no", "yes"]
    # The page shows the answers given, ready to change again.
    assert client.get(url).content.decode().count("checked") == 3


def test_it_refuses_incomplete_answers_in_french_and_saves_nothing(client, poll, partner):
    values = choices(poll, "yes", "yes", "yes")
    values.pop(next(iter(values)))
    response = client.post(link(poll, partner), values)
    assert response.status_code == 400
    assert "Répondez pour cette date." in text_of(response)
    assert not Answer.objects.exists()
    response = client.post(link(poll, partner), choices(poll, "yes", "oui", "yes"))
    assert response.status_code == 400 and not Answer.objects.exists()


def test_it_says_a_tampered_link_is_not_valid(client, poll, partner):
    token = signing.answer_token(poll.pk, partner.pk)
    for bad in (token[:-2] + "xx", token.replace(":", "", 1), "nimportequoi", signing.answer_token(poll.pk, 99999)):
        for method in ("get", "post"):
            response = getattr(client, method)(f"/polls/answer/{bad}/", choices(poll, "yes", "yes", "yes"))
            assert response.status_code in (400, 404), bad
            assert "lien n’est pas valide" in text_of(response) or "n’existe plus" in text_of(response)
    assert not Answer.objects.exists()


def test_it_refuses_a_signature_made_for_another_purpose(client, poll, partner):
    from django.core import signing as django_signing

    forged = django_signing.dumps([poll.pk, partner.pk], salt="wekker.meetings.rsvp")
    response = client.get(f"/polls/answer/{forged}/")
    assert response.status_code == 400 and "lien n’est pas valide" in text_of(response)


def test_it_says_an_expired_link_has_expired(client, poll, partner):
    url = link(poll, partner)
    with time_machine.travel(timezone.now() + signing.MAX_AGE + dt.timedelta(minutes=1)):
        response = client.post(url, choices(poll, "yes", "yes", "yes"))
    assert response.status_code == 400
    assert "Ce lien a expiré." in text_of(response)
    assert not Answer.objects.exists()


def test_it_says_a_closed_poll_takes_no_more_answers(client, poll, partner):
    services.close(poll, poll.options.first())
    response = client.post(link(poll, partner), choices(poll, "yes", "yes", "yes"))
    assert response.status_code == 410
    assert "Ce sondage est clos : les réponses ne peuvent plus changer." in text_of(response)
    assert not Answer.objects.exists()


def test_it_says_when_the_person_is_no_longer_asked(client, poll, partner):
    url = link(poll, partner)
    Invitee.objects.filter(contact=partner).delete()
    response = client.get(url)
    assert response.status_code == 404 and "vous n’y êtes plus sollicité·e" in text_of(response)


EXPECTED = {
    "anonymous": "login",
    "outsider": 404,
    "membre": 200,
    "other_coordinator": 404,
    "coordinatrice": 200,
    "admin_user": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_the_poll_page_to_the_group_and_those_asked(client, as_role, cast, poll, role):
    check(client, as_role, role, f"/polls/{poll.pk}/", EXPECTED)


def test_it_records_a_logged_in_members_answers_on_the_poll_page(client, poll, membre):
    client.force_login(membre)
    response = client.post(f"/polls/{poll.pk}/", choices(poll, "maybe", "yes", "no"))
    assert response.status_code == 302
    invitee = Invitee.objects.get(poll=poll, contact=membre.contact)
    assert invitee.answered_at is not None
    page = client.get(f"/polls/{poll.pk}/")
    assert "Vos réponses sont enregistrées." in text_of(page)


def test_it_lets_a_member_who_is_not_asked_read_but_not_answer(client, poll, mixite):
    from groups.tests.factories import MembershipFactory
    from stakeholders.tests.factories import ContactFactory

    newcomer = UserFactory(username="nouvelle")
    MembershipFactory(group=mixite, contact=ContactFactory(user=newcomer))
    client.force_login(newcomer)
    assert "Mes réponses" not in text_of(client.get(f"/polls/{poll.pk}/"))
    response = client.post(f"/polls/{poll.pk}/", choices(poll, "yes", "yes", "yes"), follow=True)
    assert "Vous n’êtes pas sollicité·e dans ce sondage." in text_of(response)
    assert not Answer.objects.exists()


def test_it_shows_a_partner_outside_the_group_only_their_answers_and_the_totals(client, poll, partner, membre):
    services.record_answers(
        poll.invitees.get(contact=membre.contact), dict.fromkeys(poll.options.values_list("pk", flat=True), "yes")
    )
    partner.user = UserFactory(username="rozenn")
    partner.save()
    client.force_login(partner.user)
    response = client.get(f"/polls/{poll.pk}/")
    assert response.status_code == 200
    text = text_of(response)
    assert "Mes réponses" in text and "Classement" in text and "1 oui · 0 si nécessaire · 0 non" in text
    assert "Morvan" not in text and "Le Gall" not in text  # nobody else's name or answers
    assert client.get("/groups/mixite/").status_code == 200
    assert "Morvan" not in text_of(client.get("/groups/mixite/"))


def test_it_still_takes_answers_after_the_deadline_and_says_so(client, poll, partner):
    with time_machine.travel(timezone.now() + dt.timedelta(days=25)):
        response = client.post(link(poll, partner), choices(poll, "yes", "yes", "no"))
    assert response.status_code == 200
    assert "Les réponses étaient attendues avant le" in text_of(response)
    assert Invitee.objects.get(contact=partner).answered_at is not None

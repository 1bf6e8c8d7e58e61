"""seed_demo's date poll (SPEC, Public contracts): open, three dates, membre asked and not answered."""

import re

import pytest
from django.core import mail
from django.core.management import call_command

from conftest import text_of
from meetings.notices import dispatch
from polls.models import Answer, Invitee, Poll
from polls.signing import read_answer_token

pytestmark = pytest.mark.django_db


def poll_state():
    return {
        "polls": sorted(Poll.objects.values_list("group__slug", "title", "status", "deadline")),
        "options": sorted(Poll.objects.values_list("options__starts_at", "options__ends_at")),
        "invitees": sorted(
            (last_name, comment, answered is None)
            for last_name, comment, answered in Invitee.objects.values_list(
                "contact__last_name", "comment", "answered_at"
            )
        ),
        "answers": sorted(Answer.objects.values_list("invitee__contact__last_name", "option__starts_at", "choice")),
    }


def test_it_seeds_an_open_mixite_poll_with_three_dates_and_membre_invited():
    call_command("seed_demo", verbosity=0)
    first = poll_state()
    call_command("seed_demo", verbosity=0)
    assert poll_state() == first
    poll = Poll.objects.get()
    assert poll.group.slug == "mixite" and poll.is_open and poll.options.count() == 3
    membre = Invitee.objects.get(poll=poll, contact__user__username="membre")
    assert membre.answered_at is None and not membre.answers.exists()
    assert Invitee.objects.filter(poll=poll, answered_at__isnull=False).count() == 4
    assert Invitee.objects.filter(poll=poll, contact__last_name="Nédélec").exists()  # a partner outside the group


def test_it_mails_membre_the_invitation_at_the_first_pass():
    call_command("seed_demo", verbosity=0)
    dispatch.dispatch_due()
    invitations = [m for m in mail.outbox if m.subject.startswith("Quelles dates vous conviennent ?")]
    to_membre = [m for m in invitations if m.to == ["membre@demo.wekker.invalid"]]
    assert len(to_membre) == 1
    token = re.search(r"/polls/answer/([^/\s]+)/", to_membre[0].body).group(1)
    poll = Poll.objects.get()
    assert read_answer_token(token) == (poll.pk, Invitee.objects.get(contact__user__username="membre").contact_id)
    # Those who answered had theirs already.
    assert not any(m.to == ["nolwenn.kerbrat@demo.wekker.invalid"] for m in invitations)


def test_it_shows_the_demo_grid_to_the_coordinator(client):
    call_command("seed_demo", verbosity=0)
    client.login(username="coordinatrice", password="wekker-demo")
    poll = Poll.objects.get()
    text = text_of(client.get(f"/polls/{poll.pk}/"))
    assert "Atelier d’automne" in text and "Je peux venir en visio si besoin." in text
    assert "Pas encore répondu" in text and "Yann Morvan" in text.split("Pas encore répondu")[1]
    assert "Atelier d’automne" in text_of(client.get("/groups/mixite/"))


def test_it_lists_the_polls_that_ask_me_on_the_home_page(client):
    call_command("seed_demo", verbosity=0)
    client.login(username="membre", password="wekker-demo")
    text = text_of(client.get("/"))
    assert "Sondages de dates qui me sollicitent" in text
    assert "Mixité des métiers – Atelier d’automne : choix de la date à répondre" in text

"""The results grid: people × dates, totals, the ranking, who has not answered; a constant number of queries."""

import pytest

from conftest import members, text_of
from groups.models import Membership
from polls import grid, services
from polls.models import Poll
from polls.tests.conftest import slots

pytestmark = pytest.mark.django_db


def answer(poll, contact, *values):
    invitee = poll.invitees.get(contact=contact)
    option_ids = list(poll.options.values_list("pk", flat=True))
    return services.record_answers(invitee, dict(zip(option_ids, values, strict=True)))


def test_it_ranks_by_most_yes_then_most_if_need_be_then_fewest_no(mixite, coordinatrice):
    people = members(mixite, 5)
    poll = services.create_poll(group=mixite, title="Rentrée", slots=slots(5))
    table = [
        # A: 2 yes 1 maybe 2 no · B: 2 yes 2 maybe 1 no · C: 2 yes 2 maybe 0 no · D: 3 yes · E: 1 yes 4 maybe
        ("yes", "yes", "yes", "no", "yes"),
        ("yes", "yes", "yes", "no", "maybe"),
        ("maybe", "maybe", "maybe", "yes", "maybe"),
        ("no", "maybe", "maybe", "yes", "maybe"),
        ("no", "no", None, "yes", "maybe"),
    ]
    for person, values in zip(people, table, strict=True):
        if None in values:
            values = tuple("maybe" if v is None else v for v in values)
        answer(poll, person, *values)
    # Column C for the last person: "maybe" (not "no"): C has 0 no.
    result = grid.build(poll)
    letters = {column.option.pk: "ABCDE"[i] for i, column in enumerate(result.columns)}
    assert [letters[c.option.pk] for c in result.ranking] == ["D", "C", "B", "A", "E"]
    assert [(c.yes, c.maybe, c.no) for c in result.columns] == [(2, 1, 2), (2, 2, 1), (2, 3, 0), (3, 0, 2), (1, 4, 0)]
    assert [c.rank for c in result.ranking] == [1, 2, 3, 4, 5]


def test_it_gives_equal_options_the_same_rank_and_puts_the_earlier_first(mixite, coordinatrice):
    person = members(mixite, 1)[0]
    poll = services.create_poll(group=mixite, title="Rentrée", slots=slots(3))
    answer(poll, person, "maybe", "yes", "maybe")
    ranking = grid.build(poll).ranking
    assert [c.rank for c in ranking] == [1, 2, 2]
    assert ranking[1].option.starts_at < ranking[2].option.starts_at


def test_it_shows_people_with_their_organisation_answers_totals_and_who_is_waiting(client, poll, membre, coordinatrice):
    answer(poll, membre.contact, "yes", "maybe", "no")
    poll.invitees.filter(contact=membre.contact).update(comment="Plutôt le matin")
    client.force_login(coordinatrice)
    response = client.get(f"/polls/{poll.pk}/")
    text = text_of(response)
    assert "Yann Morvan Conseil départemental d'Ille-et-Vilaine ✔ Oui ~ Si nécessaire ✘ Non Plutôt le matin" in text
    assert "Rozenn Le Bihan Région Bretagne · Pas encore de réponse" in text
    assert "Réponses (1 personnes sur 3)" in text
    waiting = text.split("Pas encore répondu")[1]
    assert "Rozenn Le Bihan (Région Bretagne)" in waiting and "Claire Le Gall" in waiting
    assert "Yann Morvan" not in waiting
    assert "1. " in text and "1 oui · 0 si nécessaire · 0 non" in text
    assert "Retenir cette date" in text  # the coordinator closes from the ranking


def test_it_hides_the_closing_buttons_from_members(client, poll, membre):
    client.force_login(membre)
    text = text_of(client.get(f"/polls/{poll.pk}/"))
    assert "Retenir cette date" not in text and "Rozenn Le Bihan" in text


@pytest.mark.parametrize("size", [(4, 3), (40, 15)])
def test_it_reads_the_grid_in_a_constant_number_of_queries(
    client, mixite, coordinatrice, size, django_assert_num_queries
):
    people, dates = size
    crowd = members(mixite, people - 1)
    poll = services.create_poll(group=mixite, title="Rentrée", slots=slots(dates))
    for n, person in enumerate(crowd):
        answer(poll, person, *[("yes", "maybe", "no")[(n + d) % 3] for d in range(dates)])
    client.force_login(coordinatrice)
    # session, user, poll with group/chosen/meeting, my contact, my invitation, my roles,
    # the dates, every answer, the people with their organisations
    with django_assert_num_queries(9):
        response = client.get(f"/polls/{poll.pk}/")
    assert response.status_code == 200
    assert response.content.decode().count('<th scope="row" class="fw-normal">') == people
    assert Membership.objects.filter(group=mixite).count() == people
    assert Poll.objects.count() == 1

"""The groups' own reach on the trend's time axis, for the territory shown or one group."""

import datetime as dt

import pytest

from conftest import event_of, obs, text_of
from groups.tests.factories import WorkingGroupFactory
from meetings.tests.factories import ActionFactory
from reference.models import Territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(db):
    for year in (2023, 2024, 2025):
        obs("35", "F", "sensibilises", 40, 60, year=year)


def test_it_puts_actions_and_reach_on_the_trends_years(client, admin_user, mixite, figures):
    ActionFactory(group=mixite, lever="sensibiliser", due_date=dt.date(2024, 3, 1), reached_women=120, reached_men=80)
    event = event_of(mixite, dt.date(2025, 3, 10), dt.date(2025, 3, 14))
    event.reached_women, event.reached_men, event.reached_unknown = 150, 110, 9
    event.save()
    client.force_login(admin_user)
    response = client.get("/indicators/?territory=53")
    work = response.context["work"]
    assert [t["year"] for t in response.context["summary"]["axis_trend"]][:3] == [2023, 2024, 2025]
    assert work.axis[:3] == [2023, 2024, 2025]
    rows = {year: reach for year, _levers, reach in work.rows()}
    assert rows[2023] is None
    assert rows[2024] == {"women": 120, "men": 80, "unknown": None}
    assert rows[2025] == {"women": 150, "men": 110, "unknown": 9}
    text = text_of(response)
    assert "Jeunes femmes touchées" in text
    assert len(response.context["charts"]["reach"]["wide"]) > 100


def test_it_shows_one_groups_reach_when_one_is_chosen(client, coordinatrice, mixite, figures):
    other = WorkingGroupFactory(name="Autre groupe", slug="autre", territory=mixite.territory)
    ActionFactory(group=mixite, due_date=dt.date(2024, 3, 1), reached_women=10, reached_men=20)
    ActionFactory(group=other, due_date=dt.date(2024, 3, 1), reached_women=1000, reached_men=1000)
    client.force_login(coordinatrice)
    response = client.get("/indicators/?territory=53&group=mixite")
    rows = {year: reach for year, _levers, reach in response.context["work"].rows()}
    assert rows[2024] == {"women": 10, "men": 20, "unknown": None}
    assert "Le travail du groupe « Mixité des métiers » sur les mêmes années" in text_of(response)
    # A group one is not in cannot be chosen: the filter falls back to every group one may see.
    response = client.get("/indicators/?territory=53&group=autre")
    assert response.context["chosen_group"] is None


def test_it_counts_the_groups_of_the_territory_shown(client, admin_user, mixite, figures):
    elsewhere = WorkingGroupFactory(name="Ailleurs", slug="ailleurs", territory=Territory.objects.get(code="11"))
    ActionFactory(group=mixite, due_date=dt.date(2024, 3, 1), reached_women=10, reached_men=20)
    ActionFactory(group=elsewhere, due_date=dt.date(2024, 3, 1), reached_women=500, reached_men=500)
    client.force_login(admin_user)
    rows = {y: r for y, _l, r in client.get("/indicators/?territory=53").context["work"].rows()}
    assert rows[2024]["women"] == 10
    rows = {y: r for y, _l, r in client.get("/indicators/").context["work"].rows()}
    assert rows[2024]["women"] == 510  # France: every group


def test_it_records_reach_in_the_action_and_event_forms(client, coordinatrice, mixite):
    client.force_login(coordinatrice)
    response = client.post(
        "/groups/mixite/actions/new/",
        {
            "title": "Forum",
            "kind": "event",
            "owner": coordinatrice.contact.pk,
            "lever": "sensibiliser",
            "status": "done",
            "reached_women": "45",
            "reached_men": "",
            "reached_stage": "sensibilises",
        },
    )
    assert response.status_code == 302
    action = mixite.actions.get()
    assert (action.reached_women, action.reached_men, action.reached_stage) == (45, None, "sensibilises")
    event = event_of(mixite, dt.date(2025, 3, 10), dt.date(2025, 3, 10))  # held: its times stay, its reach is told
    response = client.post(
        f"/meetings/{event.pk}/edit/",
        {
            "title": event.title,
            "kind": "event",
            "day": "2025-03-10",
            "start_time": "09:00",
            "end_time": "17:00",
            "status": "planned",
            "reached_women": "150",
            "reached_men": "110",
            "reached_unknown": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event.refresh_from_db()
    assert (event.reached_women, event.reached_men, event.reached_unknown, event.reached) == (150, 110, None, 260)

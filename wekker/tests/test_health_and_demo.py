import json
import time

import pytest
from django.core.management import call_command
from django.db import connection

from conftest import closed_port
from groups.models import Membership, WorkingGroup
from meetings.models import Action, AgendaItem, Attendance, Meeting
from stakeholders.models import Contact, Organisation

pytestmark = pytest.mark.django_db


def test_it_reports_the_database_and_broker_state(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["database"] == "ok"
    assert body["database_vendor"] == connection.vendor
    assert "broker" in body


@pytest.mark.postgres
def test_it_reports_postgresql_when_it_runs_on_it(client):
    body = client.get("/healthz").json()
    assert body["database"] == "ok" and body["database_vendor"] == "postgresql"


@pytest.mark.redis
def test_it_reports_a_reachable_redis_broker(client):
    body = client.get("/healthz").json()
    assert body["broker"] == "ok" and body["broker_transport"] == "redis"


def test_it_reports_an_unreachable_broker_without_failing(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"].startswith("error")


def test_it_answers_within_a_second_naming_what_is_down(client, settings, redis_down):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 1
    body = response.json()
    assert response.status_code == 200 and body["database"] == "ok"
    assert body["down"] == ["broker", "cache"] and body["cache"].startswith("error")


def test_it_names_nothing_down_when_all_answer(client):
    assert client.get("/healthz").json()["down"] == []


def snapshot():
    return {
        "organisations": sorted(Organisation.objects.values_list("name", "kind")),
        "contacts": sorted(Contact.objects.values_list("first_name", "last_name", "email", "user__username")),
        "groups": sorted(WorkingGroup.objects.values_list("slug", "name", "status")),
        "memberships": sorted(Membership.objects.values_list("group__slug", "contact__last_name", "role")),
        "meetings": sorted(
            Meeting.objects.values_list("group__slug", "title", "starts_at", "status", "minutes_status")
        ),
        "agenda": sorted(AgendaItem.objects.values_list("meeting__title", "meeting__group__slug", "position", "title")),
        "attendance": sorted(
            Attendance.objects.values_list("meeting__title", "contact__last_name", "answer", "presence")
        ),
        "actions": sorted(Action.objects.values_list("title", "status", "due_date")),
    }


def test_it_seeds_the_same_demo_data_twice(django_user_model):
    call_command("seed_demo", verbosity=0)
    first = snapshot()
    call_command("seed_demo", verbosity=0)
    assert snapshot() == first
    assert {"admin", "coordinatrice", "membre"} <= set(django_user_model.objects.values_list("username", flat=True))


def test_it_puts_membre_in_the_mixite_group_only():
    call_command("seed_demo", verbosity=0)
    groups = Membership.objects.filter(contact__user__username="membre").values_list("group__slug", flat=True)
    assert list(groups) == ["mixite"]


def test_it_places_the_next_mixite_meeting_within_seven_days():
    import datetime as dt

    from django.utils import timezone

    call_command("seed_demo", verbosity=0)
    now = timezone.now()
    upcoming = Meeting.objects.filter(group__slug="mixite", starts_at__gt=now).order_by("starts_at").first()
    assert upcoming.starts_at - now < dt.timedelta(days=7)


def test_it_lets_the_demo_logins_in(client):
    call_command("seed_demo", verbosity=0)
    for username in ("coordinatrice", "membre", "admin"):
        assert client.login(username=username, password="wekker-demo")
    assert client.get("/admin/").status_code == 200  # admin, the last one in


def test_it_titles_demo_meetings_as_planned_ones_and_moves_them_with_today():
    import datetime as dt

    import time_machine

    from meetings.planning.services import default_title

    call_command("seed_demo", verbosity=0)
    meetings = Meeting.objects.filter(kind=Meeting.Kind.MEETING)
    assert all(m.title == default_title(m.starts_at) for m in meetings)  # "Réunion du 9 décembre", never "n°"
    count = meetings.count()
    with time_machine.travel(dt.timedelta(days=100)):
        call_command("seed_demo", verbosity=0)
    assert meetings.count() == count  # seeded a hundred days later: the same meetings, moved
    assert all(m.title == default_title(m.starts_at) for m in meetings)


def test_it_gives_the_mobility_group_levers_of_its_own():
    from groups.models import WorkingGroup

    call_command("seed_demo", verbosity=0)
    assert "Permis de conduire" in WorkingGroup.objects.get(slug="mobilite").levers
    assert WorkingGroup.objects.get(slug="mixite").levers == []  # the network's levers

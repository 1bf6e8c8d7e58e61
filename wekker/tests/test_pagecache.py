"""Pages kept whole per person (wekker/pagecache.py): sent back while true, drawn again once not."""

import re
import socket
import time
import uuid

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from conftest import closed_port, meeting_of, text_of
from groups.models import Membership, WorkingGroup
from meetings.tests.factories import ActionFactory
from wekker import cache, pagecache
from wekker.settings import next_redis_database
from wekker.tests.test_settings import run

pytestmark = pytest.mark.django_db

# A page sent back from the cache costs the session and the account, nothing more.
KEPT = 2


def generation(table):
    return caches["pages"].get(pagecache.GENERATION + table)


def queries(client, url, **headers):
    with CaptureQueriesContext(connection) as captured:
        client.get(url, **headers)
    return len(captured)


def test_it_sends_a_kept_page_back_for_the_session_and_account_queries_only(
    client, coordinatrice, mixite, django_assert_num_queries
):
    client.force_login(coordinatrice)
    first = client.get("/groups/")
    # session, user
    with django_assert_num_queries(KEPT):
        again = client.get("/groups/")
    assert again.status_code == 200
    assert "Mixité des métiers" in text_of(again)
    assert text_of(again) == text_of(first)


def test_it_draws_the_page_again_once_a_table_it_shows_is_saved_to(client, coordinatrice, mixite):
    client.force_login(coordinatrice)
    client.get("/groups/")
    mixite.name = "Mixité des métiers et des formations"
    mixite.save()
    assert "Mixité des métiers et des formations" in text_of(client.get("/groups/"))


def test_it_sees_queryset_updates_and_deletes_too(client, coordinatrice, mixite, seniors):
    client.force_login(coordinatrice)
    assert "Emploi des seniors" in text_of(client.get("/groups/"))
    WorkingGroup.objects.filter(pk=seniors.pk).update(name="Seniors et emploi")
    assert "Seniors et emploi" in text_of(client.get("/groups/"))
    seniors.memberships.all().delete()
    WorkingGroup.objects.filter(pk=seniors.pk).delete()
    assert "Seniors et emploi" not in text_of(client.get("/groups/"))


def test_it_keeps_the_page_when_only_tables_it_does_not_show_change(
    client, coordinatrice, mixite, django_assert_num_queries
):
    client.force_login(coordinatrice)
    client.get("/groups/")  # the groups list shows no action
    ActionFactory(group=mixite, owner=coordinatrice.contact)
    with django_assert_num_queries(KEPT):
        client.get("/groups/")


def test_each_person_gets_their_own_page(client, coordinatrice, membre, mixite):
    client.force_login(coordinatrice)
    assert "Nouveau groupe" in text_of(client.get("/groups/"))
    other = Client()
    other.force_login(membre)
    page = text_of(other.get("/groups/"))
    assert "Nouveau groupe" not in page
    assert "Yann Morvan Se déconnecter" in page


def test_a_member_who_leaves_no_longer_sees_a_kept_meeting_page(client, membre, mixite):
    meeting = meeting_of(mixite)
    client.force_login(membre)
    assert client.get(meeting.get_absolute_url()).status_code == 200
    Membership.objects.filter(contact__user=membre).update(left="2000-01-01")
    assert client.get(meeting.get_absolute_url()).status_code == 404


def test_each_language_has_its_page(client, coordinatrice, mixite):
    client.force_login(coordinatrice)
    assert "Groupes de travail" in text_of(client.get("/groups/"))
    assert "Working groups" in text_of(client.get("/groups/", HTTP_ACCEPT_LANGUAGE="en"))


def test_a_kept_page_is_not_served_the_next_day(client, coordinatrice, mixite):
    client.force_login(coordinatrice)
    with time_machine.travel("2026-11-28 10:00 +01:00", tick=False):
        client.get("/")
        assert queries(client, "/") == KEPT
    with time_machine.travel("2026-11-29 10:00 +01:00", tick=False):
        assert queries(client, "/") > KEPT


def test_its_forms_carry_a_fresh_valid_csrf_token(coordinatrice, mixite):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinatrice)
    tokens = []
    for _ in range(2):
        page = client.get("/groups/").content.decode()
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1))
    assert tokens[0] != tokens[1]  # masked afresh for each request
    assert "\x00" not in page
    # The kept page's token logs out: the form works.
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": tokens[1]})
    assert response.status_code == 302
    assert client.get("/groups/").status_code == 302  # to the login page: logged out


def test_a_message_is_shown_once_and_never_kept(client, coordinatrice, mixite):
    client.force_login(coordinatrice)
    client.get("/groups/mixite/")
    response = client.post("/groups/mixite/archive/", follow=True)
    assert "Le groupe a été archivé" in text_of(response)
    assert "Le groupe a été archivé" not in text_of(client.get("/groups/mixite/"))


def test_only_the_listed_pages_are_kept(client, coordinatrice, mixite):
    client.force_login(coordinatrice)
    client.get("/groups/mixite/members/")
    assert queries(client, "/groups/mixite/members/") > KEPT


def test_no_page_is_kept_when_the_setting_is_zero(client, coordinatrice, mixite, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.force_login(coordinatrice)
    client.get("/groups/")
    assert queries(client, "/groups/") > KEPT


def test_an_error_page_is_not_kept(client, outsider, mixite):
    meeting = meeting_of(mixite)
    client.force_login(outsider)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert queries(client, meeting.get_absolute_url()) > KEPT


@pytest.mark.django_db(transaction=True)
def test_a_write_moves_the_generation_on_and_again_at_commit(mixite):
    caches["pages"].set(pagecache.GENERATION + "groups_workinggroup", 100, None)
    with transaction.atomic():
        mixite.save(update_fields=["name"])
        mixite.save(update_fields=["theme"])
        assert generation("groups_workinggroup") == 102  # after each statement
    assert generation("groups_workinggroup") == 103  # once more at commit, for the whole transaction


def test_a_raw_sql_write_moves_the_generation_on(mixite):
    before = generation("groups_workinggroup")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE groups_workinggroup SET theme = %s WHERE id = %s", ["Mixité", mixite.pk])
    assert generation("groups_workinggroup") != before


def test_a_login_does_not_redraw_every_page(client, coordinatrice):
    before = generation("auth_user")
    coordinatrice.set_password("un-mot-de-passe-long")
    coordinatrice.save(update_fields=["password"])
    moved = generation("auth_user")
    assert moved != before  # a change to an account does
    assert client.login(username="coordinatrice", password="un-mot-de-passe-long")
    assert generation("auth_user") == moved  # last_login alone does not


def test_writes_and_pages_go_on_when_the_cache_is_down(client, coordinatrice, mixite, redis_down):
    client.force_login(coordinatrice)
    assert client.get("/groups/").status_code == 200
    mixite.name = "Mixité, Redis arrêté"
    mixite.save()  # no error: the write does not depend on the cache
    assert "Mixité, Redis arrêté" in text_of(client.get("/groups/"))


@pytest.fixture
def redis_pages(settings):
    """The pages' cache on the real Redis (its cache database, not the broker's), under a prefix
    of this test's own, removed afterwards."""
    prefix = f"test-pagecache-{uuid.uuid4().hex}"
    pages = {
        "BACKEND": "wekker.cache.FailOpenRedisCache",
        "LOCATION": next_redis_database(settings.CELERY_BROKER_URL),
        "KEY_PREFIX": prefix,
    }
    settings.CACHES = {**settings.CACHES, "pages": pages}
    yield caches["pages"]
    client = caches["pages"]._cache.get_client(write=True)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.mark.redis
def test_it_keeps_pages_in_redis_until_a_write(client, coordinatrice, mixite, redis_pages):
    client.force_login(coordinatrice)
    client.get("/groups/")
    assert queries(client, "/groups/") == KEPT
    mixite.name = "Mixité, dans Redis"
    mixite.save()
    assert "Mixité, dans Redis" in text_of(client.get("/groups/"))
    assert queries(client, "/groups/") == KEPT


@pytest.mark.redis
def test_a_missing_generation_starts_again_from_a_number_it_never_had(redis_pages):
    key = pagecache.GENERATION + "groups_workinggroup"
    redis_pages.advance([key], start=1_000)
    redis_pages.advance([key], start=5)  # there already: moved on by one, start ignored
    assert redis_pages.get(key) == 1_002
    redis_pages.delete(key)  # evicted
    redis_pages.advance([key], start=2_000)
    assert redis_pages.get(key) == 2_001


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/groups/",
        "/groups/mixite/",
        "meeting",
        "/my/agenda/",
        "/actions/",
        "/partners/",
        "/partners/organisations/",
        "/indicators/",
    ],
)
def test_every_listed_page_is_kept(client, coordinatrice, mixite, settings, url):
    if url == "meeting":
        url = meeting_of(mixite).get_absolute_url()
    client.force_login(coordinatrice)
    assert client.get(url).status_code == 200
    assert resolve(url).view_name in settings.PAGE_CACHE_VIEWS
    assert queries(client, url) == KEPT


def test_the_listed_views_exist(settings):
    for name in settings.PAGE_CACHE_VIEWS:
        kwargs = {"slug": "x"} if name == "meetings:group" else {"pk": 1} if name == "meetings:detail" else {}
        assert resolve(reverse(name, kwargs=kwargs)).view_name == name


@pytest.mark.redis
def test_pages_kept_before_a_missed_move_are_drawn_again_once_redis_answers(
    client, coordinatrice, mixite, redis_pages, settings
):
    client.force_login(coordinatrice)
    client.get("/groups/")
    assert queries(client, "/groups/") == KEPT
    reachable = settings.CACHES
    settings.CACHES = {**reachable, "pages": {**reachable["pages"], "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"}}
    mixite.name = "Mixité, pendant la coupure"
    mixite.save()  # this process could not move the groups' generation on
    settings.CACHES = reachable
    cache.reset_breakers()
    assert "Mixité, pendant la coupure" in text_of(client.get("/groups/"))


def test_a_hung_redis_costs_one_timeout_then_nothing_for_a_while(client, coordinatrice, mixite, settings):
    with socket.socket() as silent:  # accepts connections (the backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        hung = {
            "BACKEND": "wekker.cache.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{silent.getsockname()[1]}/0",
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
        }
        settings.CACHES = {**settings.CACHES, "pages": hung}
        client.force_login(coordinatrice)
        client.get("/groups/")
        started = time.monotonic()
        for _ in range(3):
            assert client.get("/groups/").status_code == 200
            mixite.save()
        assert time.monotonic() - started < 0.3  # not one more timeout: the breaker is open


def test_a_page_is_drawn_again_when_a_generation_it_depends_on_was_evicted(client, coordinatrice, mixite, bretagne):
    client.force_login(coordinatrice)
    client.get("/groups/")  # territories: never written to since this cache started
    bretagne.name = "Bretagne (région)"
    bretagne.save()
    caches["pages"].delete(pagecache.GENERATION + "reference_territory")  # evicted
    assert "Bretagne (région)" in text_of(client.get("/groups/"))


def test_the_dashboard_is_drawn_again_when_a_table_it_shows_through_its_own_caches_changes(
    client, coordinatrice, mixite
):
    client.force_login(coordinatrice)
    client.get("/indicators/")
    assert queries(client, "/indicators/") == KEPT  # the groups' work came from its own cache
    ActionFactory(group=mixite, owner=coordinatrice.contact)
    assert queries(client, "/indicators/") > KEPT


@pytest.mark.parametrize(
    "sql, tables",
    [
        ('UPDATE "groups_workinggroup" SET "name" = %s', {"groups_workinggroup"}),
        ('INSERT INTO "meetings_action" ("title") VALUES (%s)', {"meetings_action"}),
        ('INSERT OR IGNORE INTO "meetings_delivery" ("id") VALUES (%s)', {"meetings_delivery"}),
        (
            'DELETE FROM "groups_membership" WHERE "id" IN (SELECT U0."id" FROM "groups_workinggroup" U0)',
            {"groups_membership"},
        ),
        ("-- a comment first\n/* and another */ UPDATE groups_workinggroup SET name = %s", {"groups_workinggroup"}),
        (
            "WITH gone AS (SELECT id FROM groups_workinggroup) "
            "DELETE FROM groups_membership WHERE group_id IN (SELECT id FROM gone)",
            {"groups_workinggroup", "groups_membership"},
        ),
        ("TRUNCATE meetings_action", {"meetings_action"}),
        ('SELECT "id" FROM "groups_workinggroup" FOR UPDATE', set()),
        ("SAVEPOINT s1", set()),
        ('  select 1 from "meetings_action"', set()),
    ],
)
def test_it_knows_which_tables_a_statement_writes(sql, tables):
    assert pagecache.TABLES.written_by(sql) == tables


def test_each_deployment_on_one_redis_keeps_its_own_pages():
    code = (
        "import django; django.setup(); from django.conf import settings as s; print(s.CACHES['pages']['KEY_PREFIX'])"
    )
    broker = {"CELERY_BROKER_URL": "redis://shared:6379/0"}
    one = run(code, DATABASE_URL="postgres://u@db:5432/wekker_nord", **broker).stdout.strip()
    other = run(code, DATABASE_URL="postgres://u@db:5432/wekker_sud", **broker).stdout.strip()
    again = run(code, DATABASE_URL="postgres://u@db:5432/wekker_nord", **broker).stdout.strip()
    assert one.startswith("wekker-") and one != other and one == again


def test_it_refuses_to_keep_pages_in_each_processs_memory():
    result = run("import django; django.setup()", PAGE_CACHE_SECONDS="60")
    assert "PAGE_CACHE_SECONDS needs a Redis cache" in result.stderr


def test_writes_cost_nothing_where_no_page_can_be_kept(mixite, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the embedded setup: process memory, no page kept
    caches["pages"].set(pagecache.GENERATION + "groups_workinggroup", 100, None)
    mixite.save()
    assert generation("groups_workinggroup") == 100

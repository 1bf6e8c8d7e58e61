"""Long lists count up to COUNT_LIMIT rows, say "more than" beyond, and page that far."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import text_of
from groups import paging
from groups.models import WorkingGroup
from groups.tests.factories import WorkingGroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_groups():
    WorkingGroupFactory.create_batch(5)
    return WorkingGroup.objects.order_by("name")


def test_it_counts_no_further_than_its_limit(five_groups):
    paginator = paging.CappedPaginator(five_groups, 2, limit=3)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 4
    assert paginator.capped
    assert "LIMIT 4" in queries[0]["sql"] and "ORDER BY" not in queries[0]["sql"]
    assert paginator.num_pages == 2  # the first three rows: nobody pages past what was counted


def test_under_its_limit_it_is_django_s_paginator(five_groups):
    paginator = paging.CappedPaginator(five_groups, 2, limit=10)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (5, False, 3)
    assert list(paginator.page(3).object_list) == list(five_groups)[4:]


def test_an_empty_list_has_one_empty_page():
    paginator = paging.CappedPaginator(WorkingGroup.objects.all(), 2, limit=3)
    assert (paginator.count, paginator.num_pages, list(paginator.page(1))) == (0, 1, [])


def test_the_groups_list_says_more_than_the_limit(client, admin_user, five_groups, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_LIMIT", 3)
    client.force_login(admin_user)
    text = text_of(client.get("/groups/"))
    assert "Plus de 3 groupes" in text
    monkeypatch.setattr(paging, "COUNT_LIMIT", 1000)
    caches["pages"].clear()  # a change of code, which kept pages do not see (a release does)
    assert "5 groupes" in text_of(client.get("/groups/"))

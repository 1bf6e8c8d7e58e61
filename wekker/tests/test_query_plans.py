"""On PostgreSQL, the directory's search and the actions page read indexes, not whole tables.

A few thousand rows and fresh statistics make the planner choose as it does on a large
table; `enable_seqscan = off` then asks whether an index can serve the query at all.
"""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from directory.filters import ContactFilter
from groups.models import WorkingGroup
from groups.tests.factories import WorkingGroupFactory
from meetings.actions.filters import ActionFilter
from meetings.models import Action
from stakeholders.models import Contact, Organisation
from stakeholders.tests.factories import ContactFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
ROWS = 3000


def plan(queryset):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


@pytest.fixture
def contacts():
    organisation = Organisation.objects.create(name="Conseil départemental")
    Contact.objects.bulk_create(
        Contact(first_name=f"Prénom{n}", last_name=f"Nom{n}", job_title="Chargée de mission", organisation=organisation)
        for n in range(ROWS)
    )


@pytest.fixture
def actions():
    group, owner = WorkingGroupFactory(), ContactFactory()
    statuses, today = list(Action.Status.values), timezone.localdate()
    Action.objects.bulk_create(
        Action(
            group=group,
            owner=owner,
            title=f"Action {n}",
            status=statuses[n % 4],
            due_date=today - dt.timedelta(n),
        )
        for n in range(ROWS)
    )


def test_the_directory_search_reads_the_trigram_indexes(contacts):
    found = ContactFilter({"q": "martin"}, queryset=Contact.objects.all(), request=None).qs.order_by()
    text = plan(found)
    for index in ("contact_first_name_trgm", "contact_last_name_trgm", "contact_job_title_trgm"):
        assert index in text
    assert "Seq Scan on stakeholders_contact" not in text


@pytest.mark.parametrize("data", [{}, {"overdue": "true"}, {"status": "done"}, {"status": ""}])
def test_the_actions_page_reads_its_first_page_off_its_order_index(actions, data):
    found = ActionFilter(data, queryset=Action.objects.all(), groups=WorkingGroup.objects.none()).qs[:50]
    text = plan(found)
    assert "Index Scan using action_page_order" in text
    assert "Sort" not in text  # the rows come in the page's order: nothing sorts the table

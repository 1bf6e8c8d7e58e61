"""One definition of a current membership, and the group counts read through the related models."""

import datetime as dt

import pytest
from django.utils import timezone

from groups.models import Membership
from groups.tests.factories import MembershipFactory
from stakeholders import personal_data

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)
BEFORE, AFTER = dt.date(2026, 1, 1), dt.date(2026, 6, 1)

# (joined, left) -> current on DAY?
CASES = {
    "no dates": (None, None, True),
    "joined before": (BEFORE, None, True),
    "joined that day": (DAY, None, True),
    "joins later": (AFTER, None, False),
    "leaves later": (BEFORE, AFTER, True),
    "left that day": (BEFORE, DAY, False),
    "left before": (None, BEFORE, False),
    "joins and leaves later": (AFTER, dt.date(2026, 7, 1), False),
}


@pytest.fixture
def rows(mixite):
    return {
        name: MembershipFactory(group=mixite, joined=joined, left=left)
        for name, (joined, left, _current) in CASES.items()
    }


def test_it_agrees_on_who_is_current_in_the_database_and_in_python(rows):
    in_db = set(Membership.objects.current(on=DAY).values_list("pk", flat=True))
    for name, membership in rows.items():
        expected = CASES[name][2]
        assert (membership.pk in in_db) is expected, name
        assert membership.is_current_on(DAY) is expected, name


def test_it_splits_memberships_into_former_and_not_ended(rows):
    former = set(Membership.objects.former(on=DAY).values_list("pk", flat=True))
    not_ended = set(Membership.objects.not_ended(on=DAY).values_list("pk", flat=True))
    assert former | not_ended == {m.pk for m in rows.values()} and not former & not_ended
    for name, membership in rows.items():
        assert (membership.pk in former) is membership.has_ended_on(DAY), name
    assert {name for name, m in rows.items() if m.pk in former} == {"left that day", "left before"}


def test_it_exports_the_current_flag_with_the_same_rule(rows, mixite):
    membership = rows["joins later"]
    data = personal_data.export(membership.contact)
    assert data["memberships"][0]["current"] is membership.is_current_on(timezone.localdate())

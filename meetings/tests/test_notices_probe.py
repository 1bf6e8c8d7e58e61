"""A pass plans only the kinds whose probe finds a row: a probe finding nothing proves the plan finds nothing."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from conftest import make_group, make_meeting, paris
from meetings.models import Delivery, Meeting
from meetings.notices import dispatch, probe

pytestmark = pytest.mark.django_db

# Kinds whose probe is their plan's own query: it finds a row exactly when the plan finds something.
EXACT = {Delivery.Kind.CANCELLATION, Delivery.Kind.MINUTES_MISSING, Delivery.Kind.MINUTES, Delivery.Kind.DIGEST}


def plans(kind, now):
    """Whether the kind's plan finds something at `now` (nothing kept: the reminders' mark stays)."""
    with transaction.atomic():
        found = bool(dispatch.NOTICES[kind].plan(now))
        transaction.set_rollback(True)
    return found


def probe_says(kind, now):
    return kind in probe.may_owe({kind: dispatch.NOTICES[kind]}, now)


def assert_probes_cover_plans(now):
    for kind, notice in dispatch.NOTICES.items():
        if not notice.has_probe:
            continue
        found, says = plans(kind, now), probe_says(kind, now)
        assert says or not found, f"{kind}: the plan finds something its probe missed"
        if kind in EXACT:
            assert says == found, f"{kind}: the probe says {says}, the plan found {found}"


def test_it_probes_a_cancellation_exactly_until_it_is_planned():
    group, _people = make_group(members=2, coordinators=1)
    meeting = make_meeting(group, paris(2027, 3, 10, 9, 30))
    now = paris(2027, 3, 1, 10, 0)
    assert_probes_cover_plans(now)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    assert probe_says(Delivery.Kind.CANCELLATION, now)
    assert_probes_cover_plans(now)
    dispatch.plan(now)
    assert not probe_says(Delivery.Kind.CANCELLATION, now)
    assert_probes_cover_plans(now)


def test_it_binds_the_time_of_each_pass_into_the_probe_built_once():
    group, _people = make_group(members=1, coordinators=1)
    meeting = make_meeting(group, paris(2027, 3, 1, 9, 30))
    ended = meeting.ends_at
    # The same compiled SQL answers each `now`: no minutes yet a day after, owed from the third day.
    assert not probe_says(Delivery.Kind.MINUTES_MISSING, ended + dt.timedelta(days=1))
    assert probe_says(Delivery.Kind.MINUTES_MISSING, ended + dt.timedelta(days=4))
    assert not probe_says(Delivery.Kind.MINUTES_MISSING, ended + dt.timedelta(days=31))
    for days in (1, 4, 31):
        assert_probes_cover_plans(ended + dt.timedelta(days=days))


def test_it_asks_every_probe_in_one_query_before_planning():
    group, _people = make_group(members=1, coordinators=1)
    make_meeting(group, paris(2027, 3, 10, 9, 30), status=Meeting.Status.CANCELLED)
    now = paris(2027, 3, 1, 10, 0)
    dispatch.plan(now)
    with CaptureQueriesContext(connection) as queries:
        owing = probe.may_owe(dispatch.NOTICES, now)
    assert len(queries) == 1
    # Nothing owed but the kinds that have no probe (the reminders keep their own mark).
    assert owing == {kind for kind, notice in dispatch.NOTICES.items() if not notice.has_probe}


def test_it_still_plans_what_a_probe_finds(mailoutbox):
    group, people = make_group(members=2, coordinators=1)
    make_meeting(group, paris(2027, 3, 10, 9, 30), status=Meeting.Status.CANCELLED)
    assert dispatch.plan(paris(2027, 3, 1, 10, 0)) == len(people)

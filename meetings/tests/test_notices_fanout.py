"""The periodic pass fans the due mails out in chunk tasks; each chunk claims its own rows."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import make_group, make_meeting
from meetings import tasks
from meetings.models import Delivery
from meetings.notices import dispatch, lease

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """The chunk tasks a pass queues, caught instead of going to the broker."""
    calls = []
    monkeypatch.setattr(tasks.send_chunk, "apply_async", lambda args, **options: calls.append(args))
    return calls


def test_a_pass_plans_then_queues_one_task_per_chunk_and_claims_nothing(settings, queued):
    settings.DELIVERY_CHUNK_SIZE = 4
    group, people = make_group(members=9, coordinators=1, offsets=[1])
    make_meeting(group, timezone.now() + dt.timedelta(hours=3))
    summary = tasks.dispatch_reminders.apply().get()
    assert summary == {"planned": 10, "chunks": 3}
    pks = sorted(Delivery.objects.values_list("pk", flat=True))
    assert [len(args[0]) for args in queued] == [4, 4, 2]
    assert sorted(pk for args in queued for pk in args[0]) == pks
    assert not Delivery.objects.filter(lease__isnull=False).exists()  # claimed by the chunks only
    assert mail.outbox == []
    tasks.send_chunk.run(*queued[0])
    assert len(mail.outbox) == 4
    assert Delivery.objects.filter(status="sent").count() == 4


def test_a_chunk_sends_each_row_once_and_skips_what_another_chunk_holds(settings, queued):
    settings.DELIVERY_CHUNK_SIZE = 10
    group, people = make_group(members=5, coordinators=1, offsets=[1])
    make_meeting(group, timezone.now() + dt.timedelta(hours=3))
    tasks.dispatch_reminders.apply()
    ((pks, now),) = queued
    other = lease.claim(timezone.now(), 2, pks=pks[:2])  # another worker holds two of them
    result = tasks.send_chunk.run(pks, now)
    assert result["sent"] == 4 and len(mail.outbox) == 4
    assert tasks.send_chunk.run(pks, now)["sent"] == 0  # the same chunk again (queued twice): nothing more
    assert len(mail.outbox) == 4
    assert set(Delivery.objects.filter(status="pending").values_list("pk", flat=True)) == set(other)


def test_a_row_whose_lease_ran_out_is_fanned_out_again(settings, queued):
    """A chunk lost with its worker: its rows come back once their lease has run out."""
    settings.DELIVERY_LEASE_SECONDS = 60
    group, people = make_group(members=2, coordinators=0, offsets=[1])
    make_meeting(group, timezone.now() + dt.timedelta(hours=3))
    now = timezone.now()
    dispatch.plan(now)
    lost = lease.claim(now, 10)  # claimed, then its worker died
    assert dispatch.due_chunks(now) == []
    later = now + dt.timedelta(seconds=61)
    assert dispatch.due_chunks(later) == [sorted(lost)]
    assert len(dispatch.send_chunk(sorted(lost), later, clock=lambda: later).sent) == 2
    assert not lost.mark_sent(lost[0], later)  # the lost worker, were it back, records nothing


def test_an_idle_pass_costs_a_few_queries_and_queues_nothing(queued):
    group, people = make_group(members=3, coordinators=1, offsets=[7, 1])
    make_meeting(group, timezone.now() + dt.timedelta(days=20))
    make_meeting(group, timezone.now() - dt.timedelta(days=2))
    with CaptureQueriesContext(connection) as queries:
        summary = tasks.dispatch_reminders.apply().get()
    assert summary == {"planned": 0, "chunks": 0}
    assert queued == []
    # The plan of each kind of notice (a query or two each) in one transaction (a savepoint here),
    # the reminders' mark (read, recorded changes cleared, moved, and made on this first pass),
    # then the list of what is due.
    assert len(queries) <= 19, [q["sql"] for q in queries]


def test_the_pass_sends_a_chunk_itself_when_the_broker_fails_mid_pass(monkeypatch):
    def unreachable(*args, **options):
        raise OSError("broker down")

    monkeypatch.setattr(tasks.send_chunk, "apply_async", unreachable)
    group, people = make_group(members=1, coordinators=0, offsets=[1])
    make_meeting(group, timezone.now() + dt.timedelta(hours=3))
    assert tasks.dispatch_reminders.apply().get()["sent"] == 1
    assert len(mail.outbox) == 1


def test_a_chunk_renders_what_a_meetings_recipients_share_once(settings, queued):
    """The meeting, its documents and agenda: rendered once per meeting, in every recipient's mail."""
    from django.test.signals import template_rendered

    group, people = make_group(members=5, coordinators=1, offsets=[1])
    meeting = make_meeting(group, timezone.now() + dt.timedelta(hours=3), title="Forum des métiers")
    rendered = []

    def count(sender, template, context, **kwargs):
        rendered.append(template.name)

    tasks.dispatch_reminders.apply()
    ((pks, now),) = queued
    template_rendered.connect(count)
    try:
        assert tasks.send_chunk.run(pks, now)["sent"] == 6
    finally:
        template_rendered.disconnect(count)
    assert rendered.count("meetings/emails/_meeting.html") == 1
    assert rendered.count("meetings/emails/_agenda.txt") == 1
    assert rendered.count("meetings/emails/reminder.html") == 6
    for message in mail.outbox:
        html = message.alternatives[0][0]
        assert f"{group.name} – Forum des métiers</h1>" in html
        assert meeting.get_absolute_url() in html and meeting.get_absolute_url() in message.body

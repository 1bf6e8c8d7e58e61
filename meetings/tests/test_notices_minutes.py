"""Minutes go out through the delivery dispatch: planned, claimed, sent, retried, failed in the admin."""

import datetime as dt
import time

import kombu
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

import meetings.admin_deliveries  # noqa: F401  (registers DeliveryAdmin)
from conftest import free_port, make_group, make_meeting, recipients
from groups.models import Membership
from groups.tests.factories import MembershipFactory
from meetings import tasks
from meetings.minutes import services as minutes_services
from meetings.models import Delivery, Meeting
from meetings.notices import dispatch
from meetings.notices import minutes as notices_minutes
from meetings.notices.minutes import MINUTES_SENDING_WINDOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def nudges(monkeypatch):
    """Passes asked of a worker after a commit; recorded, not queued (no worker in these tests)."""
    asked = []
    monkeypatch.setattr(tasks, "dispatch_soon", lambda: asked.append(True))
    return asked


@pytest.fixture
def held():
    """A meeting held yesterday, with a coordinator and two members, minutes written."""
    group, people = make_group(members=2, coordinators=1, offsets=[])
    meeting = make_meeting(group, timezone.now() - dt.timedelta(days=1), title="Forum des métiers")
    minutes_services.save_minutes(meeting, text="## Décisions\n\n- **Forum** en mars <script>alert(1)</script>")
    return meeting, people


def test_it_plans_one_minutes_delivery_per_current_member_with_an_address(held, nudges):
    meeting, people = held
    left = MembershipFactory(group=meeting.group, left=timezone.localdate() - dt.timedelta(days=3)).contact
    no_address = MembershipFactory(group=meeting.group, contact__email="").contact
    assert minutes_services.send_minutes(meeting) == 3
    planned = Delivery.objects.filter(kind=Delivery.Kind.MINUTES, meeting=meeting)
    assert sorted(planned.values_list("contact_id", flat=True)) == sorted(c.pk for c in people)
    assert left.pk not in {d.contact_id for d in planned} and no_address.pk not in {d.contact_id for d in planned}
    result = dispatch.dispatch_due()
    assert recipients(mail.outbox) == sorted(c.email for c in people)
    message = mail.outbox[0]
    assert message.subject == f"Compte rendu : {meeting.group.name} – Forum des métiers"
    assert "Voici le compte rendu de la réunion « Forum des métiers »" in message.body.replace("“", "« ").replace(
        "”", " »"
    )
    html = message.alternatives[0][0]
    assert "<strong>Forum</strong>" in html and "<script>" not in html
    assert meeting.get_absolute_url() in html
    assert len(result.sent) == 3 and dispatch.dispatch_due().sent == []


def test_it_refuses_a_second_minutes_delivery_for_the_same_person(held, nudges):
    meeting, people = held
    minutes_services.send_minutes(meeting)
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(kind=Delivery.Kind.MINUTES, meeting=meeting, contact=people[0], due_at=timezone.now())
    # Planning again adds nothing, and the minutes cannot be sent twice.
    assert dispatch.plan(timezone.now()) == 0
    with pytest.raises(ValidationError, match="Ce compte rendu a déjà été envoyé aux membres."):
        minutes_services.send_minutes(Meeting.objects.get(pk=meeting.pk))


def test_it_catches_up_minutes_the_sending_did_not_plan(held, nudges):
    meeting, people = held
    minutes_services.send_minutes(meeting)
    # Say some rows were lost: the next pass plans them again (one is left: the sending had begun).
    Delivery.objects.exclude(contact=people[0]).delete()
    newcomer = MembershipFactory(group=meeting.group).contact  # joined the day after
    result = dispatch.dispatch_due()
    assert sorted(d.contact_id for d in result.sent) == sorted([*(c.pk for c in people), newcomer.pk])


def test_it_never_mails_old_minutes_to_newcomers(held, nudges):
    meeting, people = held
    minutes_services.send_minutes(meeting)
    dispatch.dispatch_due()
    mail.outbox.clear()
    MembershipFactory(group=meeting.group)
    later = timezone.now() + notices_minutes.MINUTES_SENDING_WINDOW + dt.timedelta(minutes=1)
    assert dispatch.dispatch_due(now=later, clock=lambda: later).sent == []
    assert mail.outbox == []


def test_it_drops_minutes_for_someone_who_left_before_the_sending(held, nudges):
    meeting, people = held
    minutes_services.send_minutes(meeting)
    Membership.objects.filter(contact=people[2]).update(left=timezone.localdate() - dt.timedelta(days=1))
    result = dispatch.dispatch_due()
    assert len(result.sent) == 2 and [d.last_error for d in result.dropped] == ["no longer a member"]


def test_it_retries_failed_minutes_then_shows_them_expired_in_the_admin(held, nudges, settings, client, admin_user):
    settings.EMAIL_BACKEND = "conftest.FailingBackend"
    meeting, people = held
    minutes_services.send_minutes(meeting)
    meeting.refresh_from_db()
    assert meeting.minutes_status == "sent" and meeting.minutes_sent_at is not None
    now = timezone.now()
    result = dispatch.dispatch_due(now=now, clock=lambda: now)
    assert len(result.retrying) == 3
    delivery = Delivery.objects.filter(kind="minutes").first()
    assert delivery.status == "pending" and delivery.due_at == now + dt.timedelta(minutes=2)
    for wait in dispatch.BACKOFF:
        now += wait
        result = dispatch.dispatch_due(now=now, clock=lambda: now)  # noqa: B023 – called within this iteration
    assert len(result.retrying) == 3  # still useful: tried again
    now = meeting.minutes_sent_at + MINUTES_SENDING_WINDOW
    result = dispatch.dispatch_due(now=now, clock=lambda: now)
    assert len(result.expired) == 3
    assert set(Delivery.objects.filter(kind="minutes").values_list("status", flat=True)) == {"expired"}
    client.force_login(admin_user)
    url = reverse("admin:meetings_delivery_changelist")
    response = client.get(url, {"kind__exact": "minutes", "status__exact": "expired"})
    assert response.context["cl"].result_count == 3
    assert "SMTPServerDisconnected" in response.content.decode()
    # The admin resends them once the server answers again.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(url, {"action": "resend", "_selected_action": [delivery.pk]}, follow=True)
    assert "1 message envoyé." in response.content.decode()
    assert [m.to for m in mail.outbox] == [[delivery.contact.email]]


def test_it_sends_the_minutes_even_with_the_broker_down(
    held, client, admin_user, monkeypatch, django_capture_on_commit_callbacks
):
    meeting, people = held
    unreachable = f"redis://127.0.0.1:{free_port()}/0"
    monkeypatch.setattr(tasks.dispatch_reminders.app, "connection_for_write", lambda: kombu.Connection(unreachable))
    client.force_login(admin_user)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meetings:minutes_send", args=[meeting.pk]), follow=True)
    assert time.monotonic() - started < 5
    assert response.status_code == 200
    assert "Compte rendu envoyé à 3 membres." in response.content.decode()
    assert Delivery.objects.filter(kind="minutes", status="pending").count() == 3
    # The periodic pass sends them.
    assert len(dispatch.dispatch_due().sent) == 3


def test_it_asks_a_worker_for_a_pass_once_committed(held, monkeypatch, django_capture_on_commit_callbacks):
    meeting, people = held
    queued = []
    monkeypatch.setattr(tasks.dispatch_reminders, "apply_async", lambda **options: queued.append(options))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        minutes_services.send_minutes(meeting)
    assert queued == []
    for callback in callbacks:
        callback()
    assert len(queued) == 1 and queued[0]["retry"] is False


def test_it_does_not_mail_minutes_that_were_marked_sent_another_way(mixite, membre, coordinatrice):
    import datetime as dt

    from django.core import mail
    from django.utils import timezone

    from meetings.notices import dispatch
    from meetings.tests.factories import MeetingFactory

    start = timezone.now() - dt.timedelta(days=3)
    MeetingFactory(
        group=mixite,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        minutes="# Déjà envoyé",
        minutes_status="sent",
        minutes_sent_at=timezone.now() - dt.timedelta(days=1),
    )
    dispatch.dispatch_due(timezone.now())
    assert [m for m in mail.outbox if "Compte rendu" in m.subject] == []


def test_it_refuses_to_mark_minutes_sent_when_nobody_would_receive_them(held, nudges):
    from django.core.exceptions import ValidationError

    meeting, people = held
    meeting.group.status = "archived"
    meeting.group.save()
    with pytest.raises(ValidationError):
        minutes_services.send_minutes(meeting)
    meeting.refresh_from_db()
    assert meeting.minutes_status != "sent"
    assert not Delivery.objects.filter(meeting=meeting).exists()

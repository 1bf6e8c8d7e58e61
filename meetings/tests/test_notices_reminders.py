"""The dispatch, tested directly with a fixed `now`."""

import datetime as dt
import email
import smtplib

import icalendar
import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import IntegrityError, transaction

from conftest import PARIS, make_group, make_meeting, paris, recipients
from groups.models import Membership
from meetings.models import Attendance, Delivery, Meeting
from meetings.notices import dispatch as dispatcher
from meetings.notices import lease, meeting_notices, schedule
from meetings.planning.services import reschedule
from meetings.rsvp.signing import read_rsvp_token
from meetings.tests.factories import ActionFactory, AgendaItemFactory, AttendanceFactory
from stakeholders.models import Contact

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)


def frozen(now):
    """A clock that stays at `now`: every message of the pass leaves at that instant."""
    return lambda: now


def dispatch(now):
    return dispatcher.dispatch_due(now=now, clock=frozen(now))


def test_it_sends_each_offset_once_at_the_same_paris_time():
    group, people = make_group(members=2, offsets=[7, 1])
    meeting = make_meeting(group, paris(2027, 2, 9, 9, 30))
    emails = sorted(c.email for c in people)

    assert dispatch(paris(2027, 2, 2, 9, 29)).sent == []
    result = dispatch(paris(2027, 2, 2, 9, 30))
    assert recipients(mail.outbox) == emails
    assert {d.offset_days for d in result.sent} == {7}
    assert dispatch(paris(2027, 2, 2, 9, 45)).sent == []
    assert dispatch(paris(2027, 2, 8, 9, 29)).sent == []

    mail.outbox.clear()
    result = dispatch(paris(2027, 2, 8, 9, 30))
    assert recipients(mail.outbox) == emails
    assert {d.offset_days for d in result.sent} == {1}
    assert dispatch(paris(2027, 2, 9, 9, 0)).sent == []
    assert Delivery.objects.filter(meeting=meeting, status="sent").count() == 6


def test_it_follows_each_groups_own_offsets():
    group, people = make_group(members=1, coordinators=0, offsets=[3])
    make_meeting(group, paris(2027, 2, 9, 14, 0))
    assert dispatch(paris(2027, 2, 2, 14, 0)).sent == []
    assert len(dispatch(paris(2027, 2, 6, 14, 0)).sent) == 1
    assert dispatch(paris(2027, 2, 8, 14, 0)).sent == []


@pytest.mark.parametrize(
    "starts_at, offset, expected_utc",
    [
        # Monday after the spring change (Sunday 28 March 2027): a week before is still winter time.
        (paris(2027, 3, 29, 9, 30), 1, dt.datetime(2027, 3, 28, 7, 30, tzinfo=dt.UTC)),
        (paris(2027, 3, 29, 9, 30), 7, dt.datetime(2027, 3, 22, 8, 30, tzinfo=dt.UTC)),
        # On the day of the spring change: the day before is 23 hours earlier.
        (paris(2027, 3, 28, 9, 30), 1, dt.datetime(2027, 3, 27, 8, 30, tzinfo=dt.UTC)),
        # Monday after the autumn change (Sunday 31 October 2027).
        (paris(2027, 11, 1, 9, 30), 1, dt.datetime(2027, 10, 31, 8, 30, tzinfo=dt.UTC)),
        (paris(2027, 11, 1, 9, 30), 7, dt.datetime(2027, 10, 25, 7, 30, tzinfo=dt.UTC)),
        (paris(2027, 10, 31, 9, 30), 1, dt.datetime(2027, 10, 30, 7, 30, tzinfo=dt.UTC)),
    ],
)
def test_it_reminds_at_the_paris_wall_clock_time_across_clock_changes(starts_at, offset, expected_utc):
    group, people = make_group(members=1, coordinators=0, offsets=[offset])
    make_meeting(group, starts_at)
    assert schedule.reminder_due_at(starts_at, offset) == expected_utc
    assert schedule.reminder_due_at(starts_at, offset).astimezone(PARIS).time() == dt.time(9, 30)

    assert dispatch(expected_utc - MINUTE).sent == []
    sent = dispatch(expected_utc).sent
    assert [d.contact for d in sent] == people
    assert sent[0].sent_at == expected_utc


def test_it_sends_one_update_and_reminders_for_the_new_time():
    group, people = make_group(members=2)
    meeting = make_meeting(group, paris(2027, 2, 9, 9, 30))
    dispatch(paris(2027, 2, 2, 9, 30))
    mail.outbox.clear()

    # The meeting pages move it two days later: a change record, and the sequence grows.
    with time_machine.travel(paris(2027, 2, 3, 9, 0), tick=False):
        reschedule(
            meeting, starts_at=paris(2027, 2, 11, 14), ends_at=paris(2027, 2, 11, 16), place=meeting.place, video_url=""
        )
    result = dispatch(paris(2027, 2, 3, 10, 0))
    assert {d.kind for d in result.sent} == {"update"}
    assert len(mail.outbox) == 3
    update = mail.outbox[0]
    assert update.subject.startswith("Réunion déplacée")
    assert "du mardi 9 à 9h30 au jeudi 11 février 2027 à 14h00" in update.subject
    assert "avant : mardi 9 février 2027, 9h30–12h00" in update.body
    assert "désormais : jeudi 11 février 2027, 14h00–16h00" in update.body
    ics = icalendar.Calendar.from_ical(update.attachments[0].get_payload(decode=True))
    assert ics["METHOD"] == "PUBLISH"
    event = ics.walk("VEVENT")[0]
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == paris(2027, 2, 11, 14, 0)
    assert dispatch(paris(2027, 2, 3, 11, 0)).sent == []

    # Nothing at the old time; the 7-day reminder of the new time, then the 1-day one.
    mail.outbox.clear()
    assert {d.offset_days for d in dispatch(paris(2027, 2, 4, 14, 0)).sent} == {7}
    assert dispatch(paris(2027, 2, 8, 9, 30)).sent == []
    assert dispatch(paris(2027, 2, 10, 13, 59)).sent == []
    assert {d.offset_days for d in dispatch(paris(2027, 2, 10, 14, 0)).sent} == {1}


def test_it_sends_a_cancellation_and_no_more_reminders():
    group, people = make_group(members=2)
    meeting = make_meeting(group, paris(2027, 2, 9, 9, 30))
    dispatch(paris(2027, 2, 2, 9, 30))
    mail.outbox.clear()

    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.save()
    result = dispatch(paris(2027, 2, 4, 10, 0))
    assert {d.kind for d in result.sent} == {"cancellation"}
    assert len(mail.outbox) == 3
    message = mail.outbox[0]
    assert message.subject.startswith("Réunion annulée")
    assert "Cette réunion est annulée." in message.body
    part = message.attachments[0]
    assert part.get_param("method") == "CANCEL"
    ics = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    assert ics["METHOD"] == "CANCEL"
    assert ics.walk("VEVENT")[0]["STATUS"] == "CANCELLED"
    assert ics.walk("VEVENT")[0]["SEQUENCE"] == 1

    mail.outbox.clear()
    assert dispatch(paris(2027, 2, 8, 9, 30)).sent == []
    assert dispatch(paris(2027, 2, 8, 9, 31)).sent == []
    assert mail.outbox == []


def test_it_sends_nothing_to_those_who_declined():
    group, people = make_group(members=2)
    meeting = make_meeting(group, paris(2027, 2, 9, 9, 30))
    declined = people[1]
    AttendanceFactory(meeting=meeting, contact=declined, answer=Attendance.Answer.NO)
    AttendanceFactory(meeting=meeting, contact=people[2], answer=Attendance.Answer.MAYBE)
    dispatch(paris(2027, 2, 2, 9, 30))
    assert declined.email not in recipients(mail.outbox)
    assert len(mail.outbox) == 2
    meeting.starts_at += dt.timedelta(hours=1)
    meeting.ends_at += dt.timedelta(hours=1)
    meeting.sequence += 1
    meeting.save()
    mail.outbox.clear()
    dispatch(paris(2027, 2, 3, 9, 0))  # the update (and the 7-day reminder of the new time)
    assert declined.email not in recipients(mail.outbox)
    assert set(recipients(mail.outbox)) == {people[0].email, people[2].email}


def test_it_sends_nothing_to_former_members():
    group, people = make_group(members=2)
    make_meeting(group, paris(2027, 2, 9, 9, 30))
    Membership.objects.filter(contact=people[1]).update(left=dt.date(2027, 1, 15))
    dispatch(paris(2027, 2, 2, 9, 30))
    assert people[1].email not in recipients(mail.outbox)
    assert len(mail.outbox) == 2


def test_it_drops_a_claimed_reminder_when_the_recipient_declines_before_sending():
    group, people = make_group(members=1, coordinators=0)
    meeting = make_meeting(group, paris(2027, 2, 9, 9, 30))
    assert dispatcher.plan(paris(2027, 2, 8, 9, 30)) == 1
    AttendanceFactory(meeting=meeting, contact=people[0], answer=Attendance.Answer.NO)
    result = dispatcher.send_due(paris(2027, 2, 8, 9, 31), clock=frozen(paris(2027, 2, 8, 9, 31)))
    assert result.sent == [] and len(result.dropped) == 1
    assert mail.outbox == []


def test_it_catches_up_a_missed_reminder_while_the_meeting_is_ahead():
    group, people = make_group(members=2)
    make_meeting(group, paris(2027, 2, 9, 9, 30))
    # The worker was down at the 7-day time: the next pass, two days later, sends it.
    result = dispatch(paris(2027, 2, 4, 11, 0))
    assert {d.offset_days for d in result.sent} == {7}
    assert len(mail.outbox) == 3


def test_it_sends_only_the_latest_missed_reminder():
    group, people = make_group(members=2)
    make_meeting(group, paris(2027, 2, 9, 9, 30))
    # Down for a week: one mail each (the 1-day reminder), not two.
    result = dispatch(paris(2027, 2, 8, 18, 0))
    assert {d.offset_days for d in result.sent} == {1}
    assert len(mail.outbox) == 3
    assert dispatch(paris(2027, 2, 8, 18, 5)).sent == []


def test_it_sends_nothing_once_the_meeting_has_started():
    group, people = make_group(members=2)
    make_meeting(group, paris(2027, 2, 9, 9, 30))
    assert dispatch(paris(2027, 2, 9, 9, 30)).sent == []
    assert dispatch(paris(2027, 2, 9, 11, 0)).sent == []
    assert mail.outbox == []


def test_it_never_sends_a_claimed_reminder_after_the_start():
    group, people = make_group(members=2)
    make_meeting(group, paris(2027, 2, 9, 9, 30))
    # Claimed the day before, then the worker died before sending.
    assert dispatcher.plan(paris(2027, 2, 8, 9, 30)) == 3
    result = dispatcher.send_due(paris(2027, 2, 9, 9, 31), clock=frozen(paris(2027, 2, 9, 9, 31)))
    assert result.sent == []
    assert len(result.dropped) == 3
    assert mail.outbox == []


def test_it_writes_each_recipient_their_own_french_mail():
    group, people = make_group(members=2)
    meeting = make_meeting(
        group,
        paris(2027, 2, 9, 9, 30),
        title="Bilan de la Semaine de la mixité",
        agenda_published_at=paris(2027, 2, 1, 9, 0),
    )
    AgendaItemFactory(meeting=meeting, title="Suivi des actions", position=0)
    AgendaItemFactory(meeting=meeting, title="Vidéos de rôles modèles", position=1)
    mine = ActionFactory(
        group=group, owner=people[1], title="Contacter le lycée <script>x</script>", due_date=dt.date(2027, 6, 1)
    )
    ActionFactory(group=group, owner=people[2], title="Réserver la salle", due_date=dt.date(2027, 6, 1))
    dispatch(paris(2027, 2, 8, 9, 30))

    assert len(mail.outbox) == 3
    message = next(m for m in mail.outbox if m.to == [people[1].email])
    assert message.cc == [] and message.bcc == []
    # No other member's address; the coordinator's only as the Reply-To.
    others = {c.email for c in people[1:]} - {people[1].email}
    raw = message.message().as_string()
    assert not any(address in raw for address in others)
    assert message.reply_to == [f'"{people[0].first_name} {people[0].last_name}" <{people[0].email}>']
    subject = f"Rappel : {group.name} – Bilan de la Semaine de la mixité, mardi 9 février 2027, 9h30–12h00"
    assert message.subject == subject
    assert "la réunion du groupe a lieu demain" in message.body.lower()
    assert "Ordre du jour" in message.body and "1. Suivi des actions" in message.body
    assert "Vidéos de rôles modèles" in message.body
    assert mine.title in message.body and "Réserver la salle" not in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="fr">' in html and "Ordre du jour" in html
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html
    # Three signed links, each for this invitation and one answer.
    answers = {}
    for line in message.body.splitlines():
        if "/rsvp/" in line:
            token = line.split("/rsvp/")[1].rstrip("/")
            meeting_id, contact_id, answer = read_rsvp_token(token)
            assert (meeting_id, contact_id) == (meeting.pk, people[1].pk)
            answers[answer] = line
    assert set(answers) == {"yes", "no", "maybe"}
    part = message.attachments[0]
    assert part.get_content_type() == "text/calendar"
    ics = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    assert ics.walk("VEVENT")[0]["UID"] == f"{meeting.uid}@wekker"
    assert "Vidéos de rôles modèles" in str(ics.walk("VEVENT")[0]["DESCRIPTION"])
    parsed = email.message_from_string(raw)
    assert parsed.is_multipart()


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that refuses the recipient for good (550)."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (550, b"No such user")})


def passes(start, end, every=dt.timedelta(minutes=5)):
    """One pass every `every` from `start` to `end`, as the beat would run them; the results."""
    results, now = [], start
    while now <= end:
        results.append(dispatch(now))
        now += every
    return results


def test_it_keeps_a_reminder_through_a_three_hour_smtp_outage_and_sends_it_after(settings):
    settings.EMAIL_BACKEND = "conftest.FailingBackend"
    group, people = make_group(members=0, coordinators=1, offsets=[2])
    make_meeting(group, paris(2027, 2, 9, 9, 30))
    outage = paris(2027, 2, 7, 9, 30)  # the reminder falls due as the relay goes down
    passes(outage, outage + dt.timedelta(hours=3))
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts >= 5
    assert "SMTPServerDisconnected" in delivery.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    passes(outage + dt.timedelta(hours=3, minutes=5), outage + dt.timedelta(hours=5))
    delivery.refresh_from_db()
    assert delivery.status == "sent" and recipients(mail.outbox) == [people[0].email]


def test_it_backs_off_up_to_a_cap_then_marks_the_reminder_expired_when_the_meeting_starts(settings):
    settings.EMAIL_BACKEND = "conftest.FailingBackend"
    group, people = make_group(members=0, coordinators=1, offsets=[1])
    meeting = make_meeting(group, paris(2027, 2, 9, 9, 30))
    now = paris(2027, 2, 8, 9, 30)
    waits = []
    while now < meeting.starts_at:
        result = dispatch(now)
        if result.retrying:
            waits.append(result.retrying[0].due_at - now)
            now = result.retrying[0].due_at
    assert waits[:4] == [dt.timedelta(minutes=m) for m in (2, 10, 30, 60)]
    assert max(waits) == dispatcher.RETRY_CAP and len(waits) > 20
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and delivery.due_at == meeting.starts_at
    result = dispatch(meeting.starts_at)
    delivery.refresh_from_db()
    assert delivery.status == "expired" and result.expired == [delivery]
    assert delivery.last_error.endswith("Not sent: meeting started")
    assert mail.outbox == []
    # The admin's resend, once the server answers again, is the admin's call: the meeting started.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert dispatcher.resend([delivery.pk], meeting.starts_at, clock=frozen(meeting.starts_at)).sent == []


def test_it_marks_a_permanent_refusal_failed_at_once(settings):
    settings.EMAIL_BACKEND = "meetings.tests.test_notices_reminders.RefusingBackend"
    group, people = make_group(members=0, coordinators=1, offsets=[1])
    make_meeting(group, paris(2027, 2, 9, 9, 30))
    result = dispatch(paris(2027, 2, 8, 9, 30))
    delivery = Delivery.objects.get()
    assert result.failed == [delivery] and delivery.status == "failed" and delivery.attempts == 1
    assert "550" in delivery.last_error


def test_it_resends_a_failed_message_by_hand(settings):
    settings.EMAIL_BACKEND = "meetings.tests.test_notices_reminders.RefusingBackend"
    group, people = make_group(members=0, coordinators=1, offsets=[1])
    make_meeting(group, paris(2027, 2, 9, 9, 30))
    now = paris(2027, 2, 8, 9, 30)
    dispatch(now)
    delivery = Delivery.objects.get()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    result = dispatcher.resend([delivery.pk], now, clock=frozen(now))
    delivery.refresh_from_db()
    assert result.sent == [delivery] and delivery.status == "sent" and len(mail.outbox) == 1


def test_it_claims_each_message_once_under_a_unique_constraint():
    group, people = make_group(members=2)
    make_meeting(group, paris(2027, 2, 9, 9, 30))
    now = paris(2027, 2, 2, 9, 30)
    assert dispatcher.plan(now) == 3
    # A second dispatcher planning at the same moment finds nothing new to claim.
    assert dispatcher.plan(now) == 0
    Delivery.objects.bulk_create(meeting_notices.REMINDER.plan(paris(2027, 2, 2, 9, 0)), ignore_conflicts=True)
    assert Delivery.objects.count() == 3
    row = Delivery.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(
            kind="reminder",
            contact=row.contact,
            meeting=row.meeting,
            offset_days=7,
            meeting_starts_at=row.meeting_starts_at,
            due_at=now,
        )
    first = dispatcher.claim_batch(now, clock=frozen(now))
    assert len(first) == 3
    assert dispatcher.claim_batch(now, clock=frozen(now)) == []  # leased: a second dispatcher gets nothing
    dispatcher.send_claimed(first, now, clock=frozen(now))
    assert len(mail.outbox) == 3


def test_it_takes_up_a_lease_left_by_a_dead_dispatcher():
    group, people = make_group(members=0, coordinators=1)
    make_meeting(group, paris(2027, 2, 9, 9, 30))
    now = paris(2027, 2, 2, 9, 30)
    dispatcher.plan(now)
    assert len(dispatcher.claim_batch(now, clock=frozen(now))) == 1  # …and the dispatcher dies
    assert dispatch(now + dt.timedelta(minutes=5)).sent == []
    assert len(dispatch(now + lease.lease_time()).sent) == 1


@pytest.mark.parametrize("change", [{"is_archived": True}, {"is_archived": True, "email": ""}])
def test_it_rechecks_a_retried_digest_and_drops_it_for_an_archived_or_erased_owner(settings, change):
    settings.EMAIL_BACKEND = "conftest.FailingBackend"
    group, people = make_group(members=1)
    owner = people[1]
    ActionFactory(group=group, owner=owner, title="Relancer la CCI", due_date=dt.date(2027, 2, 1))
    monday = paris(2027, 2, 8, 8, 0)
    assert len(dispatch(monday).retrying) == 1
    Contact.objects.filter(pk=owner.pk).update(**change)  # archived, or erased
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    result = dispatch(monday + dt.timedelta(minutes=2))
    delivery = Delivery.objects.get(kind="digest")
    assert result.sent == [] and mail.outbox == []
    assert delivery.status == "failed" and delivery.last_error.endswith("Not sent: contact archived or erased")
    assert delivery.attempts == 2


def test_it_drops_a_digest_whose_actions_were_all_closed_before_it_left():
    group, people = make_group(members=1)
    action = ActionFactory(group=group, owner=people[1], due_date=dt.date(2027, 2, 1))
    monday = paris(2027, 2, 8, 8, 0)
    dispatcher.plan(monday)
    action.status = "done"
    action.save()
    result = dispatch(monday)
    assert result.sent == [] and [d.last_error for d in result.dropped] == ["no action due"]


def test_it_marks_a_digest_expired_when_its_week_is_over(settings):
    settings.EMAIL_BACKEND = "conftest.FailingBackend"
    group, people = make_group(members=1)
    ActionFactory(group=group, owner=people[1], due_date=dt.date(2027, 2, 1))
    dispatch(paris(2027, 2, 8, 8, 0))
    result = dispatch(paris(2027, 2, 15, 0, 0))
    assert Delivery.objects.get(kind="digest").status == "expired" and len(result.expired) == 1


def test_it_sends_the_weekly_digest_on_monday_morning_paris_time():
    group, people = make_group(members=2)
    owner, other, former = people
    overdue = ActionFactory(group=group, owner=owner, title="Relancer la CCI", due_date=dt.date(2027, 2, 1))
    soon = ActionFactory(group=group, owner=owner, title="Préparer le forum", due_date=dt.date(2027, 2, 12))
    ActionFactory(group=group, owner=owner, title="Plus tard", due_date=dt.date(2027, 4, 1))
    ActionFactory(group=group, owner=owner, title="Déjà fait", due_date=dt.date(2027, 2, 2), status="done")
    ActionFactory(group=group, owner=former, title="Action d'un ancien", due_date=dt.date(2027, 2, 2))
    Membership.objects.filter(contact=former).update(left=dt.date(2027, 1, 1))

    assert dispatch(paris(2027, 2, 8, 7, 59)).sent == []  # Monday, before 8:00
    result = dispatch(paris(2027, 2, 8, 8, 0))
    assert [d.contact for d in result.sent] == [owner]
    message = mail.outbox[0]
    assert message.subject == "Vos actions à échéance proche ou en retard"
    assert overdue.title in message.body and soon.title in message.body
    assert "(en retard)" in message.body
    assert "Plus tard" not in message.body and "Déjà fait" not in message.body
    assert dispatch(paris(2027, 2, 9, 8, 0)).sent == []  # once a week
    assert len(dispatch(paris(2027, 2, 15, 8, 0)).sent) == 1


def test_it_catches_up_a_missed_digest_later_in_the_week():
    group, people = make_group(members=1, coordinators=0)
    ActionFactory(group=group, owner=people[0], due_date=dt.date(2027, 2, 1))
    assert len(dispatch(paris(2027, 2, 10, 15, 0)).sent) == 1


def test_it_tells_the_coordinator_when_minutes_are_missing_after_three_days():
    group, people = make_group(members=2, coordinators=1)
    coordinator = people[0]
    meeting = make_meeting(group, paris(2027, 2, 9, 9, 30))
    written = make_meeting(group, paris(2027, 2, 9, 14, 0), minutes="Compte rendu", minutes_status="draft")
    assert dispatch(paris(2027, 2, 12, 11, 59)).sent == []
    result = dispatch(paris(2027, 2, 12, 12, 0))
    assert [(d.kind, d.contact, d.meeting) for d in result.sent] == [("minutes_missing", coordinator, meeting)]
    assert mail.outbox[0].subject.startswith("Compte rendu manquant")
    assert written.deliveries.count() == 0
    assert dispatch(paris(2027, 2, 13, 12, 0)).sent == []


def test_it_prints_what_the_command_sent():
    from io import StringIO

    from django.utils import timezone

    group, people = make_group(members=1, coordinators=0, offsets=[1])
    meeting = make_meeting(group, timezone.now() + dt.timedelta(hours=3), title="Point d'étape")
    out = StringIO()
    call_command("send_reminders", stdout=out)
    text = out.getvalue()
    assert f"envoyé : Rappel de réunion (J-1) · {people[0].full_name} <{people[0].email}> · {meeting}" in text
    assert "1 envoyé(s), 0 à réessayer, 0 en échec, 0 expiré(s)." in text
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "0 envoyé(s)" in out.getvalue()
    assert len(mail.outbox) == 1


def test_it_runs_the_same_pass_as_a_celery_task(monkeypatch):
    """Without a worker (task_always_eager) the pass's chunks run inline and add up."""
    from django.utils import timezone

    from meetings.tasks import dispatch_reminders

    monkeypatch.setitem(dispatch_reminders.app.conf, "task_always_eager", True)
    group, people = make_group(members=1, coordinators=0, offsets=[1])
    make_meeting(group, timezone.now() + dt.timedelta(hours=3))
    summary = dispatch_reminders.apply().get()
    assert summary["sent"] == 1 and summary["chunks"] == 1
    assert len(mail.outbox) == 1


# --- Unpublished agendas, wording from Paris dates, the clock of each message --------------


def ics_description(message):
    part = message.attachments[0]
    return str(icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]["DESCRIPTION"])


def test_it_keeps_an_unpublished_agenda_out_of_reminders_updates_and_cancellations():
    group, people = make_group(members=1, coordinators=0, offsets=[7])
    meeting = make_meeting(group, paris(2027, 2, 9, 9, 30))
    AgendaItemFactory(meeting=meeting, title="Point confidentiel en préparation")
    sent = []
    dispatch(paris(2027, 2, 2, 9, 30))  # reminder
    sent += mail.outbox
    mail.outbox.clear()
    with time_machine.travel(paris(2027, 2, 3, 8, 0), tick=False):
        reschedule(
            meeting,
            starts_at=meeting.starts_at + dt.timedelta(hours=1),
            ends_at=meeting.ends_at + dt.timedelta(hours=1),
            place=meeting.place,
            video_url="",
        )
    dispatch(paris(2027, 2, 3, 9, 0))  # update (and the reminder of the new time)
    sent += mail.outbox
    mail.outbox.clear()
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.save()
    dispatch(paris(2027, 2, 4, 9, 0))  # cancellation
    sent += mail.outbox
    assert {m.subject.split(" :")[0] for m in sent} == {"Rappel", "Réunion déplacée", "Réunion annulée"}
    for message in sent:
        html = message.alternatives[0][0]
        for text in (message.body, html, ics_description(message)):
            assert "Point confidentiel" not in text
    reminder = sent[0]
    assert "L'ordre du jour n'est pas encore publié." in reminder.body
    assert "L'ordre du jour n'est pas encore publié." in reminder.alternatives[0][0]


def test_it_shows_the_agenda_in_mails_once_published():
    group, people = make_group(members=0, coordinators=1, offsets=[7])
    meeting = make_meeting(group, paris(2027, 2, 9, 9, 30), agenda_published_at=paris(2027, 1, 30, 9, 0))
    AgendaItemFactory(meeting=meeting, title="Bilan du forum")
    dispatch(paris(2027, 2, 2, 9, 30))
    message = mail.outbox[0]
    assert "1. Bilan du forum (20 min)" in message.body and "pas encore publié" not in message.body
    assert "1. Bilan du forum (20 min)" in ics_description(message)


@pytest.mark.parametrize(
    "offsets, starts_at, now, expected",
    [
        # A 7-day reminder caught up three days before: "in 3 days", not "in 7 days".
        ([7], paris(2027, 2, 9, 9, 30), paris(2027, 2, 6, 10, 0), "a lieu dans 3 jours."),
        # The 1-day reminder caught up on the morning of the meeting: "today".
        ([1], paris(2027, 2, 9, 9, 30), paris(2027, 2, 9, 8, 0), "a lieu aujourd'hui."),
        ([1], paris(2027, 2, 9, 9, 30), paris(2027, 2, 8, 9, 30), "a lieu demain."),
        # Just after midnight in Paris, still the day before in UTC: Paris dates count.
        ([1], paris(2027, 2, 9, 0, 30), paris(2027, 2, 8, 0, 30), "a lieu demain."),
        ([3], paris(2027, 2, 9, 9, 30), paris(2027, 2, 6, 9, 30), "a lieu dans 3 jours."),
    ],
)
def test_it_words_the_reminder_from_the_paris_dates_of_meeting_and_sending(offsets, starts_at, now, expected):
    group, people = make_group(members=0, coordinators=1, offsets=offsets)
    make_meeting(group, starts_at)
    assert len(dispatch(now).sent) == 1
    message = mail.outbox[0]
    assert expected in message.body and expected in message.alternatives[0][0].replace("&#x27;", "'")


def test_it_checks_the_start_against_the_clock_as_each_message_leaves():
    group, people = make_group(members=2, coordinators=1, offsets=[1])
    make_meeting(group, paris(2027, 2, 9, 9, 30))
    now = paris(2027, 2, 9, 9, 29)  # the pass starts a minute before the meeting…
    ticks = iter([now, now, paris(2027, 2, 9, 9, 30)])  # the claim, then each message
    last = paris(2027, 2, 9, 9, 31)
    result = dispatcher.dispatch_due(now=now, clock=lambda: next(ticks, last))  # …and takes a while
    assert len(result.sent) == 1 and result.sent[0].sent_at == now
    assert [d.last_error for d in result.dropped] == ["meeting started", "meeting started"]
    assert len(mail.outbox) == 1

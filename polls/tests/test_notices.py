"""The mail of date polls through the delivery machinery: invitation, reminder, closing, reopening."""

import datetime as dt
import email
import re

import icalendar
import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from conftest import recipients, text_of
from meetings.models import Delivery
from meetings.notices import dispatch as dispatcher
from polls import notices, services
from polls.signing import read_answer_token
from reference.timezones import PARIS

pytestmark = pytest.mark.django_db

EMAILS = ["coordinatrice@example.org", "membre@example.org", "rozenn.lebihan@example.org"]


def dispatch(now=None):
    now = now or timezone.now()
    return dispatcher.dispatch_due(now=now, clock=lambda: now)


def answer_all(poll, contact, value="yes"):
    invitee = poll.invitees.get(contact=contact)
    services.record_answers(invitee, dict.fromkeys(poll.options.values_list("pk", flat=True), value))


def test_it_invites_everyone_asked_once_with_a_personal_link(poll, partner):
    result = dispatch()
    assert len(result.sent) == 3
    assert recipients(mail.outbox) == EMAILS
    message = next(m for m in mail.outbox if m.to == [partner.email])
    assert message.subject == "Quelles dates vous conviennent ? Mixité des métiers – Réunion de rentrée"
    assert "Bonjour Rozenn," in message.body and "Pour chacune, répondez oui, si nécessaire ou non." in message.body
    token = message.body.split("/polls/answer/")[1].split("/")[0]
    assert read_answer_token(token) == (poll.pk, partner.pk)
    html = message.alternatives[0][0]
    assert "Donner mes réponses" in html and "parce qu’un groupe de travail du réseau We-ker vous a sollicité" in html
    # Each option in Paris time, in French.
    first = poll.options.first().starts_at.astimezone(PARIS)
    assert f"{first.day} " in message.body and "9h30–12h00" in message.body
    assert dispatch().sent == []  # never twice
    assert Delivery.objects.filter(kind="poll_invitation", status="sent").count() == 3


def test_it_sends_nothing_for_an_archived_group(poll, mixite):
    mixite.status = mixite.Status.ARCHIVED
    mixite.save()
    assert dispatch().sent == []


def test_it_claims_each_invitation_once_under_a_unique_constraint(poll, partner):
    now = timezone.now()
    assert dispatcher.plan(now) == 3
    assert dispatcher.plan(now) == 0
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(kind="poll_invitation", contact=partner, ref=f"poll:{poll.pk}", due_at=now)


def test_it_reminds_those_who_have_not_answered_n_days_before_the_deadline(poll, membre, partner, mixite):
    dispatch()
    mail.outbox.clear()
    answer_all(poll, membre.contact)
    mixite.poll_reminder_days = 3
    mixite.save()
    due = dt.datetime.combine(poll.deadline - dt.timedelta(days=3), dt.time(9), tzinfo=PARIS)
    assert dispatch(due - dt.timedelta(minutes=1)).sent == []
    result = dispatch(due)
    assert recipients(mail.outbox) == ["coordinatrice@example.org", "rozenn.lebihan@example.org"]
    assert mail.outbox[0].subject.startswith("Relance : quelles dates vous conviennent ?")
    assert len(result.sent) == 2
    assert dispatch(due + dt.timedelta(days=1)).sent == []


def test_it_sends_no_reminder_when_the_group_says_0_or_the_poll_has_no_deadline(poll, mixite):
    dispatch()
    mixite.poll_reminder_days = 0
    mixite.save()
    assert dispatch(timezone.now() + dt.timedelta(days=19)).sent == []


def test_it_drops_a_claimed_reminder_when_the_person_answers_before_it_leaves(poll, membre, mixite):
    dispatch()
    due = dt.datetime.combine(poll.deadline - dt.timedelta(days=2), dt.time(9), tzinfo=PARIS)
    dispatcher.plan(due)
    answer_all(poll, membre.contact)
    result = dispatcher.send_due(due, clock=lambda: due)
    assert membre.contact.email not in [d.contact.email for d in result.sent]
    assert "answered" in [d.last_error for d in result.dropped]


def test_it_drops_invitations_of_a_poll_closed_before_they_leave(poll):
    now = timezone.now()
    dispatcher.plan(now)
    services.close(poll, poll.options.first())
    result = dispatcher.send_due(now, clock=lambda: now)
    assert result.sent == [] and {d.last_error for d in result.dropped} == {"poll closed"}
    assert Delivery.objects.filter(kind="poll_invitation").count() == 0


def test_it_tells_everyone_the_date_chosen_with_the_meetings_ics(poll, partner):
    dispatch()
    mail.outbox.clear()
    option = poll.options.last()
    poll = services.close(poll, option)
    result = dispatch()
    assert recipients(mail.outbox) == EMAILS and len(result.sent) == 3
    message = next(m for m in mail.outbox if m.to == [partner.email])
    assert message.subject.startswith("Date retenue : Mixité des métiers – Réunion de rentrée, ")
    assert "La réunion est dans le fichier de calendrier joint (.ics)" in message.body
    parsed = email.message_from_bytes(message.message().as_bytes())
    calendars = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    event = icalendar.Calendar.from_ical(calendars[0].get_payload(decode=True)).walk("VEVENT")[0]
    assert event.decoded("dtstart") == option.starts_at
    assert str(event["summary"]).startswith("Mixité des métiers")
    assert Delivery.objects.get(kind="poll_closed", contact=partner).meeting == poll.meeting
    assert dispatch().sent == []


def test_it_sends_a_fresh_notice_when_a_poll_is_reopened_and_closed_again(poll, partner):
    meeting = services.close(poll, poll.options.first()).meeting
    dispatch()
    mail.outbox.clear()
    services.reopen(poll)
    meeting.refresh_from_db()
    assert meeting.is_cancelled
    dispatch()
    subjects = sorted({m.subject.split(":")[0] for m in mail.outbox})
    assert "Sondage de dates rouvert " in subjects  # everyone asked
    assert recipients([m for m in mail.outbox if m.subject.startswith("Sondage")]) == EMAILS
    assert any(m.subject.startswith("Réunion annulée") for m in mail.outbox)  # the members, by meetings
    mail.outbox.clear()
    services.close(type(poll).objects.get(pk=poll.pk), poll.options.last())
    dispatch()
    assert recipients([m for m in mail.outbox if m.subject.startswith("Date retenue")]) == EMAILS
    assert Delivery.objects.filter(kind="poll_closed").count() == 6


def test_it_lists_poll_mails_in_the_deliveries_admin_in_french(client, admin_user, poll):
    dispatch()
    client.force_login(admin_user)
    response = client.get("/admin/meetings/delivery/?kind=poll_invitation", HTTP_ACCEPT_LANGUAGE="fr")
    assert text_of(response).count("Invitation à un sondage de dates") >= 3
    delivery = Delivery.objects.filter(kind="poll_invitation").first()
    page = client.get(f"/admin/meetings/delivery/{delivery.pk}/change/", HTTP_ACCEPT_LANGUAGE="fr")
    assert f"poll:{poll.pk}" in text_of(page)


def test_it_registers_every_poll_notice_with_the_dispatch():
    for notice in notices.NOTICES:
        assert dispatcher.NOTICES[notice.kind] is notice


@pytest.mark.parametrize("kind", [notice.kind for notice in notices.NOTICES])
def test_it_writes_each_poll_mail_on_a_one_line_subject_with_links_to_the_site(settings, poll, kind):
    from meetings.notices import mail as notice_mail

    settings.SITE_URL = "https://wekker.example.org"
    Poll = type(poll)
    poll.title = "  Réunion \n de rentrée "
    poll.save()
    if kind in ("poll_closed", "poll_reopened"):
        poll = services.close(poll, poll.options.first())
    if kind == "poll_reopened":
        poll = services.reopen(poll)
    poll = Poll.objects.get(pk=poll.pk)
    notice = dispatcher.NOTICES[kind]
    delivery = Delivery(
        kind=kind,
        contact=poll.invitees.first().contact,
        ref=notice.ref(poll),
        meeting=poll.meeting,
        due_at=timezone.now(),
    )
    batch = dispatcher.Batch([delivery], timezone.localdate())
    assert notice.why_not(delivery, batch, timezone.now()) is None
    message = notice_mail.build_message(notice, delivery, batch)
    assert message.subject == message.subject.strip() and "  " not in message.subject and "\n" not in message.subject
    html = message.alternatives[0][0]
    links = re.findall(r'href="([^"]+)"', html) + re.findall(r"https?://\S+", message.body)
    assert links
    assert all(link.startswith("https://wekker.example.org/") for link in links), links


def test_it_sends_replies_to_the_group_s_coordinators(poll, partner, mixite):
    from groups.models import Membership

    coordinator = Membership.objects.get(group=mixite, role="coordinator").contact
    dispatch()
    message = next(m for m in mail.outbox if m.to == [partner.email])
    assert message.reply_to == [f'"{coordinator.first_name} {coordinator.last_name}" <{coordinator.email}>']

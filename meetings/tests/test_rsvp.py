"""Signed one-click answers from a mail: no login, one invitation, one answer, GET never records."""

import datetime as dt

import pytest
import time_machine
from django.core import signing as django_signing
from django.urls import reverse
from django.utils import timezone

from conftest import ROLES
from groups.models import Membership
from meetings.models import Attendance, Meeting
from meetings.rsvp import services as rsvp_services
from meetings.rsvp import signing
from meetings.tests.factories import AttendanceFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(mixite):
    return MeetingFactory(group=mixite, title="Forum des métiers", starts_at=timezone.now() + dt.timedelta(days=3))


@pytest.fixture
def other_meeting(mixite):
    return MeetingFactory(group=mixite, title="Bilan annuel", starts_at=timezone.now() + dt.timedelta(days=30))


def url_for(meeting, contact, answer):
    return reverse("meetings:rsvp_signed", args=[signing.rsvp_token(meeting.pk, contact.pk, answer)])


def answer_of(meeting, contact):
    return Attendance.objects.filter(meeting=meeting, contact=contact).values_list("answer", flat=True).first()


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_a_confirmation_page_and_records_nothing_on_get(as_role, client, role, membre, meeting):
    url = url_for(meeting, membre.contact, "yes")
    as_role(role)
    for _ in range(2):  # a mail scanner opening the link twice
        response = client.get(url)
        assert response.status_code == 200
    html = response.content.decode()
    assert "Votre réponse à l'invitation" in html
    assert "Mixité des métiers – Forum des métiers" in html
    assert "Confirmer ma réponse : Oui" in html
    assert 'method="post"' in html
    assert answer_of(meeting, membre.contact) is None


@pytest.mark.parametrize("role", ROLES)
def test_it_records_the_signed_answer_on_post_without_login(as_role, client, role, membre, meeting):
    as_role(role)
    response = client.post(url_for(meeting, membre.contact, "maybe"), {"answer": "no"})
    assert response.status_code == 200
    assert "Merci : votre réponse « Peut-être » est enregistrée." in response.content.decode()
    attendance = Attendance.objects.get(meeting=meeting, contact=membre.contact)
    assert attendance.answer == "maybe" and attendance.answered_at is not None


def test_it_changes_an_existing_answer(client, membre, meeting):
    AttendanceFactory(meeting=meeting, contact=membre.contact, answer="yes")
    assert "Votre réponse actuelle : Oui." in client.get(url_for(meeting, membre.contact, "no")).content.decode()
    client.post(url_for(meeting, membre.contact, "no"))
    assert answer_of(meeting, membre.contact) == "no"


def test_it_answers_only_the_invitation_it_was_signed_for(client, membre, coordinatrice, meeting, other_meeting):
    client.post(url_for(meeting, membre.contact, "yes"))
    assert answer_of(meeting, membre.contact) == "yes"
    assert answer_of(other_meeting, membre.contact) is None
    assert answer_of(meeting, coordinatrice.contact) is None
    # Rewriting the meeting or the contact inside a link breaks its signature.
    token = signing.rsvp_token(meeting.pk, membre.contact.pk, "yes")
    payload, rest = token.split(":", 1)
    forged = django_signing.b64_encode(f'[{other_meeting.pk},{membre.contact.pk},"yes"]'.encode()).decode() + ":" + rest
    for bad in (forged, token[:-2] + ("AA" if not token.endswith("AA") else "BB")):
        response = client.post(reverse("meetings:rsvp_signed", args=[bad]))
        assert response.status_code == 400
        assert "Ce lien n'est pas valide" in response.content.decode()
    assert answer_of(other_meeting, membre.contact) is None


def test_it_refuses_a_token_signed_for_something_else(client, membre, meeting):
    # Same secret, another purpose (salt): refused.
    token = django_signing.dumps([meeting.pk, membre.contact.pk, "yes"], salt="wekker.other")
    assert client.get(reverse("meetings:rsvp_signed", args=[token])).status_code == 400


@pytest.mark.parametrize("role", ROLES)
def test_it_refuses_an_expired_link_in_french(as_role, client, role, membre, meeting):
    url = url_for(meeting, membre.contact, "yes")
    with time_machine.travel(timezone.now() + signing.MAX_AGE + dt.timedelta(minutes=1)):
        as_role(role)
        response = client.post(url)
    assert response.status_code == 400
    assert "Ce lien a expiré." in response.content.decode()
    assert answer_of(meeting, membre.contact) is None


def test_it_refuses_a_former_member(client, membre, meeting):
    Membership.objects.filter(contact=membre.contact).update(left=timezone.localdate())
    response = client.post(url_for(meeting, membre.contact, "yes"))
    assert response.status_code == 404
    assert "Cette invitation n'existe plus." in response.content.decode()
    assert answer_of(meeting, membre.contact) is None


def test_it_refuses_answers_to_a_cancelled_or_started_meeting(client, membre, meeting):
    meeting.status = Meeting.Status.CANCELLED
    meeting.save()
    response = client.post(url_for(meeting, membre.contact, "yes"))
    assert response.status_code == 410 and "a été annulée" in response.content.decode()
    meeting.status = Meeting.Status.PLANNED
    meeting.starts_at = timezone.now() - dt.timedelta(minutes=5)
    meeting.save()
    response = client.post(url_for(meeting, membre.contact, "yes"))
    assert response.status_code == 410 and "déjà commencé" in response.content.decode()
    assert answer_of(meeting, membre.contact) is None


def test_it_neutralises_script_in_the_meeting_title(client, membre, mixite):
    meeting = MeetingFactory(
        group=mixite, title="<script>alert(1)</script>", starts_at=timezone.now() + dt.timedelta(days=2)
    )
    html = client.get(url_for(meeting, membre.contact, "yes")).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_it_keeps_csrf_protection_on_the_post(membre, meeting):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    url = url_for(meeting, membre.contact, "yes")
    assert strict.post(url).status_code == 403
    strict.get(url)
    token = strict.cookies["csrftoken"].value
    assert strict.post(url, {"csrfmiddlewaretoken": token}).status_code == 200
    assert answer_of(meeting, membre.contact) == "yes"


# --- One cutoff for both ways of answering: until the meeting starts ----------------------


def answer_in_wekker(client, membre, meeting, answer):
    client.force_login(membre)
    response = client.post(reverse("meetings:answer", args=[meeting.pk]), {"answer": answer}, follow=True)
    client.logout()
    return response.content.decode()


def answer_by_link(client, membre, meeting, answer):
    return client.post(url_for(meeting, membre.contact, answer))


@pytest.mark.parametrize(
    "starts_in, ends_in, open_",
    [
        (dt.timedelta(minutes=10), dt.timedelta(hours=2), True),  # before the start
        (dt.timedelta(minutes=-10), dt.timedelta(hours=2), False),  # under way
        (dt.timedelta(hours=-3), dt.timedelta(hours=-1), False),  # over
    ],
)
def test_it_closes_answers_at_the_start_on_the_meeting_page_and_by_link_alike(
    client, membre, mixite, starts_in, ends_in, open_
):
    now = timezone.now()
    meeting = MeetingFactory(group=mixite, starts_at=now + starts_in, ends_at=now + ends_in)
    AttendanceFactory(meeting=meeting, contact=membre.contact)
    html = answer_in_wekker(client, membre, meeting, "yes")
    assert (answer_of(meeting, membre.contact) == "yes") == open_
    if not open_:
        assert "Cette réunion a déjà commencé : les réponses sont closes." in html
    response = answer_by_link(client, membre, meeting, "no")
    assert response.status_code == (200 if open_ else 410)
    assert (answer_of(meeting, membre.contact) == "no") == open_
    if not open_:
        assert "déjà commencé" in response.content.decode()
        assert answer_of(meeting, membre.contact) == "pending"


def test_it_answers_by_link_through_the_service(client, membre, meeting, monkeypatch):

    calls = []
    real = rsvp_services.answer_invitation

    def spy(attendance, answer, **options):
        calls.append((attendance.meeting_id, attendance.contact_id, answer, options))
        return real(attendance, answer, **options)

    monkeypatch.setattr(rsvp_services, "answer_invitation", spy)
    client.get(url_for(meeting, membre.contact, "maybe"))
    client.post(url_for(meeting, membre.contact, "maybe"))
    assert calls == [
        (meeting.pk, membre.contact.pk, "maybe", {"check_only": True}),
        (meeting.pk, membre.contact.pk, "maybe", {}),
    ]
    assert answer_of(meeting, membre.contact) == "maybe"


def test_it_shows_no_confirm_button_once_the_meeting_started(client, membre, mixite):
    now = timezone.now()
    meeting = MeetingFactory(group=mixite, starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(hours=1))
    response = client.get(url_for(meeting, membre.contact, "yes"))
    assert response.status_code == 410
    html = response.content.decode()
    assert "déjà commencé" in html and "Confirmer ma réponse" not in html
    assert answer_of(meeting, membre.contact) is None


def test_it_asks_again_when_the_meeting_changed_since_the_mail(client, membre, meeting):
    from meetings.planning.services import reschedule

    token = signing.rsvp_token(meeting.pk, membre.contact.pk, "yes", meeting.sequence)
    url = reverse("meetings:rsvp_signed", args=[token])
    later = meeting.starts_at + dt.timedelta(days=2)
    reschedule(meeting, starts_at=later, ends_at=later + dt.timedelta(hours=2), place="Brest", video_url="")
    for response in (client.get(url), client.post(url)):
        html = response.content.decode()
        assert "Cette réunion a changé depuis le mail" in html
        assert "Rien n’a été enregistré depuis ce lien" in html
        assert "Brest" in html
    assert answer_of(meeting, membre.contact) is None
    # The page's own buttons answer for the meeting as it is now.
    again = response.context["again"]
    assert [label for label, _url in again] == ["Oui", "Non", "Peut-être"]
    client.post(again[0][1])
    assert answer_of(meeting, membre.contact) == "yes"


def test_it_does_not_ask_again_after_a_status_change(client, membre, meeting):
    from meetings.planning.services import reschedule

    url = reverse("meetings:rsvp_signed", args=[signing.rsvp_token(meeting.pk, membre.contact.pk, "yes", 0)])
    reschedule(
        meeting,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        place=meeting.place,
        video_url="",
        status="confirmed",
    )
    client.post(url)
    assert answer_of(meeting, membre.contact) == "yes"


def test_it_never_overwrites_a_later_answer_given_on_the_web(client, membre, meeting):
    url = reverse("meetings:rsvp_signed", args=[signing.rsvp_token(meeting.pk, membre.contact.pk, "yes", 0)])
    client.post(url)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        client.force_login(membre)
        client.post(reverse("meetings:answer", args=[meeting.pk]), {"answer": "no"})
        client.logout()
        response = client.post(url)
    assert answer_of(meeting, membre.contact) == "no"
    assert "Vous avez répondu « Non » après l’envoi de ce mail" in response.content.decode()

"""Every kind of mail, rendered: subjects, links, the minutes' layout, the recipient's answer."""

import datetime as dt
import re

import pytest
import time_machine

from conftest import make_group, make_meeting, paris
from groups.models import Membership
from meetings.models import Attendance, Delivery, GroupMessage, Meeting
from meetings.notices import dispatch
from meetings.notices import mail as notice_mail
from meetings.planning.services import reschedule
from meetings.tests.factories import ActionFactory, AttendanceFactory

pytestmark = pytest.mark.django_db

NOW = paris(2027, 2, 5, 9, 30)
SITE = "https://wekker.example.org"
SUBJECT_STARTS = {
    Delivery.Kind.REMINDER: "Rappel : ",
    Delivery.Kind.UPDATE: "Réunion déplacée : ",
    Delivery.Kind.CANCELLATION: "Réunion annulée : ",
    Delivery.Kind.DIGEST: "Vos actions",
    Delivery.Kind.MINUTES_MISSING: "Compte rendu manquant : ",
    Delivery.Kind.MINUTES: "Compte rendu : ",
    Delivery.Kind.MINUTES_CORRECTION: "Rectificatif du compte rendu : ",
    Delivery.Kind.INVITATION: "Votre accès à Wekker",
    Delivery.Kind.MESSAGE: "[Mixité des métiers] ",
}
# This app's own kinds; those a higher app registers (date polls) are tested there.
KINDS = list(SUBJECT_STARTS)


def render(kind, meeting, contact):
    """The message of one delivery, built as the dispatch builds it."""
    sequence = message = None
    if kind == Delivery.Kind.MESSAGE:
        # A message about the meeting, its subject typed like the meeting's title.
        message = GroupMessage.objects.create(group=meeting.group, subject=meeting.title, body="Texte", sent_at=NOW)
    if kind in (Delivery.Kind.DIGEST, Delivery.Kind.INVITATION, Delivery.Kind.MESSAGE):
        meeting = None
    if kind == Delivery.Kind.INVITATION and contact.user is None:
        from django.contrib.auth import get_user_model

        contact.user = get_user_model().objects.create(username=contact.email, email=contact.email)
        contact.save()
    if kind == Delivery.Kind.UPDATE:
        with time_machine.travel(NOW, tick=False):
            meeting = reschedule(
                meeting,
                starts_at=paris(2027, 2, 11, 14),
                ends_at=paris(2027, 2, 11, 16),
                place=meeting.place,
                video_url=meeting.video_url,
            )
        sequence = meeting.sequence
    delivery = Delivery(
        kind=kind, meeting=meeting, message=message, contact=contact, due_at=NOW, meeting_sequence=sequence
    )
    batch = dispatch.Batch([delivery], NOW.date())
    return notice_mail.build_message(dispatch.NOTICES[kind], delivery, batch, now=NOW)


@pytest.fixture
def setting(settings):
    settings.SITE_URL = SITE
    group, people = make_group(members=1, coordinators=1, name="Mixité des métiers")
    # A title typed with stray spaces and a line break: the subject still reads on one line.
    meeting = make_meeting(
        group, paris(2027, 2, 9, 9, 30), title="  Forum \n des métiers ", video_url="https://visio.example.net/forum"
    )
    meeting.minutes = "# Compte rendu\n\n## Décisions\n\n- Forum en mars\n\n### Détail\n\nTexte."
    ActionFactory(group=group, owner=people[1], title="Réserver la salle", due_date=dt.date(2027, 2, 8))
    return meeting, people[1]


@pytest.mark.parametrize("kind", KINDS)
def test_it_writes_every_subject_on_one_line_without_stray_spaces(setting, kind):
    meeting, contact = setting
    subject = render(kind, meeting, contact).subject
    assert subject == subject.strip() and "  " not in subject and "\n" not in subject
    assert subject.startswith(SUBJECT_STARTS[kind])
    if kind not in (Delivery.Kind.DIGEST, Delivery.Kind.INVITATION):
        assert "Forum des métiers" in subject


@pytest.mark.parametrize("kind", KINDS)
def test_it_links_every_mail_to_the_site_url(setting, kind):
    meeting, contact = setting
    message = render(kind, meeting, contact)
    html = message.alternatives[0][0]
    links = re.findall(r'href="([^"]+)"', html) + re.findall(r"https?://\S+", message.body)
    assert links, "a mail without a link back"
    for link in links:
        assert link.startswith(f"{SITE}/") or link == meeting.video_url, link


def test_it_lays_out_the_minutes_like_the_reminder_with_modest_headings(setting):
    meeting, contact = setting
    html = render(Delivery.Kind.MINUTES, meeting, contact).alternatives[0][0]
    reminder = render(Delivery.Kind.REMINDER, meeting, contact).alternatives[0][0]
    # The same header: the group and meeting as the only h1, the date, the link to the meeting.
    for page in (html, reminder):
        assert page.count("<h1") == 1
        assert "Mixité des métiers –" in page and "mardi 9 février 2027, 9h30" in page
        assert "Voir la réunion dans Wekker" in page
        assert "h1 { font-size: 22px" in page
    # The minutes' own headings one level down, each with a modest size.
    assert '<h2 style="font-size:18px;margin:24px 0 8px">Compte rendu</h2>' in html
    assert '<h3 style="font-size:16px;margin:16px 0 8px">Décisions</h3>' in html
    assert '<h4 style="font-size:15px;margin:16px 0 8px">Détail</h4>' in html
    assert "<li>Forum en mars</li>" in html


def answer(meeting, contact, value):
    AttendanceFactory(meeting=meeting, contact=contact, answer=value)


@pytest.mark.parametrize("kind", [Delivery.Kind.REMINDER, Delivery.Kind.UPDATE])
def test_it_shows_a_yes_and_how_to_change_it_instead_of_asking_again(setting, kind):
    meeting, contact = setting
    answer(meeting, contact, Attendance.Answer.YES)
    message = render(kind, meeting, contact)
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert "Vous avez répondu : Oui — changer de réponse :" in text
        assert "Serez-vous présent·e ?" not in text
        assert "Oui, je viendrai" not in text
        assert "Peut-être" in text and "Non, je ne pourrai pas venir" in text
    assert message.body.count("/rsvp/") == 2


@pytest.mark.parametrize("value", [None, Attendance.Answer.PENDING, Attendance.Answer.MAYBE])
def test_it_keeps_asking_who_has_not_answered_or_said_maybe(setting, value):
    meeting, contact = setting
    if value is not None:
        answer(meeting, contact, value)
    message = render(Delivery.Kind.REMINDER, meeting, contact)
    for text in (message.body, message.alternatives[0][0]):
        assert "Serez-vous présent·e ?" in text and "Vous avez répondu" not in text
    assert message.body.count("/rsvp/") == 3


def test_it_shows_the_answer_in_a_reminder_the_dispatch_sends(setting):
    meeting, contact = setting
    answer(meeting, contact, Attendance.Answer.YES)
    from django.core import mail as outbox

    dispatch.dispatch_due(paris(2027, 2, 8, 9, 30), clock=lambda: paris(2027, 2, 8, 9, 30))
    mine = next(m for m in outbox.outbox if m.to == [contact.email])
    others = [m for m in outbox.outbox if m.to != [contact.email]]
    assert "Vous avez répondu : Oui" in mine.body
    assert others and all("Serez-vous présent·e ?" in m.body for m in others)
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PLANNED


@pytest.mark.parametrize(
    "kind",
    [  # meetings' own kinds; the polls app tests its own
        k
        for k in Delivery.Kind
        if k not in (Delivery.Kind.INVITATION, Delivery.Kind.MINUTES_MISSING) and not k.startswith("poll_")
    ],
)
def test_it_sends_replies_to_the_groups_coordinators_and_keeps_the_sender(setting, kind, settings):
    meeting, contact = setting
    coordinator = Membership.objects.get(group=meeting.group, role="coordinator").contact
    message = render(kind, meeting, contact)
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.reply_to == [f'"{coordinator.first_name} {coordinator.last_name}" <{coordinator.email}>']
    assert "Reply-To:" in message.message().as_string()

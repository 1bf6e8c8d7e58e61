"""A coordinator writes to the group: one mail per current member, through the dispatch, listed on the group page."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from conftest import COORDINATORS_OF_MIXITE, ROLES, check, members, posted, text_of
from groups.models import Membership, WorkingGroup
from groups.tests.factories import MembershipFactory
from meetings.messages import services
from meetings.models import Delivery, GroupMessage
from meetings.notices import dispatch
from stakeholders import personal_data
from stakeholders.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

URL = "/groups/mixite/messages/new/"
LETTER = {"subject": "Semaine de la mixité : appel à volontaires", "body": "Bonjour,\n\n- **lundi** : forum\n- mardi"}


@pytest.fixture
def group(mixite, coordinatrice, membre):
    """The mixité group, with a member who left, an erased one and one without an address."""
    MembershipFactory(group=mixite, contact=ContactFactory(email="parti@example.org"), left=dt.date(2020, 1, 1))
    erased = ContactFactory(email="efface@example.org")
    MembershipFactory(group=mixite, contact=erased)
    personal_data.erase(erased, erased_by=coordinatrice)
    MembershipFactory(group=mixite, contact=ContactFactory(email=""))
    return mixite


@pytest.fixture
def nudged(nudges):
    return nudges


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_the_coordinators_write_to_the_group(client, as_role, cast, role):
    check(client, as_role, role, URL, COORDINATORS_OF_MIXITE)
    check(client, as_role, role, URL, posted(COORDINATORS_OF_MIXITE), method="post", data=LETTER)


def test_it_sends_one_mail_per_current_member_through_the_dispatch(
    client, coordinatrice, membre, group, nudges, django_capture_on_commit_callbacks
):
    client.force_login(coordinatrice)
    with django_capture_on_commit_callbacks(execute=True):
        page = text_of(client.post(URL, LETTER, follow=True))
    assert "Le message part vers 2 membres." in page
    message = GroupMessage.objects.get()
    assert (message.subject, message.sent_by, message.recipient_count) == (LETTER["subject"], coordinatrice, 2)
    assert nudges == [True]
    assert mail.outbox == []  # the dispatch sends, not the request
    result = dispatch.dispatch_due()
    assert len(result.sent) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([coordinatrice.email, membre.email])
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    sent = mail.outbox[0]
    assert sent.subject == "[Mixité des métiers] Semaine de la mixité : appel à volontaires"
    assert "Un message de Claire Le Gall aux membres du groupe Mixité des métiers" in sent.body
    assert "<strong>lundi</strong>" in sent.alternatives[0][0]
    # Never twice: a second pass finds nothing to send.
    assert dispatch.dispatch_due().sent == []
    assert len(mail.outbox) == 2


def test_it_lists_the_message_on_the_group_page_for_members(client, coordinatrice, membre, outsider, group, nudges):
    services.send_message(
        group, subject="Compte rendu en ligne", body="Voir <script>alert(1)</script>", by=coordinatrice
    )
    client.force_login(membre)
    response = client.get("/groups/mixite/")
    assert "Compte rendu en ligne" in text_of(response) and "2 destinataires" in text_of(response)
    assert "<script>alert(1)" not in response.content.decode()
    assert "Écrire au groupe" not in text_of(response)
    client.force_login(coordinatrice)
    assert "Écrire au groupe" in text_of(client.get("/groups/mixite/"))


def test_it_retries_a_failed_send_then_sends_it_once(coordinatrice, membre, group, settings, nudges):
    services.send_message(group, subject="Test", body="Texte", by=coordinatrice)
    settings.EMAIL_BACKEND = "conftest.FailingBackend"
    result = dispatch.dispatch_due()
    assert len(result.retrying) == 2 and mail.outbox == []
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = timezone.now() + dt.timedelta(minutes=3)
    assert len(dispatch.dispatch_due(later, clock=lambda: later).sent) == 2
    assert len(mail.outbox) == 2
    assert set(Delivery.objects.values_list("status", "attempts")) == {(Delivery.Status.SENT, 2)}


def test_it_drops_the_mail_of_a_member_who_left_before_it_left(coordinatrice, membre, group, nudges):
    services.send_message(group, subject="Test", body="Texte", by=coordinatrice)
    Membership.objects.filter(contact=membre.contact).update(left=timezone.localdate() - dt.timedelta(days=1))
    dispatch.dispatch_due()
    assert [m.to for m in mail.outbox] == [[coordinatrice.email]]


def test_it_refuses_a_message_to_nobody_or_to_an_archived_group(client, coordinatrice, mixite, nudges):
    Membership.objects.filter(group=mixite).exclude(contact=coordinatrice.contact).update(left=dt.date(2020, 1, 1))
    coordinatrice.contact.email = ""
    coordinatrice.contact.save()
    client.force_login(coordinatrice)
    page = text_of(client.post(URL, LETTER, follow=True))
    assert "Personne ne recevrait ce message" in page and not GroupMessage.objects.exists()
    WorkingGroup.objects.filter(pk=mixite.pk).update(status=WorkingGroup.Status.ARCHIVED)
    page = text_of(client.post(URL, LETTER, follow=True))
    assert "Ce groupe est archivé" in page and not GroupMessage.objects.exists()


@pytest.mark.parametrize(
    "data, error",
    [
        ({"subject": "", "body": "Texte"}, "Ce champ est obligatoire."),
        ({"subject": "Objet", "body": ""}, "Ce champ est obligatoire."),
        ({"subject": "x" * 201, "body": "Texte"}, "au plus 200 caractères"),
        ({"subject": "Objet", "body": "x" * 50_001}, "au plus 50000 caractères"),
    ],
)
def test_it_refuses_bad_input_in_french_and_sends_nothing(client, coordinatrice, group, data, error):
    client.force_login(coordinatrice)
    response = client.post(URL, data)
    assert response.status_code == 400 and error in text_of(response)
    assert not GroupMessage.objects.exists() and not Delivery.objects.exists()


def test_it_keeps_a_hostile_subject_on_one_line_and_a_hostile_body_harmless(client, coordinatrice, group, nudges):
    client.force_login(coordinatrice)
    client.post(
        URL,
        {
            "subject": "Bonjour\r\nBcc: tous@example.org",
            "body": "[x](javascript:alert(1)) <img src=x onerror=alert(2)>",
        },
    )
    message = GroupMessage.objects.get()
    assert message.subject == "Bonjour Bcc: tous@example.org"
    dispatch.dispatch_due()
    sent = mail.outbox[0]
    assert "\n" not in sent.subject and not sent.bcc
    html = sent.alternatives[0][0]
    assert "javascript:" not in html and "onerror" not in html


def test_it_previews_without_sending(client, coordinatrice, group):
    client.force_login(coordinatrice)
    response = client.post(URL, {**LETTER, "preview": "1"})
    assert "<strong>lundi</strong>" in response.content.decode()
    assert "Aperçu" in text_of(response) and not GroupMessage.objects.exists()


def test_it_writes_to_a_large_group_in_constant_queries(coordinatrice, mixite, nudges, django_assert_num_queries):
    members(mixite, 30)
    # savepoint, group status read above, recipients, message, deliveries, release
    with django_assert_num_queries(5):
        message = services.send_message(mixite, subject="Test", body="Texte", by=coordinatrice)
    assert message.deliveries.count() == 31

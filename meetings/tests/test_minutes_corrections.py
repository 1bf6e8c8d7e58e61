"""Minutes after sending: a correction ("rectificatif") recorded with who, when and what, and mailed."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import COORDINATORS_OF_MIXITE, ROLES, check, meeting_of, posted, recipients
from meetings.minutes import services as minutes_services
from meetings.models import Delivery, MinutesCorrection
from meetings.notices import dispatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(mixite, coordinatrice, membre):
    meeting = meeting_of(mixite, days=-1, title="Forum des métiers")
    minutes_services.save_minutes(meeting, text="## Décisions\n\n- Forum en mars\n- Salle B")
    minutes_services.send_minutes(meeting)
    dispatch.dispatch_due()
    mail.outbox.clear()
    meeting.refresh_from_db()
    return meeting


def test_it_refuses_a_silent_edit_of_sent_minutes(client, coordinatrice, sent):
    with pytest.raises(ValidationError, match="rectificatif"):
        minutes_services.save_minutes(sent, text="Autre texte")
    client.force_login(coordinatrice)
    client.post(
        f"/meetings/{sent.pk}/minutes/", {"text": "Autre texte", "loaded_at": sent.minutes_updated_at.isoformat()}
    )
    sent.refresh_from_db()
    assert sent.minutes.endswith("Salle B")


def test_it_records_and_mails_a_correction_after_sending(client, coordinatrice, membre, sent):
    client.force_login(coordinatrice)
    page = client.get(f"/meetings/{sent.pk}/minutes/").content.decode()
    assert "rectificatif" in page and 'id="minutes-form"' not in page
    text = "## Décisions\n\n- Forum en avril\n- Salle B"
    response = client.post(
        f"/meetings/{sent.pk}/minutes/correct/", {"text": text, "reason": "Date du forum"}, follow=True
    )
    assert "Rectificatif enregistré" in response.content.decode()
    correction = MinutesCorrection.objects.get()
    assert (correction.number, correction.corrected_by, correction.reason) == (1, coordinatrice, "Date du forum")
    assert correction.before.endswith("Salle B") and "mars" in correction.before and correction.after == text
    sent.refresh_from_db()
    assert sent.minutes == text and sent.minutes_status == "sent"
    assert sent.minutes_updated_at == correction.corrected_at
    dispatch.dispatch_due()
    assert sorted(recipients(mail.outbox)) == sorted([coordinatrice.contact.email, membre.contact.email])
    message = next(m for m in mail.outbox if m.to == [membre.contact.email])
    assert message.subject == f"Rectificatif du compte rendu : {sent.group.name} – Forum des métiers"
    assert "- - Forum en mars\n+ - Forum en avril" in message.body
    assert "Motif : Date du forum" in message.body
    assert Delivery.objects.filter(kind="minutes_correction", status="sent").count() == 2
    # Shown on the minutes page too.
    page = client.get(f"/meetings/{sent.pk}/minutes/").content.decode()
    assert "Rectificatif 1" in page and "Forum en avril" in page


def test_it_refuses_a_correction_that_changes_nothing(sent):
    from meetings.minutes.corrections import correct_minutes

    with pytest.raises(ValidationError):
        correct_minutes(sent, text=sent.minutes)
    assert not MinutesCorrection.objects.exists()


def test_it_keeps_sent_minutes_read_only_in_the_admin(client, admin_user, sent):
    client.force_login(admin_user)
    html = client.get(f"/admin/meetings/meeting/{sent.pk}/change/").content.decode()
    assert 'name="minutes"' not in html


def test_it_touches_minutes_updated_at_when_the_admin_edits_a_draft(client, admin_user, mixite):
    from meetings.tests.test_admin import change_form

    meeting = meeting_of(mixite, days=-1)
    minutes_services.save_minutes(meeting, text="Brouillon")
    meeting.refresh_from_db()
    before = meeting.minutes_updated_at
    client.force_login(admin_user)
    url, data = change_form(client, meeting)
    data["minutes"] = "Brouillon corrigé"
    assert client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Brouillon corrigé" and meeting.minutes_updated_at > before
    assert meeting.minutes_updated_at > timezone.now() - dt.timedelta(minutes=1)


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_the_groups_coordinators_correct_sent_minutes(client, as_role, cast, sent, role):
    url = f"/meetings/{sent.pk}/minutes/correct/"
    check(client, as_role, role, url, posted(COORDINATORS_OF_MIXITE), method="post", data={"text": "Rectifié"})
    corrected = MinutesCorrection.objects.exists()
    assert corrected == (COORDINATORS_OF_MIXITE[role] == 200)
    # Only a POST corrects: a GET is refused to everyone signed in.
    check(client, as_role, role, url, {r: "login" if r == "anonymous" else 405 for r in ROLES})

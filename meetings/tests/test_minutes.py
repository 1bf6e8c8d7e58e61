import datetime as dt
import re
from html import unescape as html_unescape

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from conftest import (
    COORDINATORS_OF_MIXITE,
    ROLES,
    check,
    meeting_of,
    members,
    posted,
    record,
    text_of,
)
from meetings import tasks
from meetings.agenda import services as agenda_services
from meetings.attendance import services as attendance_services
from meetings.minutes import services as minutes_services
from meetings.models import Delivery, Meeting
from meetings.notices import dispatch
from meetings.tests.factories import ActionFactory
from stakeholders.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(mixite, coordinatrice, membre):
    return meeting_of(mixite, days=-1)


@pytest.fixture
def next_meeting(mixite, meeting):
    return meeting_of(mixite, days=40)


def stored(meeting):
    meeting.refresh_from_db()
    return meeting.minutes


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_coordinators_write_minutes(client, as_role, meeting, role):
    url = f"/meetings/{meeting.pk}/minutes/"
    check(client, as_role, role, url, COORDINATORS_OF_MIXITE)
    check(client, as_role, role, url, posted(COORDINATORS_OF_MIXITE), method="post", data={"text": "Compte rendu"})
    check(client, as_role, role, f"{url}send/", posted(COORDINATORS_OF_MIXITE), method="post")
    assert (stored(meeting) == "Compte rendu") == (COORDINATORS_OF_MIXITE[role] == 200)


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_coordinators_autosave(client, as_role, meeting, role):
    expected = {**COORDINATORS_OF_MIXITE, "anonymous": 401}
    url = f"/meetings/{meeting.pk}/minutes/autosave/"
    check(client, as_role, role, url, expected, method="post", data={"text": "Brouillon"})
    assert (stored(meeting) == "Brouillon") == (expected[role] == 200)


def test_it_starts_with_a_draft_from_the_agenda_register_and_decisions(
    client, coordinatrice, membre, departement, meeting
):
    colleague = ContactFactory(organisation=departement, first_name="Gwen", last_name="Collègue")
    agenda_services.add_agenda_item(
        meeting=meeting, title="Forum des métiers", duration_minutes=20, presenter=membre.contact
    )
    ActionFactory(
        group=meeting.group,
        meeting=meeting,
        owner=membre.contact,
        title="Réserver la salle",
        due_date=dt.date(2031, 1, 15),
    )
    attendances = {a.contact_id: a for a in attendance_services.invited(meeting)}
    attendance_services.record_attendance(
        meeting,
        register=[
            (attendances[coordinatrice.contact.pk], "present", None),
            (attendances[membre.contact.pk], "excused", colleague),
        ],
    )
    client.force_login(coordinatrice)
    html = client.get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    assert "Un premier brouillon a été préparé" in html
    assert "**Présent·e** : Claire Le Gall" in html
    assert "Yann Morvan (Conseil départemental d&#x27;Ille-et-Vilaine) – représenté·e par Gwen Collègue" in html
    assert "### 2. Forum des métiers (Yann Morvan)" in html
    assert "- Réserver la salle – Yann Morvan, 15 janvier 2031" in html
    assert stored(meeting) == ""  # only a proposal until saved


def test_it_autosaves_and_answers_json(client, coordinatrice, meeting):
    client.force_login(coordinatrice)
    response = client.post(f"/meetings/{meeting.pk}/minutes/autosave/", {"text": "## Présents\n\nTout le monde"})
    assert response.status_code == 200
    assert response.json()["message"].startswith("Brouillon enregistré à ")
    assert response.json()["status"] == "Brouillon"  # the page's badge follows without a reload
    meeting.refresh_from_db()
    assert meeting.minutes_status == "draft" and meeting.minutes.startswith("## Présents")


def test_it_checks_csrf_on_autosave(coordinatrice, meeting):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinatrice)
    assert client.post(f"/meetings/{meeting.pk}/minutes/autosave/", {"text": "x"}).status_code == 403
    assert client.post(f"/meetings/{meeting.pk}/minutes/", {"text": "x"}).status_code == 403
    assert stored(meeting) == ""


def test_it_rejects_10_mb_of_minutes_without_losing_the_draft(client, coordinatrice, meeting):
    minutes_services.save_minutes(meeting, text="Brouillon précieux")
    client.force_login(coordinatrice)
    huge = "x" * (10 * 1024 * 1024)
    response = client.post(f"/meetings/{meeting.pk}/minutes/", {"text": huge})
    assert response.status_code == 413
    html = response.content.decode()
    assert "Le compte rendu est trop long" in html and "Votre brouillon enregistré est inchangé." in html
    assert "Brouillon précieux" in html
    response = client.post(f"/meetings/{meeting.pk}/minutes/autosave/", {"text": huge})
    assert response.status_code == 413 and "trop long" in response.json()["error"]
    assert stored(meeting) == "Brouillon précieux"


def test_it_rejects_minutes_over_200_000_characters(client, coordinatrice, meeting):
    minutes_services.save_minutes(meeting, text="Brouillon précieux")
    client.force_login(coordinatrice)
    response = client.post(f"/meetings/{meeting.pk}/minutes/", {"text": "é" * 200_001})
    assert response.status_code == 400
    assert "Le compte rendu est trop long : 200 000 caractères au maximum." in response.content.decode()
    response = client.post(f"/meetings/{meeting.pk}/minutes/autosave/", {"text": "é" * 200_001})
    assert response.status_code == 400
    assert stored(meeting) == "Brouillon précieux"


def test_it_sanitises_the_minutes(client, coordinatrice, membre, meeting):
    minutes_services.save_minutes(
        meeting,
        text="**Décidé** <script>alert(1)</script> <img src=x onerror=alert(2)> [lien](javascript:alert(3))",
    )
    minutes_services.send_minutes(meeting)
    client.force_login(membre)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "<strong>Décidé</strong>" in html
    assert "<script>alert" not in html and "onerror" not in html and "javascript:" not in html


@pytest.fixture
def nudges(monkeypatch):
    """The passes asked of a worker once minutes are sent (no broker in these tests)."""
    asked = []
    monkeypatch.setattr(tasks, "dispatch_soon", lambda: asked.append(True))
    return asked


def test_it_sends_one_french_mail_per_current_member(
    client, coordinatrice, membre, mixite, meeting, nudges, django_capture_on_commit_callbacks
):
    members(mixite, 2)
    minutes_services.save_minutes(meeting, text="## Décisions\n\n- Forum en mars")
    client.force_login(coordinatrice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/meetings/{meeting.pk}/minutes/send/", follow=True)
    assert "Compte rendu envoyé à 4 membres." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes_status == "sent" and meeting.minutes_sent_at is not None
    # Planned as deliveries, one per member; a worker is asked for a pass once committed.
    assert nudges == [True]
    assert Delivery.objects.filter(meeting=meeting, kind="minutes", status="pending").count() == 4
    assert mail.outbox == []
    result = dispatch.dispatch_due()
    assert len(result.sent) == 4 and len(mail.outbox) == 4
    assert all(len(message.to) == 1 for message in mail.outbox)
    message = next(m for m in mail.outbox if m.to == [membre.email])
    assert message.subject.startswith("Compte rendu : Mixité des métiers – Réunion du ")
    assert "Bonjour Yann," in message.body and "Forum en mars" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "<li>Forum en mars</li>" in html and '<html lang="fr">' in html
    assert Delivery.objects.filter(meeting=meeting, kind="minutes", status="sent").count() == 4
    assert dispatch.dispatch_due().sent == []  # once each


def test_it_sends_nothing_if_the_transaction_fails(meeting, nudges, django_capture_on_commit_callbacks):
    minutes_services.save_minutes(meeting, text="Texte")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        minutes_services.send_minutes(meeting)
    assert len(callbacks) == 1 and mail.outbox == [] and nudges == []


def test_it_refuses_to_send_empty_minutes(client, coordinatrice, meeting):
    client.force_login(coordinatrice)
    response = client.post(f"/meetings/{meeting.pk}/minutes/send/", follow=True)
    assert "Le compte rendu est vide" in response.content.decode()
    assert mail.outbox == []


def test_it_freezes_adopted_minutes(client, coordinatrice, mixite, meeting):
    next_meeting = meeting_of(mixite, days=-0.5)  # later, and under way
    minutes_services.save_minutes(meeting, text="Version adoptée")
    minutes_services.send_minutes(meeting)
    client.force_login(coordinatrice)
    html = client.get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    assert "Marquer comme adopté" in html
    response = client.post(f"/meetings/{meeting.pk}/minutes/adopt/", {"adopted_in": next_meeting.pk}, follow=True)
    assert "Compte rendu adopté : il n’est plus modifiable." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes_status == Meeting.MinutesStatus.ADOPTED and meeting.minutes_adopted_in == next_meeting
    response = client.post(f"/meetings/{meeting.pk}/minutes/", {"text": "Réécriture"})
    assert response.status_code == 403
    assert "Ce compte rendu a été adopté : il ne peut plus être modifié." in response.content.decode()
    response = client.post(f"/meetings/{meeting.pk}/minutes/autosave/", {"text": "Réécriture"})
    assert response.status_code == 403 and "adopté" in response.json()["error"]
    assert stored(meeting) == "Version adoptée"
    assert "Adopté lors de la" in client.get(meeting.get_absolute_url()).content.decode()


def test_it_refuses_adoption_at_an_earlier_meeting(client, coordinatrice, mixite, meeting):
    earlier = meeting_of(mixite, days=-60)
    minutes_services.save_minutes(meeting, text="Texte")
    minutes_services.send_minutes(meeting)
    client.force_login(coordinatrice)
    client.post(f"/meetings/{meeting.pk}/minutes/adopt/", {"adopted_in": earlier.pk})
    meeting.refresh_from_db()
    assert meeting.minutes_status == "sent"


def test_it_refuses_adoption_at_a_meeting_that_has_not_taken_place(
    client, coordinatrice, mixite, meeting, next_meeting
):
    minutes_services.save_minutes(meeting, text="Texte")
    minutes_services.send_minutes(meeting)
    client.force_login(coordinatrice)
    html = client.get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    assert f'<option value="{next_meeting.pk}"' not in html
    assert "Le compte rendu est adopté à la réunion suivante, une fois qu’elle a eu lieu." in html
    client.post(f"/meetings/{meeting.pk}/minutes/adopt/", {"adopted_in": next_meeting.pk})
    meeting.refresh_from_db()
    assert meeting.minutes_status == "sent"
    with pytest.raises(ValidationError, match="réunion qui a eu lieu|has taken place"):
        minutes_services.adopt_minutes(meeting, adopted_in=next_meeting)


def test_it_adopts_at_a_later_meeting_that_has_started(client, coordinatrice, mixite):
    meeting = meeting_of(mixite, days=-40)
    held = meeting_of(mixite, days=-1)
    minutes_services.save_minutes(meeting, text="Texte")
    minutes_services.send_minutes(meeting)
    client.force_login(coordinatrice)
    client.post(f"/meetings/{meeting.pk}/minutes/adopt/", {"adopted_in": held.pk})
    meeting.refresh_from_db()
    assert meeting.minutes_status == "adopted" and meeting.minutes_adopted_in == held


def loaded_at(client, meeting):
    """The version of the minutes the page hands to the browser."""
    html = client.get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    match = re.search(r'name="loaded_at" value="([^"]*)"', html)
    return html_unescape(match[1]) if match else ""


def test_it_refuses_an_autosave_over_a_version_saved_meanwhile(client, coordinatrice, mixite, meeting):
    minutes_services.save_minutes(meeting, text="Version de départ")
    client.force_login(coordinatrice)
    mine = loaded_at(client, meeting)
    assert mine
    other = minutes_services.save_minutes(meeting, text="Version de Gwen", loaded_at=meeting.minutes_updated_at)
    response = client.post(f"/meetings/{meeting.pk}/minutes/autosave/", {"text": "Ma version", "loaded_at": mine})
    assert response.status_code == 409
    assert "Quelqu’un d’autre a enregistré ce compte rendu" in response.json()["error"]
    assert stored(meeting) == "Version de Gwen"
    assert other.minutes == "Version de Gwen"


def test_it_chains_autosaves_from_the_version_it_just_saved(client, coordinatrice, meeting):
    client.force_login(coordinatrice)
    first = client.post(f"/meetings/{meeting.pk}/minutes/autosave/", {"text": "Un", "loaded_at": ""})
    assert first.status_code == 200
    second = client.post(
        f"/meetings/{meeting.pk}/minutes/autosave/", {"text": "Un deux", "loaded_at": first.json()["saved_at"]}
    )
    assert second.status_code == 200 and stored(meeting) == "Un deux"
    stale = client.post(f"/meetings/{meeting.pk}/minutes/autosave/", {"text": "Vieux", "loaded_at": ""})
    assert stale.status_code == 409 and stored(meeting) == "Un deux"


def test_it_keeps_my_text_in_the_form_when_someone_saved_meanwhile(client, coordinatrice, meeting):
    minutes_services.save_minutes(meeting, text="Version de départ")
    client.force_login(coordinatrice)
    mine = loaded_at(client, meeting)
    minutes_services.save_minutes(meeting, text="Version de Gwen")
    response = client.post(f"/meetings/{meeting.pk}/minutes/", {"text": "Ma version précieuse", "loaded_at": mine})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Quelqu’un d’autre a enregistré ce compte rendu" in html
    assert ">Ma version précieuse</textarea>" in html  # my text, kept
    assert "Version de Gwen" in html  # theirs, to compare
    assert stored(meeting) == "Version de Gwen"
    # Saving again from this page replaces their version, knowingly.
    newer = re.search(r'name="loaded_at" value="([^"]*)"', html)[1]
    response = client.post(
        f"/meetings/{meeting.pk}/minutes/", {"text": "Ma version fusionnée", "loaded_at": html_unescape(newer)}
    )
    assert response.status_code == 302 and stored(meeting) == "Ma version fusionnée"


def test_it_rejects_an_unreadable_version(client, coordinatrice, meeting):
    client.force_login(coordinatrice)
    response = client.post(f"/meetings/{meeting.pk}/minutes/autosave/", {"text": "x", "loaded_at": "hier"})
    assert response.status_code == 400 and "Rechargez la page" in response.json()["error"]
    assert stored(meeting) == ""


def test_it_does_not_offer_to_send_minutes_that_were_already_sent(client, coordinatrice, mixite):
    import datetime as dt

    from django.utils import timezone

    from meetings.tests.factories import MeetingFactory

    start = timezone.now() - dt.timedelta(days=2)
    meeting = MeetingFactory(
        group=mixite,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        minutes="# Compte rendu",
        minutes_status="sent",
    )
    client.force_login(coordinatrice)
    response = client.get(f"/meetings/{meeting.pk}/minutes/send/")
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/minutes/"


# --- A draft without placeholders, a confirmation before sending ----------------------------------


def test_it_leaves_empty_sections_out_of_the_draft(past):
    past.agenda_items.all().delete()
    draft = minutes_services.draft_minutes(past)
    for gone in ["Présences", "Ordre du jour", "Décisions", "pas encore été rempli", "aucune décision", "(notes)"]:
        assert gone not in draft


def test_it_marks_agenda_items_left_to_write(past, membre):
    record(past, membre.contact, presence="present")
    ActionFactory(group=past.group, meeting=past, owner=membre.contact, title="Tourner trois vidéos")
    draft = minutes_services.draft_minutes(past)
    assert "## Présences" in draft and "## Ordre du jour" in draft and "## Décisions" in draft
    assert "### 1. Suivi des actions\n\n[à compléter]" in draft
    assert minutes_services.minutes_placeholders(draft) == ["[à compléter]"]


def test_it_asks_for_confirmation_listing_who_will_receive_the_minutes(client, coordinatrice, membre, past):
    minutes_services.save_minutes(past, text="## Présences\n\nTout le monde.")
    client.force_login(coordinatrice)
    minutes_page = client.get(f"/meetings/{past.pk}/minutes/").content.decode()
    assert f'href="/meetings/{past.pk}/minutes/send/"' in minutes_page
    page = text_of(client.get(f"/meetings/{past.pk}/minutes/send/"))
    assert "2 personnes le recevront" in page
    assert membre.contact.full_name in page and coordinatrice.contact.full_name in page
    assert membre.email in page
    assert "Confirmer l’envoi à 2 personnes" in page
    assert "à remplacer" not in page
    assert mail.outbox == []
    past.refresh_from_db()
    assert past.minutes_status == Meeting.MinutesStatus.DRAFT


def test_it_warns_before_sending_minutes_with_the_draft_markers(client, coordinatrice, past):
    minutes_services.save_minutes(past, text=minutes_services.draft_minutes(past))
    client.force_login(coordinatrice)
    page = text_of(client.get(f"/meetings/{past.pk}/minutes/send/"))
    assert "Le compte rendu contient encore du texte du brouillon généré, à remplacer" in page
    assert "« [à compléter] »" in page
    assert "Envoyer quand même" in page


def test_it_warns_about_the_placeholders_of_older_drafts(client, coordinatrice, past):
    minutes_services.save_minutes(past, text="## Décisions\n\n(aucune décision enregistrée)\n- Une décision")
    client.force_login(coordinatrice)
    assert "« (aucune décision enregistrée) »" in text_of(client.get(f"/meetings/{past.pk}/minutes/send/"))


def test_it_sends_nothing_from_the_confirmation_page_of_empty_minutes(client, coordinatrice, past):
    client.force_login(coordinatrice)
    response = client.get(f"/meetings/{past.pk}/minutes/send/")
    assert response.status_code == 302 and response["Location"] == f"/meetings/{past.pk}/minutes/"


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_the_send_confirmation_only_to_coordinators(client, as_role, past, role):
    minutes_services.save_minutes(past, text="Texte.")
    check(client, as_role, role, f"/meetings/{past.pk}/minutes/send/", COORDINATORS_OF_MIXITE)


def test_it_styles_the_adoption_select(client, coordinatrice, mixite):
    first = meeting_of(mixite, days=-40)
    meeting_of(mixite, days=-5)
    minutes_services.save_minutes(first, text="Texte.")
    minutes_services.send_minutes(first)
    client.force_login(coordinatrice)
    html = client.get(f"/meetings/{first.pk}/minutes/").content.decode()
    assert re.search(r'<select name="adopted_in" class="form-select"', html)

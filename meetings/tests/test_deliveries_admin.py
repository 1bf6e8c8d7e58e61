"""The deliveries and meetings admin as an administrator reads it: French titles, read-only pages, columns that fit."""

import re

import pytest
import time_machine
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.urls import reverse

import meetings.admin  # noqa: F401  (registers the meetings admin and DeliveryAdmin)
from conftest import header_cells, make_group, make_meeting, paris
from meetings.models import Delivery
from meetings.notices import dispatch, lease

pytestmark = pytest.mark.django_db

SENT_AT = paris(2027, 2, 2, 9, 30)


@pytest.fixture
def deliveries():
    """Three reminders sent at 9:30, one of which then failed, and one pending retry."""
    group, people = make_group(members=2, name="Mixité des métiers")
    make_meeting(group, paris(2027, 2, 9, 9, 30), title="Forum")
    dispatch.dispatch_due(SENT_AT, clock=lambda: SENT_AT)
    Delivery.objects.filter(contact=people[1]).update(status="failed", last_error="SMTPRecipientsRefused", sent_at=None)
    Delivery.objects.filter(contact=people[2]).update(
        status="pending", due_at=paris(2027, 2, 2, 9, 40), sent_at=None, attempts=1, last_error="Timeout"
    )
    mail.outbox.clear()
    return {d.status: d for d in Delivery.objects.all()}


def change_page(client, delivery):
    return client.get(reverse("admin:meetings_delivery_change", args=[delivery.pk])).content.decode()


def test_it_titles_a_delivery_in_french_and_offers_no_save_button(client, admin_user, deliveries):
    client.force_login(admin_user)
    html = change_page(client, deliveries["sent"])
    assert "Détail de l'envoi" in html.replace("&#x27;", "'")
    assert "Modification de envoi" not in html and "Affichage de envoi" not in html
    assert 'name="_save"' not in html and "Enregistrer" not in html
    assert 'name="_continue"' not in html and "Supprimer" in html  # deleting a record stays possible


def test_it_shows_when_a_sent_message_left_and_not_its_old_due_time(client, admin_user, deliveries):
    client.force_login(admin_user)
    html = change_page(client, deliveries["sent"])
    assert "Envoyé le" in html and "2 février 2027 09:30" in html
    assert "Prochaine tentative" not in html and "À envoyer le" not in html


def test_it_shows_a_pending_messages_due_time_as_its_next_attempt(client, admin_user, deliveries):
    client.force_login(admin_user)
    html = change_page(client, deliveries["pending"])
    assert "Prochaine tentative" in html and "2 février 2027, 09:40" in html
    assert "Envoyé le" not in html and "Timeout" in html


def test_it_lists_deliveries_in_six_short_columns(client, admin_user, deliveries):
    client.force_login(admin_user)
    html = client.get(reverse("admin:meetings_delivery_changelist")).content.decode()
    assert header_cells(html) == ["Type", "Destinataire", "Réunion", "Statut", "Date", "Erreur"]
    assert "Envois de courriels" in html
    assert "envoyé le 2 février 2027, 09:30" in html
    assert "prochaine tentative le 2 février 2027, 09:40" in html
    assert "SMTPRecipientsRefused" in html


def test_it_lets_view_only_staff_read_but_not_resend(client, deliveries):
    staff = User.objects.create_user("lecteur", password="x", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_delivery"))
    client.force_login(staff)
    changelist = client.get(reverse("admin:meetings_delivery_changelist"))
    assert changelist.status_code == 200 and "resend" not in changelist.content.decode()
    assert client.get(reverse("admin:meetings_delivery_change", args=[deliveries["sent"].pk])).status_code == 200
    response = client.post(
        reverse("admin:meetings_delivery_changelist"),
        {"action": "resend", "_selected_action": [deliveries["failed"].pk]},
    )
    assert mail.outbox == []
    assert Delivery.objects.get(pk=deliveries["failed"].pk).status == "failed"
    assert response.status_code in (200, 302)


def test_it_titles_the_meeting_filters_apart(client, admin_user, deliveries):
    client.force_login(admin_user)
    html = client.get(reverse("admin:meetings_meeting_changelist")).content.decode()
    titles = re.findall(r"<summary>\s*(.*?)\s*</summary>", html) or re.findall(r"<h3>\s*(.*?)\s*</h3>", html)
    assert "Par statut" in titles and "Par statut du groupe" in titles
    assert len(titles) == len(set(titles))
    assert header_cells(html) == ["Titre", "Groupe", "Début", "Statut", "Compte rendu"]


def test_it_titles_the_action_filters_apart(client, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("admin:meetings_action_changelist")).content.decode()
    titles = re.findall(r"<summary>\s*(.*?)\s*</summary>", html)
    assert "Par statut du groupe" in titles and len(titles) == len(set(titles))


# --- Reminders listed, filtered, searched and resent ----------------------------------------------


@pytest.fixture
def one_failed():
    """Reminders sent to a group's three people, the second one's failed; returns the people."""
    group, people = make_group(members=2)
    make_meeting(group, paris(2027, 2, 9, 9, 30), title="Forum")
    dispatch.dispatch_due(paris(2027, 2, 2, 9, 30), clock=lambda: paris(2027, 2, 2, 9, 30))
    Delivery.objects.filter(contact=people[1]).update(status="failed", last_error="SMTPRecipientsRefused")
    mail.outbox.clear()
    return people


def test_it_lists_sent_pending_and_failed_with_filters_and_search(client, admin_user, one_failed):
    client.force_login(admin_user)
    url = reverse("admin:meetings_delivery_changelist")
    html = client.get(url).content.decode()
    assert "SMTPRecipientsRefused" in html
    assert client.get(url, {"status__exact": "failed"}).context["cl"].result_count == 1
    assert client.get(url, {"status__exact": "sent"}).context["cl"].result_count == 2
    # A surname of its own: the factory's random ones may be shared by two of the three.
    one_failed[1].last_name = "Quéméner-Zéphyr"
    one_failed[1].save()
    assert client.get(url, {"q": "Quéméner-Zéphyr"}).context["cl"].result_count == 1


@pytest.mark.parametrize("role", ["anonymous", "membre", "coordinatrice"])
def test_it_keeps_the_admin_for_staff(as_role, client, role, one_failed):
    as_role(role)
    response = client.get(reverse("admin:meetings_delivery_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_it_resends_a_failed_message(client, admin_user, one_failed):
    failed = Delivery.objects.get(status="failed")
    with time_machine.travel(paris(2027, 2, 3, 10, 0), tick=False):
        client.force_login(admin_user)
        response = client.post(
            reverse("admin:meetings_delivery_changelist"),
            {"action": "resend", "_selected_action": [failed.pk]},
            follow=True,
        )
    assert "1 message envoyé." in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == "sent" and failed.last_error == ""
    assert [m.to for m in mail.outbox] == [[one_failed[1].email]]


def test_it_shows_failed_retrying_and_expired_apart(client, admin_user, deliveries):
    Delivery.objects.filter(pk=deliveries["sent"].pk).update(
        status="expired", last_error="Timeout\nNot sent: meeting started"
    )
    client.force_login(admin_user)
    url = reverse("admin:meetings_delivery_changelist")
    html = client.get(url).content.decode()
    assert "Expiré" in html and "En échec" in html and "Nouvel essai (tentative 2)" in html
    counts = {
        state: client.get(url, {"state": state}).context["cl"].result_count
        for state in ("waiting", "retrying", "failed", "expired", "sent")
    }
    assert counts == {"waiting": 0, "retrying": 1, "failed": 1, "expired": 1, "sent": 0}


def test_it_leaves_a_row_another_dispatcher_holds_when_resending(client, admin_user, one_failed):
    """A dispatcher claimed the row (its lease runs) and is sending it: resending it now would send it twice."""
    failed = Delivery.objects.get(status="failed")
    now = paris(2027, 2, 3, 10, 0)
    Delivery.objects.filter(status="failed").update(status="pending", last_error="")
    held = lease.claim(now, 10, clock=lambda: now, pks=[failed.pk])
    assert list(held) == [failed.pk]
    with time_machine.travel(now, tick=False):
        client.force_login(admin_user)
        response = client.post(
            reverse("admin:meetings_delivery_changelist"),
            {"action": "resend", "_selected_action": [failed.pk]},
            follow=True,
        )
    assert "1 envoi est en cours par le répartiteur" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == "pending" and failed.lease == held.token and mail.outbox == []
    assert held.mark_sent(failed.pk, now)  # the holder still records its own sending

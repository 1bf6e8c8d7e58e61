"""The deliveries admin: lists, filters, search, resend."""

import pytest
from django.core import mail
from django.urls import reverse

import meetings.admin_deliveries  # noqa: F401  (registers DeliveryAdmin, as meetings/admin.py will)
from conftest import make_group, make_meeting, paris
from meetings.models import Delivery
from meetings.notices import dispatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliveries():
    group, people = make_group(members=2)
    make_meeting(group, paris(2027, 2, 9, 9, 30), title="Forum")
    dispatch.dispatch_due(paris(2027, 2, 2, 9, 30), clock=lambda: paris(2027, 2, 2, 9, 30))
    Delivery.objects.filter(contact=people[1]).update(status="failed", last_error="SMTPRecipientsRefused")
    mail.outbox.clear()
    return people


def test_it_lists_sent_pending_and_failed_with_filters_and_search(client, admin_user, deliveries):
    client.force_login(admin_user)
    url = reverse("admin:meetings_delivery_changelist")
    html = client.get(url).content.decode()
    assert "SMTPRecipientsRefused" in html
    assert client.get(url, {"status__exact": "failed"}).context["cl"].result_count == 1
    assert client.get(url, {"status__exact": "sent"}).context["cl"].result_count == 2
    assert client.get(url, {"q": deliveries[1].last_name}).context["cl"].result_count == 1


@pytest.mark.parametrize("role", ["anonymous", "membre", "coordinatrice"])
def test_it_keeps_the_admin_for_staff(as_role, client, role, deliveries):
    as_role(role)
    response = client.get(reverse("admin:meetings_delivery_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_it_resends_a_failed_message(client, admin_user, deliveries, monkeypatch):
    import django.utils.timezone

    monkeypatch.setattr(django.utils.timezone, "now", lambda: paris(2027, 2, 3, 10, 0))
    failed = Delivery.objects.get(status="failed")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:meetings_delivery_changelist"),
        {"action": "resend", "_selected_action": [failed.pk]},
        follow=True,
    )
    assert "1 message envoyé." in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == "sent" and failed.last_error == ""
    assert [m.to for m in mail.outbox] == [[deliveries[1].email]]

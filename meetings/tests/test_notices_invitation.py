"""The invitation to Wekker leaves through a Delivery: after the commit, retried, seen in the admin."""

import pytest
from django.test import TestCase
from django.urls import reverse

from meetings.models import Delivery
from meetings.notices import dispatch
from stakeholders.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_it_sends_the_invitation_through_a_delivery_retried_and_seen_in_the_admin(
    client, coordinatrice, admin_user, mailoutbox, settings
):
    ana = ContactFactory(first_name="Ana", last_name="Ferreira", email="ana@batibreizh.fr")
    settings.EMAIL_BACKEND = "conftest.FailingBackend"
    client.force_login(coordinatrice)
    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
        client.post(f"/partners/contacts/{ana.pk}/invite/")
        # Nothing leaves before the new login is committed.
        assert not Delivery.objects.exists()
    assert callbacks
    delivery = Delivery.objects.get(kind="invitation")
    assert delivery.contact == ana and delivery.requested_by == coordinatrice
    assert delivery.status == "pending" and delivery.attempts == 1 and "SMTPServerDisconnected" in delivery.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    dispatch.send_due(delivery.due_at)
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    [mail] = mailoutbox
    assert mail.subject == "Votre accès à Wekker" and "/accounts/reset/" in mail.body
    assert "Claire Le Gall vous invite sur Wekker" in mail.body

    client.force_login(admin_user)
    page = client.get(reverse("admin:meetings_delivery_changelist")).content.decode()
    assert "Invitation à Wekker" in page and "Ana Ferreira" in page


def test_it_drops_an_invitation_once_the_person_has_signed_in(coordinatrice, mailoutbox):
    from django.utils import timezone

    from stakeholders import services

    ana = ContactFactory(email="ana@batibreizh.fr")
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        services.invite(ana, invited_by=coordinatrice)
    ana.refresh_from_db()
    ana.user.last_login = timezone.now()
    ana.user.save()
    for callback in callbacks:
        callback()
    assert mailoutbox == []
    assert not Delivery.objects.filter(status="sent").exists()

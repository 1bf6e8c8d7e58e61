"""The invitation to choose a password (sent from the partners directory) is a Delivery like
every other mail: written once the login is committed, retried, seen in the admin."""

import pytest
from django.test import TestCase

from meetings.models import Delivery
from meetings.notices import dispatch
from stakeholders.tests.factories import ContactFactory


@pytest.fixture
def ana(db):
    """A partner without a login, whom a coordinator invites."""
    return ContactFactory(first_name="Ana", last_name="Ferreira", email="ana@example.org")


def invite_post(client, *args, **kwargs):
    """POST an invitation and run what waits for the commit (the mail leaves once the login is saved)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(*args, **kwargs)


def test_it_sends_the_invitation_through_a_delivery_retried_and_seen_in_the_admin(
    client, coordinatrice, ana, mailoutbox, settings
):
    settings.EMAIL_BACKEND = "conftest.FailingBackend"
    client.force_login(coordinatrice)
    invite_post(client, f"/partners/contacts/{ana.pk}/invite/")
    delivery = Delivery.objects.get(kind="invitation")
    assert delivery.contact == ana and delivery.requested_by == coordinatrice
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    dispatch.send_due(delivery.due_at)
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    [mail] = mailoutbox
    assert mail.subject == "Votre accès à Wekker" and "/accounts/reset/" in mail.body

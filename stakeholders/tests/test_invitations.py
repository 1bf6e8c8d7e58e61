"""Invitations leave once the login is committed (issue 15, item 7)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from stakeholders import services
from stakeholders.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def inviter():
    return get_user_model().objects.create_user("claire", first_name="Claire", last_name="Le Gall")


def test_it_sends_nothing_when_the_login_is_not_committed(inviter, mailoutbox, django_capture_on_commit_callbacks):
    contact = ContactFactory(email="ana@example.org")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.invite(contact, invited_by=inviter)
        raise RuntimeError("the commit fails")
    assert mailoutbox == []
    assert not get_user_model().objects.filter(username="ana@example.org").exists()


def test_it_sends_the_mail_once_committed(inviter, mailoutbox, django_capture_on_commit_callbacks):
    contact = ContactFactory(email="ana@example.org")
    with django_capture_on_commit_callbacks() as callbacks:
        services.invite(contact, invited_by=inviter)
    assert mailoutbox == [] and len(callbacks) == 1  # nothing inside the transaction
    callbacks[0]()
    assert [m.to for m in mailoutbox] == [["ana@example.org"]]


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_login_when_the_mail_cannot_leave_at_once(inviter, settings):
    """The mail is a Delivery (meetings registers it): retried by the passes, the login kept."""
    settings.EMAIL_BACKEND = "conftest.FailingBackend"
    contact = ContactFactory(email="ana@example.org")
    services.invite(contact, invited_by=inviter)
    contact.refresh_from_db()
    assert contact.user.username == "ana@example.org" and services.can_resend_invitation(contact)

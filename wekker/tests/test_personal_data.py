"""A contact's personal data across the apps: the RGPD export gathers every app's part, erasing keeps the history."""

import json

import pytest

from meetings.tests.factories import ActionFactory, AttendanceFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_it_exports_a_contacts_personal_data_as_json(client, coordinatrice, membre, mixite):
    contact = membre.contact
    meeting = MeetingFactory(group=mixite, title="Réunion de juin")
    AttendanceFactory(meeting=meeting, contact=contact, answer="yes")
    ActionFactory(group=mixite, owner=contact, title="Contacter le lycée", lever="sensibiliser")
    client.force_login(coordinatrice)
    response = client.get(f"/partners/contacts/{contact.pk}/export.json")
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["contact"]["first_name"] == "Yann" and data["contact"]["email"] == membre.email
    assert data["login"]["username"] == "membre"
    assert data["memberships"] == [
        {"group": "Mixité des métiers", "role": "member", "joined": None, "left": None, "current": True}
    ]
    assert data["attendances"][0]["meeting"] == "Réunion de juin" and data["attendances"][0]["answer"] == "yes"
    assert data["owned_actions"][0]["title"] == "Contacter le lycée"


def test_it_erases_a_contact_but_keeps_their_history(client, coordinatrice, membre, mixite):
    contact = membre.contact
    old_token = contact.feed_token
    action = ActionFactory(group=mixite, owner=contact, title="Contacter le lycée")
    client.force_login(coordinatrice)
    assert "Contact effacé" in client.get(f"/partners/contacts/{contact.pk}/erase/").content.decode()
    response = client.post(f"/partners/contacts/{contact.pk}/erase/", follow=True)
    assert "ont été effacées" in response.content.decode()
    contact.refresh_from_db()
    assert contact.full_name == "Contact effacé"
    assert (contact.email, contact.phone, contact.job_title, contact.testimony_video_url) == ("", "", "", "")
    assert contact.user is None and contact.is_archived and contact.feed_token != old_token
    membre.refresh_from_db()
    assert not membre.is_active and membre.email == "" and membre.username.startswith("erased-")
    action.refresh_from_db()
    assert action.owner == contact  # history kept
    membership = contact.memberships.get()
    assert membership.left is not None  # no new mail
    assert "Yann" not in client.get("/groups/mixite/").content.decode()
    assert not client.login(username="membre", password="wekker-test")

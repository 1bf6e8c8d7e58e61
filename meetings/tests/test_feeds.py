"""The calendar feeds: who may read them, conditional GET, constant queries."""

import datetime as dt

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import MEMBERS_OF_MIXITE, ROLES, check
from groups.models import Membership
from groups.tests.factories import MembershipFactory
from meetings.tests.factories import AgendaItemFactory, DocumentFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixite_meeting(mixite):
    meeting = MeetingFactory(group=mixite, title="Forum des métiers", starts_at=timezone.now() + dt.timedelta(days=5))
    AgendaItemFactory(meeting=meeting, title="Suivi des actions")
    return meeting


@pytest.fixture
def seniors_meeting(seniors):
    return MeetingFactory(group=seniors, title="Réunion seniors")


def events(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return icalendar.Calendar.from_ical(body).walk("VEVENT")


@pytest.mark.parametrize("role", ROLES)
def test_it_serves_a_meetings_ics_to_its_groups_members_only(as_role, client, role, mixite_meeting):
    url = reverse("meetings:meeting_ics", args=[mixite_meeting.pk])
    response = check(client, as_role, role, url, MEMBERS_OF_MIXITE)
    if MEMBERS_OF_MIXITE[role] == 200:
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        assert [str(e["UID"]) for e in events(response)] == [f"{mixite_meeting.uid}@wekker"]


@pytest.mark.parametrize("role", ROLES)
def test_it_serves_a_groups_feed_to_its_members_only(as_role, client, role, mixite_meeting, seniors_meeting):
    response = check(client, as_role, role, reverse("meetings:group_feed", args=["mixite"]), MEMBERS_OF_MIXITE)
    if MEMBERS_OF_MIXITE[role] == 200:
        assert [str(e["SUMMARY"]) for e in events(response)] == ["Mixité des métiers – Forum des métiers"]


def test_it_answers_404_for_an_unknown_group(client, membre):
    client.force_login(membre)
    assert client.get(reverse("meetings:group_feed", args=["inconnu"])).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_it_serves_the_personal_feed_by_token_to_anyone_holding_it(
    as_role, client, role, membre, mixite_meeting, seniors_meeting
):
    token = membre.contact.feed_token
    response = check(client, as_role, role, reverse("meetings:personal_feed", args=[token]), 200)
    assert [str(e["UID"]) for e in events(response)] == [f"{mixite_meeting.uid}@wekker"]


@pytest.mark.parametrize("role", ROLES)
def test_it_refuses_an_unknown_token(as_role, client, role, membre):
    check(client, as_role, role, reverse("meetings:personal_feed", args=["not-a-token"]), 404)


def test_it_revokes_the_old_address_when_the_token_is_renewed(client, membre, mixite_meeting):
    contact = membre.contact
    old = contact.feed_token
    contact.renew_feed_token()
    assert client.get(reverse("meetings:personal_feed", args=[old])).status_code == 404
    assert client.get(reverse("meetings:personal_feed", args=[contact.feed_token])).status_code == 200


def test_it_leaves_out_the_groups_a_person_left(client, membre, mixite_meeting, seniors, seniors_meeting):
    contact = membre.contact
    MembershipFactory(group=seniors, contact=contact, left=timezone.localdate() - dt.timedelta(days=1))
    response = client.get(reverse("meetings:personal_feed", args=[contact.feed_token]))
    assert [str(e["UID"]) for e in events(response)] == [f"{mixite_meeting.uid}@wekker"]
    Membership.objects.filter(contact=contact, group=seniors).update(left=None)
    response = client.get(reverse("meetings:personal_feed", args=[contact.feed_token]))
    assert len(events(response)) == 2


def test_it_answers_304_to_a_client_that_has_the_current_feed(client, membre, mixite_meeting):
    url = reverse("meetings:personal_feed", args=[membre.contact.feed_token])
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    # A change of time makes a new feed.
    mixite_meeting.starts_at += dt.timedelta(hours=1)
    mixite_meeting.ends_at += dt.timedelta(hours=1)
    mixite_meeting.sequence += 1
    mixite_meeting.save()
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again["ETag"] != first["ETag"]


def test_it_answers_304_for_the_meeting_and_group_files_too(client, membre, mixite_meeting):
    client.force_login(membre)
    for url in (
        reverse("meetings:meeting_ics", args=[mixite_meeting.pk]),
        reverse("meetings:group_feed", args=["mixite"]),
    ):
        etag = client.get(url)["ETag"]
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def make_meetings(group, count):
    """`count` meetings with two items each, every other agenda published."""
    for n in range(count):
        published = timezone.now() if n % 2 else None
        meeting = MeetingFactory(
            group=group, starts_at=timezone.now() + dt.timedelta(days=n + 1), agenda_published_at=published
        )
        AgendaItemFactory(meeting=meeting)
        AgendaItemFactory(meeting=meeting)
        DocumentFactory(meeting=meeting)


@pytest.mark.parametrize("count", [2, 20])
def test_it_reads_the_personal_feed_in_constant_queries(client, membre, mixite, count, django_assert_num_queries):
    make_meetings(mixite, count)
    url = reverse("meetings:personal_feed", args=[membre.contact.feed_token])
    # contact by token, meetings (with group; memberships as a subquery), published agenda items, documents
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [2, 20])
def test_it_reads_the_group_feed_in_constant_queries(client, membre, mixite, count, django_assert_num_queries):
    make_meetings(mixite, count)
    client.force_login(membre)
    # session, user, memberships (access), group, meetings with group, published agenda items, documents
    with django_assert_num_queries(7):
        assert client.get(reverse("meetings:group_feed", args=["mixite"])).status_code == 200


@pytest.mark.parametrize("items", [1, 15])
def test_it_reads_a_meetings_ics_in_constant_queries(client, membre, mixite, items, django_assert_num_queries):
    meeting = MeetingFactory(group=mixite)
    for _ in range(items):
        AgendaItemFactory(meeting=meeting)
    client.force_login(membre)
    # session, user, memberships (access), meeting with group, published agenda items, documents
    with django_assert_num_queries(6):
        assert client.get(reverse("meetings:meeting_ics", args=[meeting.pk])).status_code == 200


def descriptions(response):
    return " ".join(str(e.get("DESCRIPTION", "")) for e in events(response))


def test_it_keeps_an_unpublished_agenda_out_of_every_feed(client, membre, mixite):
    draft = MeetingFactory(group=mixite, title="Brouillon", starts_at=timezone.now() + dt.timedelta(days=3))
    AgendaItemFactory(meeting=draft, title="Point confidentiel en préparation")
    published = MeetingFactory(
        group=mixite,
        title="Publiée",
        starts_at=timezone.now() + dt.timedelta(days=4),
        agenda_published_at=timezone.now(),
    )
    AgendaItemFactory(meeting=published, title="Bilan du forum")
    client.force_login(membre)
    urls = [
        reverse("meetings:meeting_ics", args=[draft.pk]),
        reverse("meetings:group_feed", args=["mixite"]),
        reverse("meetings:personal_feed", args=[membre.contact.feed_token]),
    ]
    for url in urls:
        text = descriptions(client.get(url))
        assert "Point confidentiel" not in text, url
    assert "1. Bilan du forum (20 min)" in descriptions(
        client.get(reverse("meetings:meeting_ics", args=[published.pk]))
    )
    for url in urls[1:]:
        assert "Bilan du forum" in descriptions(client.get(url)), url
    # Published later: the feed shows it, and its ETag changes.
    etag = client.get(urls[2])["ETag"]
    draft.agenda_published_at = timezone.now()
    draft.save()
    response = client.get(urls[2], HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and "Point confidentiel en préparation" in descriptions(response)

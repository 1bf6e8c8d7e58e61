"""Every notice is true: a change says old → new, a status change or an unchanged save is no change,
and only those who were members on the day of a change, and still are, hear of it."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from conftest import make_group, make_meeting, meeting_of, paris, recipients
from groups.models import Membership
from groups.tests.factories import MembershipFactory
from meetings.attendance.services import invited
from meetings.models import Delivery, Meeting, MeetingChange
from meetings.notices import dispatch as dispatcher
from meetings.planning import services as planning
from meetings.planning.forms import MeetingForm
from meetings.tests.test_admin import change_form

pytestmark = pytest.mark.django_db


def dispatch(now):
    return dispatcher.dispatch_due(now=now, clock=lambda: now)


def edit_data(meeting, **changes):
    """The edit form's own values for a meeting, as the browser posts them."""
    data = {}
    for name, value in MeetingForm.initial_for(meeting).items():
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, dt.time):
            value = value.strftime("%H:%M")
        elif isinstance(value, bool):
            value = "on" if value else ""
        elif value is None:
            value = ""  # an empty field (the reach not counted)
        data[name] = value
    data.update(changes)
    return {name: value for name, value in data.items() if value != "" or name in ("title", "place", "video_url")}


def row(meeting):
    return Meeting.objects.filter(pk=meeting.pk).values().get()


def test_it_sends_no_move_notice_for_a_status_change(client, coordinatrice, membre, mixite):
    meeting = meeting_of(mixite, days=10)
    client.force_login(coordinatrice)
    client.post(f"/meetings/{meeting.pk}/edit/", edit_data(meeting, status="confirmed"))
    meeting.refresh_from_db()
    assert meeting.status == "confirmed" and meeting.sequence == 1  # calendars take the new STATUS
    assert not MeetingChange.objects.exists()
    dispatch(timezone.now())
    assert not Delivery.objects.filter(kind=Delivery.Kind.UPDATE).exists()
    assert not [m for m in mail.outbox if "déplacée" in m.subject]


def test_it_changes_nothing_when_the_edit_page_is_saved_unchanged(client, coordinatrice, membre, mixite):
    meeting = meeting_of(mixite, days=10)
    before = row(meeting)
    client.force_login(coordinatrice)
    response = client.post(f"/meetings/{meeting.pk}/edit/", edit_data(meeting), follow=True)
    assert "Rien n’a changé : rien n’a été enregistré ni envoyé." in response.content.decode()
    assert row(meeting) == before
    dispatch(timezone.now())
    assert not Delivery.objects.exclude(kind=Delivery.Kind.REMINDER).exists()


def test_it_changes_nothing_when_the_admin_saves_unchanged(client, admin_user, coordinatrice, membre, mixite):
    meeting = meeting_of(mixite, days=10)
    before = row(meeting)
    client.force_login(admin_user)
    url, data = change_form(client, meeting)
    assert client.post(url, data).status_code == 302
    assert row(meeting) == before
    assert not MeetingChange.objects.exists()


def test_it_says_old_and_new_in_the_update():
    group, people = make_group(members=1, coordinators=0)
    meeting = make_meeting(group, paris(2027, 3, 2, 9, 30), place="Rennes")
    with time_machine.travel(paris(2027, 2, 10, 9), tick=False):
        planning.reschedule(
            meeting, starts_at=paris(2027, 3, 4, 14), ends_at=paris(2027, 3, 4, 16), place="Brest", video_url=""
        )
    change = MeetingChange.objects.get()
    assert change.before["place"] == "Rennes" and change.after["place"] == "Brest"
    dispatch(paris(2027, 2, 10, 10))
    (message,) = mail.outbox
    assert message.subject == (
        f"Réunion déplacée, changement de lieu : {group.name} – {meeting.title}, "
        "du mardi 2 à 9h30 au jeudi 4 mars 2027 à 14h00"
    )
    assert "avant : mardi 2 mars 2027, 9h30–12h00\n  désormais : jeudi 4 mars 2027, 14h00–16h00" in message.body
    assert "Lieu\n  avant : Rennes\n  désormais : Brest" in message.body


def test_it_says_a_new_place_alone_as_such():
    group, people = make_group(members=1, coordinators=0)
    meeting = make_meeting(group, paris(2027, 3, 2, 9, 30), place="Rennes")
    with time_machine.travel(paris(2027, 2, 10, 9), tick=False):
        planning.reschedule(meeting, starts_at=meeting.starts_at, ends_at=meeting.ends_at, place="Brest", video_url="")
    dispatch(paris(2027, 2, 10, 10))
    (message,) = mail.outbox
    assert message.subject.startswith(f"Changement de lieu : {group.name} – ")
    assert message.subject.endswith("mardi 2 mars 2027, 9h30–12h00")
    assert "déplacée" not in message.subject


def test_it_tells_a_change_only_to_those_who_were_members_that_day():
    group, people = make_group(members=1, coordinators=0)
    meeting = make_meeting(group, paris(2027, 3, 2, 9, 30))
    Membership.objects.filter(group=group).update(joined=dt.date(2027, 1, 1))
    with time_machine.travel(paris(2027, 2, 10, 9), tick=False):
        planning.reschedule(
            meeting, starts_at=paris(2027, 3, 3, 9, 30), ends_at=paris(2027, 3, 3, 12), place="", video_url=""
        )
    newcomer = MembershipFactory(group=group, joined=dt.date(2027, 2, 12)).contact
    dispatch(paris(2027, 2, 13, 10))
    assert recipients(mail.outbox) == [people[0].email]
    assert newcomer.email not in recipients(mail.outbox)


def test_it_sends_a_former_member_nothing_of_the_groups_future_meetings(client, coordinatrice, membre, mixite):
    meeting = meeting_of(mixite, days=5)
    membership = Membership.objects.get(contact=membre.contact, group=mixite)
    client.force_login(coordinatrice)
    client.post(f"/groups/{mixite.slug}/members/{membership.pk}/end/")
    membership.refresh_from_db()
    assert membership.left == timezone.localdate()
    assert membre.contact.pk not in {a.contact_id for a in invited(meeting)}
    planning.reschedule(meeting, starts_at=meeting.starts_at, ends_at=meeting.ends_at, place="Brest", video_url="")
    dispatch(timezone.now())
    assert membre.contact.email not in recipients(mail.outbox)
    assert coordinatrice.contact.email in recipients(mail.outbox)


def test_it_stops_the_mail_of_meetings_after_a_membership_ends_on_a_later_day():
    group, people = make_group(members=2)
    make_meeting(group, paris(2027, 2, 9, 9, 30))
    # Still a member when the reminder leaves, but no longer on the meeting's day.
    Membership.objects.filter(contact=people[1]).update(left=dt.date(2027, 2, 5))
    dispatch(paris(2027, 2, 2, 9, 30))
    assert people[1].email not in recipients(mail.outbox)
    assert len(mail.outbox) == 2


def test_it_drops_a_claimed_reminder_when_the_membership_now_ends_before_the_meeting():
    group, people = make_group(members=1, coordinators=0)
    make_meeting(group, paris(2027, 2, 9, 9, 30))
    now = paris(2027, 2, 2, 9, 30)
    dispatcher.plan(now)
    Membership.objects.filter(contact=people[0]).update(left=dt.date(2027, 2, 5))
    result = dispatcher.send_due(now, clock=lambda: now)
    assert result.sent == [] and len(result.dropped) == 1
    assert mail.outbox == []


def test_it_adds_up_changes_in_a_row_from_what_each_recipient_last_knew():
    group, people = make_group(members=1, coordinators=0)
    meeting = make_meeting(group, paris(2027, 3, 2, 9, 30), place="Rennes")
    Membership.objects.filter(group=group).update(joined=dt.date(2027, 1, 1))
    with time_machine.travel(paris(2027, 2, 10, 9), tick=False):
        meeting = planning.reschedule(
            meeting, starts_at=meeting.starts_at, ends_at=meeting.ends_at, place="Brest", video_url=""
        )
    newcomer = MembershipFactory(group=group, joined=dt.date(2027, 2, 11)).contact
    with time_machine.travel(paris(2027, 2, 12, 9), tick=False):
        planning.reschedule(
            meeting, starts_at=meeting.starts_at, ends_at=meeting.ends_at, place="Quimper", video_url=""
        )
    dispatch(paris(2027, 2, 12, 10))
    old_hand = next(m for m in mail.outbox if m.to == [people[0].email])
    assert "avant : Rennes\n  désormais : Quimper" in old_hand.body  # never told of Brest
    new = next(m for m in mail.outbox if m.to == [newcomer.email])
    assert "avant : Brest\n  désormais : Quimper" in new.body  # joined after Rennes

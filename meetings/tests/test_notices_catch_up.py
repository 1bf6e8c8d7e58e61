"""The reminders' plan checks only what fell due since the last pass, and everything when something may have moved."""

import datetime as dt

import pytest
from django.db import transaction

from conftest import make_group, make_meeting, paris
from groups.models import Membership
from groups.tests.factories import MembershipFactory
from meetings.models import Attendance, Delivery, Meeting, ReminderChange, ReminderMark
from meetings.notices import catch_up, meeting_notices
from meetings.notices import dispatch as dispatcher
from stakeholders.models import Contact

pytestmark = pytest.mark.django_db


def reminded(**filters):
    return set(Delivery.objects.filter(kind="reminder", **filters).values_list("contact_id", flat=True))


def keys(deliveries):
    return {(d.meeting_id, d.contact_id, d.offset_days, d.meeting_starts_at, d.due_at) for d in deliveries}


def everything_due(now):
    """What checking every reminder would plan at `now`, the mark left as it was."""
    with transaction.atomic():
        ReminderMark.objects.all().delete()
        planned = keys(meeting_notices.REMINDER.plan(now))
        transaction.set_rollback(True)
    return planned


def test_it_plans_pass_after_pass_what_checking_everything_would(monkeypatch):
    # Only the change of day checks everything here: every other pass checks what fell due since the last.
    monkeypatch.setattr(catch_up, "FULL_CHECK_EVERY", dt.timedelta(hours=6))
    seven_one, _ = make_group(members=1, coordinators=0, offsets=[7, 1])
    morning, _ = make_group(members=1, coordinators=0, offsets=[0])
    three_zero, _ = make_group(members=1, coordinators=0, offsets=[3, 0])
    two_one, _ = make_group(members=1, coordinators=0, offsets=[2, 1])
    # Around the spring change of clocks (Sunday 28 March 2027) and the small hours.
    for group, start in [
        (seven_one, paris(2027, 3, 29, 9, 30)),
        (seven_one, paris(2027, 3, 27, 23, 30)),
        (seven_one, paris(2027, 3, 30, 6, 30)),
        (morning, paris(2027, 3, 25, 15, 0)),
        (morning, paris(2027, 3, 28, 6, 30)),
        (morning, paris(2027, 3, 29, 7, 0)),
        (three_zero, paris(2027, 3, 29, 18, 0)),
        (two_one, paris(2027, 3, 26, 9, 0)),
        (two_one, paris(2027, 3, 30, 0, 15)),
    ]:
        make_meeting(group, start)
    for group, day in [(three_zero, 31), (two_one, 28)]:
        make_meeting(group, paris(2027, 3, day), all_day=True)
    now, incremental, planned = paris(2027, 3, 21, 0, 0), 0, 0
    while now < paris(2027, 3, 31):
        expected = everything_due(now)
        full_before = ReminderMark.objects.values_list("full_check_at", flat=True).first()
        with transaction.atomic():
            deliveries = meeting_notices.REMINDER.plan(now)
            dispatcher.insert(deliveries)
        found = keys(deliveries)
        assert found == expected, now
        incremental += ReminderMark.objects.get().full_check_at == full_before
        planned += len(found)
        now += dt.timedelta(minutes=53)
    assert planned >= 15
    assert incremental > 200


DUE = paris(2027, 2, 8, 9, 30)  # the 1-day reminder of a meeting on 9 February at 9:30
LATER = DUE + dt.timedelta(minutes=2)  # the next pass: nothing newly due


def plan(now):
    dispatcher.plan(now)


@pytest.fixture
def reminded_group():
    """A group whose one member was reminded at DUE of its meeting: (group, meeting, that member)."""
    group, (member,) = make_group(members=1, coordinators=0, offsets=[1])
    meeting = make_meeting(group, paris(2027, 2, 9, 9, 30))
    return group, meeting, member


def joins(group, meeting):
    return MembershipFactory(group=group).contact


def comes_back(group, meeting):
    contact = MembershipFactory(group=group).contact
    Contact.objects.filter(pk=contact.pk).update(is_archived=True)
    plan(DUE)
    Contact.objects.filter(pk=contact.pk).update(is_archived=False)
    return contact


def takes_back_a_no(group, meeting):
    contact = MembershipFactory(group=group).contact
    Attendance.objects.create(meeting=meeting, contact=contact, answer=Attendance.Answer.NO)
    plan(DUE)
    Attendance.objects.filter(contact=contact).update(answer=Attendance.Answer.YES)
    return contact


def loses_the_reminder_row(group, meeting):
    contact = MembershipFactory(group=group).contact
    plan(DUE)
    Delivery.objects.filter(contact=contact).delete()
    return contact


def test_it_reminds_at_once_in_a_meeting_created_after_its_reminder_fell_due(reminded_group):
    group, _meeting, member = reminded_group
    plan(DUE)
    late = make_meeting(group, paris(2027, 2, 9, 9, 0))  # its reminder was due at 9:00
    plan(LATER)
    assert reminded(meeting=late) == {member.pk}


def test_it_reminds_at_once_when_a_group_is_active_again(reminded_group):
    group, meeting, member = reminded_group
    type(group).objects.filter(pk=group.pk).update(status="archived")
    plan(DUE)
    assert reminded() == set()
    type(group).objects.filter(pk=group.pk).update(status="active")
    plan(LATER)
    assert reminded(meeting=meeting) == {member.pk}


@pytest.mark.parametrize("change", [joins, comes_back, takes_back_a_no, loses_the_reminder_row])
def test_it_reminds_at_once_whoever_a_change_makes_owed_a_reminder_already_due(reminded_group, change):
    group, meeting, member = reminded_group
    plan(DUE)
    assert reminded() == {member.pk}
    contact = change(group, meeting)  # through queryset updates: no save(), no signal
    plan(LATER)
    assert reminded(meeting=meeting) == {member.pk, contact.pk}


def test_it_checks_everything_again_after_a_while_whatever_the_triggers_said(reminded_group):
    group, meeting, member = reminded_group
    plan(DUE)
    newcomer = MembershipFactory(group=group).contact
    ReminderChange.objects.all().delete()  # a change the triggers did not see
    plan(LATER)
    assert reminded() == {member.pk}  # only what fell due since the last pass was checked
    plan(DUE + catch_up.FULL_CHECK_EVERY)
    assert reminded() == {member.pk, newcomer.pk}


def test_it_checks_everything_on_a_new_day_for_those_whose_membership_starts_today():
    group, (member,) = make_group(members=1, coordinators=0, offsets=[7])
    meeting = make_meeting(group, paris(2027, 2, 12, 9, 30))
    newcomer = MembershipFactory(group=group, joined=dt.date(2027, 2, 9)).contact
    plan(paris(2027, 2, 8, 23, 50))
    assert reminded() == {member.pk}
    plan(paris(2027, 2, 9, 0, 5))
    assert reminded(meeting=meeting) == {member.pk, newcomer.pk}


def test_it_catches_up_the_reminders_that_fell_due_while_no_pass_ran(reminded_group):
    group, meeting, member = reminded_group
    plan(DUE - dt.timedelta(minutes=10))
    assert reminded() == set()
    plan(DUE + dt.timedelta(minutes=20))  # two passes missed: still within FULL_CHECK_EVERY
    assert reminded(meeting=meeting) == {member.pk}


def test_it_records_the_writes_that_may_owe_a_reminder_and_not_the_others(reminded_group):
    group, meeting, member = reminded_group
    plan(DUE)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(status="sent", attempts=1, lease=None)  # the sending
    Meeting.objects.filter(pk=meeting.pk).update(title="Autre titre", place="Rennes")
    Membership.objects.filter(contact=member).update(role=Membership.Role.COORDINATOR)
    Attendance.objects.create(meeting=meeting, contact=member, answer=Attendance.Answer.YES)
    assert ReminderChange.objects.count() == 0
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=meeting.starts_at + dt.timedelta(hours=1))
    Membership.objects.filter(contact=member).update(left=dt.date(2027, 3, 1))
    assert sorted(ReminderChange.objects.values_list("table", flat=True)) == ["groups_membership", "meetings_meeting"]

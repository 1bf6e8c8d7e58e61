"""Integrity lives in the database: each constraint violated once, and rejected."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from groups.models import Membership, WorkingGroup
from groups.tests.factories import MembershipFactory, WorkingGroupFactory
from indicators.models import Observation
from meetings.models import Action, Attendance, Delivery
from meetings.tests.factories import ActionFactory, AttendanceFactory, MeetingFactory
from reference.models import Domain, Territory
from stakeholders.models import Contact
from stakeholders.tests.factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def rejected(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_it_refuses_a_contact_twice_in_a_group(mixite):
    contact = ContactFactory()
    MembershipFactory(group=mixite, contact=contact)
    rejected(lambda: Membership.objects.create(group=mixite, contact=contact))


def test_it_refuses_a_membership_that_ends_before_it_starts(mixite):
    rejected(lambda: MembershipFactory(group=mixite, joined=dt.date(2025, 5, 1), left=dt.date(2025, 4, 1)))


def test_it_refuses_a_meeting_that_ends_before_it_starts(mixite):
    start = timezone.now()
    rejected(lambda: MeetingFactory(group=mixite, starts_at=start, ends_at=start - dt.timedelta(hours=1)))
    rejected(lambda: MeetingFactory(group=mixite, starts_at=start, ends_at=start))


def test_it_refuses_a_member_invited_twice_to_a_meeting(mixite):
    attendance = AttendanceFactory(meeting=MeetingFactory(group=mixite))
    rejected(lambda: Attendance.objects.create(meeting=attendance.meeting, contact=attendance.contact))


def test_it_refuses_a_member_represented_by_themselves(mixite):
    attendance = AttendanceFactory(meeting=MeetingFactory(group=mixite))
    attendance.represented_by = attendance.contact
    rejected(attendance.save)


def test_it_refuses_negative_counts_and_duplicate_observation_keys():
    territory = Territory.objects.get(code="35")
    domain = Domain.objects.get(nomenclature="rome", code="F")
    key = {"year": 2024, "month": 0, "territory": territory, "domain": domain, "stage": "formation"}
    Observation.objects.create(**key, women=10, men=90)
    rejected(lambda: Observation.objects.create(**key, women=1, men=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.filter(**key).update(women=-1)
    rejected(lambda: Observation.objects.create(**{**key, "month": 13}, women=1, men=1))


def test_it_refuses_a_domain_code_twice_in_a_nomenclature():
    rejected(lambda: Domain.objects.create(nomenclature="rome", code="F", label="Doublon"))


def test_it_refuses_a_role_model_without_a_trade():
    rejected(lambda: ContactFactory(is_role_model=True, testimony_trade=""))


def test_it_refuses_a_reminder_sent_twice(mixite):
    meeting = MeetingFactory(group=mixite)
    contact = ContactFactory()
    fields = {
        "kind": Delivery.Kind.REMINDER,
        "meeting": meeting,
        "contact": contact,
        "offset_days": 7,
        "meeting_starts_at": meeting.starts_at,
        "due_at": meeting.starts_at - dt.timedelta(days=7),
    }
    Delivery.objects.create(**fields)
    rejected(lambda: Delivery.objects.create(**fields))
    # The same reminder for a rescheduled meeting is another message.
    Delivery.objects.create(**{**fields, "meeting_starts_at": meeting.starts_at + dt.timedelta(days=1)})


def test_it_refuses_a_weekly_digest_twice(mixite):
    contact = ContactFactory()
    fields = {
        "kind": Delivery.Kind.DIGEST,
        "contact": contact,
        "period": dt.date(2026, 11, 23),
        "due_at": timezone.now(),
    }
    Delivery.objects.create(**fields)
    rejected(lambda: Delivery.objects.create(**fields))


def test_it_keeps_a_contact_who_owns_actions(mixite):
    action = ActionFactory(group=mixite)
    with pytest.raises(ProtectedError):
        action.owner.delete()
    assert Contact.objects.filter(pk=action.owner.pk).exists()


def test_it_keeps_an_organisation_with_contacts():
    contact = ContactFactory(organisation=OrganisationFactory())
    with pytest.raises(ProtectedError):
        contact.organisation.delete()


def test_it_keeps_a_group_with_meetings_or_members(mixite, membre):
    MeetingFactory(group=mixite)
    with pytest.raises(ProtectedError):
        mixite.delete()
    assert WorkingGroup.objects.filter(pk=mixite.pk).exists()


def test_it_keeps_a_meeting_that_decided_actions(mixite):
    meeting = MeetingFactory(group=mixite)
    ActionFactory(group=mixite, meeting=meeting)
    with pytest.raises(ProtectedError):
        meeting.delete()
    assert Action.objects.filter(meeting=meeting).exists()


def test_it_refuses_a_territory_that_is_its_own_parent():
    territory = Territory.objects.get(code="35")
    territory.parent_id = territory.pk
    rejected(territory.save)


def test_it_refuses_an_absurd_meeting_target():
    rejected(lambda: WorkingGroupFactory(meetings_per_year=400))

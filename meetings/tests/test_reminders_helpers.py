"""Shared by the reminder, celery and feed tests (no tests here)."""

import datetime as dt
import smtplib
import zoneinfo

from django.core.mail.backends.base import BaseEmailBackend

from groups.models import Membership
from groups.tests.factories import MembershipFactory, WorkingGroupFactory
from meetings.tests.factories import MeetingFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def paris(*args):
    """An aware datetime, Paris wall-clock time."""
    return dt.datetime(*args, tzinfo=PARIS)


def make_group(members=2, coordinators=1, offsets=(7, 1), **fields):
    group = WorkingGroupFactory(reminder_offsets=list(offsets), **fields)
    people = []
    for _ in range(coordinators):
        people.append(MembershipFactory(group=group, role=Membership.Role.COORDINATOR).contact)
    for _ in range(members):
        people.append(MembershipFactory(group=group).contact)
    return group, people


def make_meeting(group, starts_at, **fields):
    return MeetingFactory(
        group=group, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2, minutes=30), **fields
    )


def recipients(outbox):
    return sorted(address for message in outbox for address in message.to)


class FailingBackend(BaseEmailBackend):
    """An SMTP server that refuses everything."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

"""What the pages read about meetings and actions, by the models' own statuses."""

import datetime as dt

import pytest
from django.utils import timezone

from groups.models import WorkingGroup
from meetings import selectors
from meetings.models import Action, Meeting
from meetings.tests.factories import ActionFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_it_counts_upcoming_meetings_and_open_actions_by_their_model_statuses(mixite):
    now = timezone.now()
    MeetingFactory(group=mixite, starts_at=now + dt.timedelta(days=3), ends_at=now + dt.timedelta(days=3, hours=2))
    MeetingFactory(
        group=mixite,
        starts_at=now + dt.timedelta(days=4),
        ends_at=now + dt.timedelta(days=4, hours=2),
        status=Meeting.Status.CANCELLED,
    )
    for status in Action.Status.values:
        ActionFactory(group=mixite, status=status)
    group = selectors.with_meeting_counts(WorkingGroup.objects.filter(pk=mixite.pk), now).get()
    assert group.upcoming_meeting_count == 1
    assert group.open_action_count == Action.objects.open().filter(group=mixite).count() == 2

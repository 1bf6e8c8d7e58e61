"""Saving a meeting's edit form with its own values changes nothing and sends nothing, whatever the meeting."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PARIS
from meetings.models import Delivery, Meeting, MeetingChange
from meetings.notices import dispatch
from meetings.tests.test_notices_changes import edit_data

pytestmark = pytest.mark.django_db

# Any instant from 2027 to 2100 (some in the hours the clocks change), to the second: hypothesis
# takes naive bounds and gives Paris times.
instants = st.datetimes(
    min_value=dt.datetime(2027, 1, 1),  # noqa: DTZ001 – hypothesis wants naive bounds
    max_value=dt.datetime(2100, 12, 1),  # noqa: DTZ001 – hypothesis wants naive bounds
    timezones=st.just(PARIS),
    allow_imaginary=False,
).map(lambda value: value.replace(microsecond=0))


@st.composite
def meetings(draw):
    all_day = draw(st.booleans())
    starts_at = draw(instants)
    if all_day:
        first = starts_at.date()
        starts_at = dt.datetime.combine(first, dt.time(0), tzinfo=PARIS)
        ends_at = dt.datetime.combine(first + dt.timedelta(days=draw(st.integers(1, 9))), dt.time(0), tzinfo=PARIS)
    else:
        # Elapsed time, not wall-clock time: added in UTC.
        ends_at = (starts_at.astimezone(dt.UTC) + dt.timedelta(minutes=draw(st.integers(1, 60 * 24 * 8)))).astimezone(
            PARIS
        )
    return {
        "title": draw(st.text(alphabet="Réunion dumas 0123-", min_size=1, max_size=30)).strip() or "Réunion",
        "kind": draw(st.sampled_from(Meeting.Kind.values)),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "all_day": all_day,
        "place": draw(st.sampled_from(["", "Rennes", "Maison de l'emploi, Brest"])),
        "video_url": draw(st.sampled_from(["", "https://visio.example.net/forum"])),
        "status": draw(st.sampled_from([Meeting.Status.PLANNED, Meeting.Status.CONFIRMED])),
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=meetings())
def test_it_changes_no_row_and_queues_nothing_when_any_meeting_is_saved_with_its_own_values(
    client, coordinatrice, membre, mixite, fields
):
    meeting = Meeting.objects.create(group=mixite, **fields)
    before = Meeting.objects.filter(pk=meeting.pk).values().get()
    client.force_login(coordinatrice)
    response = client.post(f"/meetings/{meeting.pk}/edit/", edit_data(meeting))
    assert response.status_code == 302, response.context["form"].errors
    assert Meeting.objects.filter(pk=meeting.pk).values().get() == before
    assert not MeetingChange.objects.filter(meeting=meeting).exists()
    dispatch.plan(dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    assert not Delivery.objects.filter(meeting=meeting).exclude(kind=Delivery.Kind.REMINDER).exists()

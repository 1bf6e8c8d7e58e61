"""The iCalendar we produce, read back by Python's icalendar and by Mozilla's ical.js."""

import datetime as dt
import json
import subprocess
from pathlib import Path

import icalendar
import pytest

from conftest import make_group, make_meeting, paris
from meetings.calendar import ics
from meetings.models import Meeting
from meetings.tests.factories import AgendaItemFactory

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]

# Thunderbird's parser: register the VTIMEZONEs of the file, then print each event's instants in UTC.
ICAL_JS = """
import ICAL from "ical.js";
import { readFileSync } from "node:fs";
const root = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));
for (const tz of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(tz));
}
const events = root.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  return {
    uid: event.uid,
    sequence: event.sequence,
    start: event.startDate.toJSDate().toISOString(),
    end: event.endDate.toJSDate().toISOString(),
    tzid: event.startDate.timezone,
    allDay: event.startDate.isDate,
    startText: event.startDate.toString(),
    endText: event.endDate.toString(),
    status: vevent.getFirstPropertyValue("status"),
    url: vevent.getFirstPropertyValue("url"),
    description: event.description,
  };
});
console.log(JSON.stringify(events));
"""

# Winter and summer, on and around both changes of clocks in 2027.
INSTANTS = [
    paris(2027, 1, 12, 9, 30),
    paris(2027, 3, 27, 9, 30),
    paris(2027, 3, 29, 9, 30),
    paris(2027, 7, 6, 14, 0),
    paris(2027, 10, 30, 9, 30),
    paris(2027, 11, 2, 9, 30),
]


def read_with_ical_js(body):
    done = subprocess.run(
        ["node", "--input-type=module", "-e", ICAL_JS],
        input=body,
        capture_output=True,
        cwd=BASE_DIR,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.fixture
def year_of_meetings():
    group, _people = make_group(members=1, name="Mixité des métiers")
    meetings = [make_meeting(group, start, title=f"Réunion {n}") for n, start in enumerate(INSTANTS, start=1)]
    meetings[0].agenda_published_at = paris(2027, 1, 5, 10, 0)
    meetings[0].save()
    AgendaItemFactory(meeting=meetings[0], title="Suivi des actions", duration_minutes=20)
    AgendaItemFactory(meeting=meetings[0], title="Semaine de la mixité : bilan", duration_minutes=45)
    cancelled = meetings[-1]
    cancelled.status = Meeting.Status.CANCELLED
    cancelled.sequence = 3
    cancelled.save()
    return meetings


def build(meetings):
    meetings = (
        Meeting.objects.filter(pk__in=[m.pk for m in meetings]).select_related("group").prefetch_related("agenda_items")
    )
    return ics.to_bytes(ics.build_calendar(meetings, name="Test"))


def test_it_writes_rfc5545_events_python_reads_at_the_right_instant(year_of_meetings, settings):
    settings.SITE_URL = "https://wekker.example.org"
    cal = icalendar.Calendar.from_ical(build(year_of_meetings))
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    for meeting in year_of_meetings:
        event = events[f"{meeting.uid}@wekker"]
        assert event.decoded("DTSTART") == meeting.starts_at
        assert event.decoded("DTEND") == meeting.ends_at
        assert event["DTSTART"].params["TZID"] == "Europe/Paris"
        assert event["SEQUENCE"] == meeting.sequence
        assert event.decoded("DTSTAMP").tzinfo is not None
        assert str(event["URL"]) == f"https://wekker.example.org/meetings/{meeting.pk}/"
    first = events[f"{year_of_meetings[0].uid}@wekker"]
    assert "1. Suivi des actions (20 min)" in str(first["DESCRIPTION"])
    assert "2. Semaine de la mixité : bilan" in str(first["DESCRIPTION"])
    assert str(first["SUMMARY"]) == "Mixité des métiers – Réunion 1"
    assert events[f"{year_of_meetings[-1].uid}@wekker"]["STATUS"] == "CANCELLED"
    # The factory's meetings are planned, not confirmed: tentative in a calendar.
    assert events[f"{year_of_meetings[1].uid}@wekker"]["STATUS"] == "TENTATIVE"


def test_it_gives_the_same_bytes_for_the_same_data(year_of_meetings):
    assert build(year_of_meetings) == build(year_of_meetings)


def test_it_keeps_the_uid_and_raises_the_sequence_when_a_meeting_moves(year_of_meetings):
    meeting = year_of_meetings[0]
    before = icalendar.Calendar.from_ical(build([meeting])).walk("VEVENT")[0]
    meeting.starts_at += dt.timedelta(days=1)
    meeting.ends_at += dt.timedelta(days=1)
    meeting.sequence += 1
    meeting.save()
    after = icalendar.Calendar.from_ical(build([meeting])).walk("VEVENT")[0]
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1


@pytest.mark.node
def test_it_writes_events_ical_js_reads_at_the_right_instant_summer_and_winter(year_of_meetings):
    events = {e["uid"]: e for e in read_with_ical_js(build(year_of_meetings))}
    assert len(events) == len(INSTANTS)
    for meeting in year_of_meetings:
        event = events[f"{meeting.uid}@wekker"]
        assert event["start"] == meeting.starts_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        assert event["end"] == meeting.ends_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        assert event["sequence"] == meeting.sequence
    # 9:30 in January is 8:30 UTC; 9:30 in July-side of the change is 7:30 UTC.
    assert events[f"{year_of_meetings[0].uid}@wekker"]["start"] == "2027-01-12T08:30:00.000Z"
    assert events[f"{year_of_meetings[2].uid}@wekker"]["start"] == "2027-03-29T07:30:00.000Z"
    assert events[f"{year_of_meetings[-1].uid}@wekker"]["status"] == "CANCELLED"
    assert "Suivi des actions" in events[f"{year_of_meetings[0].uid}@wekker"]["description"]


@pytest.fixture
def meetings_of_2031():
    """A planned, a confirmed, a held and a cancelled meeting, in winter and summer 2031."""
    group, _people = make_group(members=1, name="Mixité des métiers")
    statuses = [Meeting.Status.PLANNED, Meeting.Status.CONFIRMED, Meeting.Status.HELD, Meeting.Status.CANCELLED]
    starts = [
        paris(2031, 1, 14, 9, 30),
        paris(2031, 7, 8, 9, 30),
        paris(2031, 3, 31, 9, 30),
        paris(2031, 10, 28, 9, 30),
    ]
    return {
        status: make_meeting(group, start, status=status, title=f"Réunion {status}")
        for status, start in zip(statuses, starts, strict=True)
    }


def clock_changes(vtimezone):
    """The dates of the changes of clocks a VTIMEZONE states (its DTSTARTs and RDATEs)."""
    dates = set()
    for part in vtimezone.subcomponents:
        if part.decoded("TZOFFSETFROM") == part.decoded("TZOFFSETTO"):
            continue  # the opening period, not a change
        dates.add(part.decoded("DTSTART").date())
        rdates = part.get("RDATE", [])
        for rdate in rdates if isinstance(rdates, list) else [rdates]:
            dates.update(period.dt.date() for period in rdate.dts)
    return dates


EXPECTED_STATUS = {
    Meeting.Status.PLANNED: "TENTATIVE",
    Meeting.Status.CONFIRMED: "CONFIRMED",
    Meeting.Status.HELD: "CONFIRMED",
    Meeting.Status.CANCELLED: "CANCELLED",
}


def test_it_marks_planned_meetings_tentative_and_covers_2031_python(meetings_of_2031):
    body = build(meetings_of_2031.values())
    cal = icalendar.Calendar.from_ical(body)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    for status, meeting in meetings_of_2031.items():
        event = events[f"{meeting.uid}@wekker"]
        assert event["STATUS"] == EXPECTED_STATUS[status]
        assert event.decoded("DTSTART") == meeting.starts_at
    # The time zone knows the changes of clocks of 2031 (30 March, 26 October) and says nothing in English.
    (vtimezone,) = cal.walk("VTIMEZONE")
    assert "COMMENT" not in vtimezone and b"COMMENT" not in body
    assert {dt.date(2031, 3, 30), dt.date(2031, 10, 26)} <= clock_changes(vtimezone)
    july = events[f"{meetings_of_2031[Meeting.Status.CONFIRMED].uid}@wekker"]
    assert july.decoded("DTSTART").utcoffset() == dt.timedelta(hours=2)


def test_it_covers_every_year_of_a_feed_spanning_several(meetings_of_2031):
    group = next(iter(meetings_of_2031.values())).group
    early = make_meeting(group, paris(2026, 6, 2, 9, 30))
    (vtimezone,) = icalendar.Calendar.from_ical(build([early, *meetings_of_2031.values()])).walk("VTIMEZONE")
    changes = clock_changes(vtimezone)
    for year in range(2026, 2032):
        assert {(d.month) for d in changes if d.year == year} == {3, 10}, year


@pytest.mark.node
def test_it_marks_planned_meetings_tentative_and_covers_2031_ical_js(meetings_of_2031):
    events = {e["uid"]: e for e in read_with_ical_js(build(meetings_of_2031.values()))}
    for status, meeting in meetings_of_2031.items():
        event = events[f"{meeting.uid}@wekker"]
        assert event["status"] == EXPECTED_STATUS[status]
        assert event["start"] == meeting.starts_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    # 9:30 in Paris on 8 July 2031 is 7:30 UTC (summer time), on 14 January 8:30 UTC.
    assert events[f"{meetings_of_2031[Meeting.Status.CONFIRMED].uid}@wekker"]["start"] == "2031-07-08T07:30:00.000Z"
    assert events[f"{meetings_of_2031[Meeting.Status.PLANNED].uid}@wekker"]["start"] == "2031-01-14T08:30:00.000Z"


@pytest.mark.node
def test_it_writes_an_all_day_event_of_five_days_python_and_ical_js_read_alike():
    group, _people = make_group(members=1)
    week = make_meeting(group, paris(2027, 3, 8, 0, 0), all_day=True, kind=Meeting.Kind.EVENT)
    Meeting.objects.filter(pk=week.pk).update(ends_at=paris(2027, 3, 13, 0, 0))
    body = build([week])
    vevent = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    assert (vevent.decoded("DTSTART"), vevent.decoded("DTEND")) == (dt.date(2027, 3, 8), dt.date(2027, 3, 13))
    (event,) = read_with_ical_js(body)
    assert event["allDay"] is True
    assert (event["startText"], event["endText"]) == ("2027-03-08", "2027-03-13")

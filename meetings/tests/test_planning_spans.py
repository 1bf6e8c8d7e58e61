"""Multi-day and all-day meetings in the form, and days and times the form refuses or resolves."""

import datetime as dt

import icalendar
import pytest

from conftest import PARIS, meeting_of, text_of
from meetings.calendar import ics
from meetings.models import Meeting
from meetings.planning import timing

pytestmark = pytest.mark.django_db

WEEK = {
    "title": "Semaine de la mixité",
    "kind": "event",
    "day": "2027-03-08",
    "last_day": "2027-03-12",
    "all_day": "on",
    "place": "Rennes",
    "video_url": "",
    "status": "confirmed",
}


def test_it_creates_an_all_day_event_of_five_days(client, coordinatrice, mixite):
    client.force_login(coordinatrice)
    response = client.post(f"/groups/{mixite.slug}/meetings/new/", WEEK, follow=True)
    event = Meeting.objects.get(title="Semaine de la mixité")
    assert event.all_day and (event.first_day, event.last_day) == (dt.date(2027, 3, 8), dt.date(2027, 3, 12))
    assert event.starts_at == dt.datetime(2027, 3, 8, tzinfo=PARIS)
    assert event.ends_at == dt.datetime(2027, 3, 13, tzinfo=PARIS)
    assert "du lundi 8 au vendredi 12 mars 2027" in text_of(response)
    vevent = icalendar.Calendar.from_ical(ics.to_bytes(ics.build_calendar([event]))).walk("VEVENT")[0]
    assert vevent.decoded("DTSTART") == dt.date(2027, 3, 8)
    assert vevent.decoded("DTEND") == dt.date(2027, 3, 13)
    assert "VALUE=DATE" in vevent.to_ical().decode()


def test_it_keeps_a_timed_event_over_several_days(client, coordinatrice, mixite):
    client.force_login(coordinatrice)
    data = {**WEEK, "all_day": "", "start_time": "09:00", "end_time": "17:00"}
    client.post(f"/groups/{mixite.slug}/meetings/new/", data)
    event = Meeting.objects.get(title="Semaine de la mixité")
    assert not event.all_day
    assert event.starts_at == dt.datetime(2027, 3, 8, 9, tzinfo=PARIS)
    assert event.ends_at == dt.datetime(2027, 3, 12, 17, tzinfo=PARIS)


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"day": "9999-12-31", "last_day": ""}, "day", "Choisissez un jour entre 2000 et 2100."),
        ({"day": "0001-01-01", "last_day": ""}, "day", "Choisissez un jour entre 2000 et 2100."),
        ({"last_day": "2027-03-07"}, "last_day", "Le dernier jour ne peut pas précéder le premier."),
        (
            {"day": "2027-03-28", "last_day": "", "all_day": "", "start_time": "02:30", "end_time": "03:30"},
            "start_time",
            "2h30 le dimanche 28 mars 2027 n’existe pas à Paris",
        ),
        ({"all_day": "", "start_time": "", "end_time": "17:00"}, "start_time", "Indiquez l’heure"),
    ],
)
def test_it_refuses_days_and_times_with_a_french_message(client, coordinatrice, mixite, changes, field, message):
    client.force_login(coordinatrice)
    response = client.post(f"/groups/{mixite.slug}/meetings/new/", {**WEEK, **changes})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Meeting.objects.filter(title="Semaine de la mixité").exists()


def test_it_takes_the_first_of_an_autumn_time_that_happens_twice_and_says_so(client, coordinatrice, mixite):
    client.force_login(coordinatrice)
    data = {**WEEK, "day": "2027-10-31", "last_day": "", "all_day": "", "start_time": "02:30", "end_time": "04:00"}
    response = client.post(f"/groups/{mixite.slug}/meetings/new/", data, follow=True)
    event = Meeting.objects.get(title="Semaine de la mixité")
    assert event.starts_at == dt.datetime(2027, 10, 31, 0, 30, tzinfo=dt.UTC)  # 2h30 summer time
    assert "existe deux fois à Paris" in text_of(response)


def test_it_reads_wall_clock_times_across_the_changes_of_clocks():
    assert timing.wall_clock(dt.date(2027, 3, 28), dt.time(2, 30))[1] == "gap"
    assert timing.wall_clock(dt.date(2027, 10, 31), dt.time(2, 30))[1] == "ambiguous"
    assert timing.wall_clock(dt.date(2027, 10, 31), dt.time(3, 30))[1] is None


def test_it_keeps_the_groups_feeds_answering_for_far_days(client, coordinatrice, membre, mixite):
    client.force_login(coordinatrice)
    meeting = meeting_of(mixite, days=10)
    client.post(f"/meetings/{meeting.pk}/edit/", {**WEEK, "day": "9999-12-31", "last_day": ""})
    meeting.refresh_from_db()
    assert meeting.starts_at.year != 9999


def test_it_writes_the_span_in_the_mails_of_a_multi_day_event():
    from django.core import mail

    from conftest import make_group, make_meeting, paris
    from meetings.notices import dispatch

    group, people = make_group(members=1, coordinators=0, offsets=[7])
    week = make_meeting(group, paris(2027, 3, 8, 0, 0), all_day=True, kind=Meeting.Kind.EVENT, title="Semaine")
    Meeting.objects.filter(pk=week.pk).update(ends_at=paris(2027, 3, 13, 0, 0))
    dispatch.dispatch_due(paris(2027, 3, 1, 9), clock=lambda: paris(2027, 3, 1, 9))
    (message,) = mail.outbox
    assert message.subject.endswith("Semaine, du lundi 8 au vendredi 12 mars 2027")
    assert "du lundi 8 au vendredi 12 mars 2027" in message.body


def test_it_keeps_the_feeds_answering_with_a_meeting_saved_on_9999_12_31(client, membre, mixite):
    meeting = meeting_of(mixite, days=10)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=dt.datetime(9999, 12, 31, 9, tzinfo=PARIS), ends_at=dt.datetime(9999, 12, 31, 11, tzinfo=PARIS)
    )
    client.force_login(membre)
    assert client.get(f"/groups/{mixite.slug}/calendar.ics").status_code == 200


def test_it_refuses_a_year_out_of_range_in_the_admin(client, admin_user, mixite):
    from meetings.tests.test_admin import change_form

    meeting = meeting_of(mixite, days=10)
    client.force_login(admin_user)
    url, data = change_form(client, meeting)
    data["starts_at_0"] = "31/12/9999"
    response = client.post(url, data)
    assert "Choisissez un jour entre 2000 et 2100." in response.content.decode()


def test_it_reminds_of_an_all_day_event_the_day_before_at_nine_not_at_midnight():
    from django.core import mail

    from conftest import make_group, make_meeting, paris
    from meetings.notices import dispatch

    group, people = make_group(members=1, coordinators=0, offsets=[1, 0])
    make_meeting(group, paris(2027, 3, 8, 0, 0), all_day=True, kind=Meeting.Kind.EVENT, title="Semaine")
    for now in (paris(2027, 3, 7, 0, 0), paris(2027, 3, 7, 8, 59)):
        assert dispatch.dispatch_due(now, clock=lambda now=now: now).sent == []
    assert len(dispatch.dispatch_due(paris(2027, 3, 7, 9), clock=lambda: paris(2027, 3, 7, 9)).sent) == 1
    # No "this morning" reminder for what began at midnight, and no pass that plans one to drop it.
    result = dispatch.dispatch_due(paris(2027, 3, 8, 7), clock=lambda: paris(2027, 3, 8, 7))
    assert (result.planned, result.sent, result.dropped) == (0, [], [])
    assert len(mail.outbox) == 1

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import (
    COORDINATORS_OF_MIXITE,
    ROLES,
    check,
    meeting_of,
    posted,
    text_of,
)
from meetings.agenda import services as agenda_services
from meetings.attendance import services as attendance_services
from meetings.models import AgendaItem, Attendance, Meeting
from meetings.planning import services as planning_services
from meetings.tests.factories import ActionFactory

pytestmark = pytest.mark.django_db

PATTERN = {
    "ordinal": "2",
    "weekday": "1",
    "every_months": "2",
    "start_month": "1",
    "start_year": "2027",
    "count": "6",
    "start_time": "09:30",
    "end_time": "12:00",
    "title": "",
    "place": "Maison de l'emploi, Rennes",
    "video_url": "",
}


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_coordinators_plan(client, as_role, mixite, coordinatrice, role):
    check(client, as_role, role, "/groups/mixite/plan/", COORDINATORS_OF_MIXITE)


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_coordinators_create_a_meeting(client, as_role, mixite, role):
    check(client, as_role, role, "/groups/mixite/meetings/new/", COORDINATORS_OF_MIXITE)


def test_it_previews_the_second_tuesday_of_every_other_month(client, coordinatrice):
    client.force_login(coordinatrice)
    html = client.post("/groups/mixite/plan/", {**PATTERN, "preview": "1"}).content.decode()
    for day in [
        "mardi 12 janvier 2027",
        "mardi 9 mars 2027",
        "mardi 11 mai 2027",
        "mardi 13 juillet 2027",
        "mardi 14 septembre 2027",
        "mardi 9 novembre 2027",
    ]:
        assert day in html
    assert "Créer ces réunions" in html
    assert not Meeting.objects.exists()


def test_it_creates_the_year_in_one_step_in_paris_time(client, coordinatrice, membre, mixite):
    client.force_login(coordinatrice)
    response = client.post("/groups/mixite/plan/", {**PATTERN, "create": "1"}, follow=True)
    assert "6 réunions créées." in response.content.decode()
    meetings = list(Meeting.objects.filter(group=mixite).order_by("starts_at"))
    assert len(meetings) == 6
    january, july = meetings[0], meetings[3]
    # Winter is UTC+1, summer UTC+2: 9:30 in Paris either way.
    assert january.starts_at == dt.datetime(2027, 1, 12, 8, 30, tzinfo=dt.UTC)
    assert july.starts_at == dt.datetime(2027, 7, 13, 7, 30, tzinfo=dt.UTC)
    assert july.ends_at == dt.datetime(2027, 7, 13, 10, 0, tzinfo=dt.UTC)
    assert january.title == "Réunion du 12 janvier"
    assert january.place == "Maison de l'emploi, Rennes"
    # Each meeting opens with the action review and invites every current member (by being members:
    # no row is written until someone answers).
    assert AgendaItem.objects.filter(meeting=january, is_action_review=True, title="Suivi des actions").exists()
    assert len(attendance_services.invited(january)) == 2
    assert not Attendance.objects.filter(meeting=january).exists()


def test_it_skips_a_day_the_group_already_meets(client, coordinatrice, mixite):
    starts = dt.datetime(2027, 3, 9, 14, 0, tzinfo=planning_services.PARIS)
    planning_services.create_meeting(
        group=mixite, title="Déjà là", starts_at=starts, ends_at=starts + dt.timedelta(hours=1)
    )
    client.force_login(coordinatrice)
    html = client.post("/groups/mixite/plan/", {**PATTERN, "preview": "1"}).content.decode()
    assert "le groupe se réunit déjà ce jour-là" in html
    client.post("/groups/mixite/plan/", {**PATTERN, "create": "1"})
    assert Meeting.objects.filter(group=mixite).count() == 6  # 5 new + the existing one


def test_it_refuses_a_plan_ending_before_it_starts(client, coordinatrice, mixite):
    client.force_login(coordinatrice)
    response = client.post("/groups/mixite/plan/", {**PATTERN, "end_time": "09:00", "create": "1"})
    assert "Une réunion doit se terminer après son début." in response.content.decode()
    assert not Meeting.objects.exists()


def test_it_computes_the_last_weekday_of_a_month():
    assert planning_services.nth_weekday(2027, 2, ordinal=-1, weekday=4) == dt.date(2027, 2, 26)


def test_it_reschedules_and_bumps_the_sequence(client, coordinatrice, mixite):
    meeting = meeting_of(mixite)
    before = meeting.sequence
    client.force_login(coordinatrice)
    response = client.post(
        f"/meetings/{meeting.pk}/edit/",
        {
            "title": meeting.title,
            "kind": "meeting",
            "day": "2030-03-31",
            "start_time": "10:00",
            "end_time": "12:30",
            "place": "Saint-Brieuc",
            "video_url": "",
            "status": "confirmed",
        },
        follow=True,
    )
    assert "Réunion modifiée." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.starts_at == dt.datetime(2030, 3, 31, 8, 0, tzinfo=dt.UTC)  # summer time already
    assert meeting.sequence == before + 1
    assert meeting.status == "confirmed"
    # A title that was the automatic one follows the meeting to its new day.
    assert meeting.title == "Réunion du 31 mars"


def test_it_keeps_the_sequence_when_only_the_title_changes(coordinatrice, mixite):
    meeting = meeting_of(mixite)
    meeting = planning_services.reschedule(
        meeting,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        place=meeting.place,
        video_url=meeting.video_url,
        title="Réunion de rentrée",
    )
    assert meeting.sequence == 0 and meeting.title == "Réunion de rentrée"


def test_it_refuses_a_meeting_ending_before_it_starts(client, coordinatrice, mixite):
    meeting = meeting_of(mixite, place="Rennes")
    client.force_login(coordinatrice)
    response = client.post(
        f"/meetings/{meeting.pk}/edit/",
        {
            "title": "",
            "kind": "meeting",
            "day": "2030-03-31",
            "start_time": "10:00",
            "end_time": "09:00",
            "place": "Brest",
            "video_url": "",
            "status": "planned",
        },
    )
    assert "Une réunion doit se terminer après son début." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.place == "Rennes" and meeting.sequence == 0


def test_it_refuses_held_before_the_meeting_starts(client, coordinatrice, mixite):
    meeting = meeting_of(mixite, days=10)
    client.force_login(coordinatrice)
    local = timezone.localtime(meeting.starts_at, planning_services.PARIS)
    response = client.post(
        f"/meetings/{meeting.pk}/edit/",
        {
            "title": meeting.title,
            "kind": "meeting",
            "day": local.date().isoformat(),
            "start_time": "09:30",
            "end_time": "12:00",
            "place": meeting.place,
            "video_url": "",
            "status": "held",
        },
    )
    assert "Une réunion ne peut pas être marquée comme tenue avant son début." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "planned"
    with pytest.raises(ValidationError):
        planning_services.reschedule(
            meeting,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            place=meeting.place,
            video_url="",
            status="held",
        )


def test_it_lets_a_meeting_that_has_started_be_held(client, coordinatrice, mixite):
    meeting = meeting_of(mixite, days=-2)
    meeting = planning_services.reschedule(
        meeting, starts_at=meeting.starts_at, ends_at=meeting.ends_at, place=meeting.place, video_url="", status="held"
    )
    assert meeting.status == "held"


def test_it_cancels_a_meeting(client, coordinatrice, mixite):
    meeting = meeting_of(mixite)
    client.force_login(coordinatrice)
    assert "Oui, annuler la réunion" in client.get(f"/meetings/{meeting.pk}/cancel/").content.decode()
    response = client.post(f"/meetings/{meeting.pk}/cancel/", follow=True)
    assert "Cette réunion est annulée." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "cancelled" and meeting.sequence == 1


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_coordinators_edit_or_cancel(client, as_role, mixite, role):
    meeting = meeting_of(mixite)
    check(client, as_role, role, f"/meetings/{meeting.pk}/edit/", COORDINATORS_OF_MIXITE)
    check(client, as_role, role, f"/meetings/{meeting.pk}/cancel/", posted(COORDINATORS_OF_MIXITE), method="post")
    meeting.refresh_from_db()
    assert meeting.is_cancelled == (COORDINATORS_OF_MIXITE[role] == 200)


def test_it_creates_an_event(client, coordinatrice, mixite):
    client.force_login(coordinatrice)
    response = client.post(
        "/groups/mixite/meetings/new/",
        {
            "title": "Semaine de la mixité des métiers",
            "kind": "event",
            "day": "2030-03-04",
            "start_time": "09:00",
            "end_time": "17:00",
            "place": "Rennes",
            "video_url": "",
            "status": "planned",
        },
        follow=True,
    )
    assert "Mixité des métiers – Semaine de la mixité des métiers" in response.content.decode()
    assert Meeting.objects.get().kind == "event"


def test_it_neutralises_scripts_in_the_plan(client, coordinatrice, mixite):
    client.force_login(coordinatrice)
    client.post("/groups/mixite/plan/", {**PATTERN, "title": "<script>alert(1)</script>", "create": "1"})
    html = client.get("/groups/mixite/plan/").content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_it_opens_the_agenda_with_the_open_actions(mixite, coordinatrice):
    ActionFactory(group=mixite, owner=coordinatrice.contact, title="Tourner les vidéos")
    meeting = meeting_of(mixite)
    agenda_services.publish_agenda(meeting)
    item = meeting.agenda_items.get(is_action_review=True)
    assert "Tourner les vidéos" in item.description
    assert timezone.now() < meeting.starts_at


# --- Only what lies ahead can be cancelled --------------------------------------------------------


def test_it_refuses_to_cancel_a_meeting_that_took_place(past):
    with pytest.raises(ValidationError, match="Cette réunion a déjà eu lieu : elle ne peut plus être annulée."):
        planning_services.cancel(past)
    past.refresh_from_db()
    assert past.status == Meeting.Status.PLANNED and past.sequence == 0


def test_it_refuses_to_cancel_a_held_meeting_even_before_its_end(upcoming):
    Meeting.objects.filter(pk=upcoming.pk).update(
        status=Meeting.Status.HELD, starts_at=timezone.now() - dt.timedelta(minutes=30)
    )
    upcoming.refresh_from_db()
    with pytest.raises(ValidationError):
        planning_services.cancel(upcoming)


def test_it_tells_the_coordinator_a_past_meeting_cannot_be_cancelled(client, coordinatrice, past):
    client.force_login(coordinatrice)
    page = text_of(client.get(f"/meetings/{past.pk}/cancel/"))
    assert "Cette réunion a déjà eu lieu : elle ne peut plus être annulée." in page
    assert "Oui, annuler la réunion" not in page
    page = text_of(client.post(f"/meetings/{past.pk}/cancel/", follow=True))
    assert "Cette réunion a déjà eu lieu : elle ne peut plus être annulée." in page
    assert "Réunion annulée" not in page
    past.refresh_from_db()
    assert not past.is_cancelled


def test_it_offers_cancelling_only_meetings_still_ahead(client, coordinatrice, past, upcoming):
    client.force_login(coordinatrice)
    html = client.get("/groups/mixite/plan/").content.decode()
    assert f"/meetings/{upcoming.pk}/cancel/" in html
    assert f"/meetings/{past.pk}/cancel/" not in html
    assert "Annuler la réunion" not in text_of(client.get(past.get_absolute_url()))
    assert "Annuler la réunion" in text_of(client.get(upcoming.get_absolute_url()))


# --- Planning the year warns before creating ------------------------------------------------------

# These were written with no place for the meetings.
PATTERN_WITHOUT_PLACE = {**PATTERN, "place": ""}


def test_it_warns_about_dates_close_to_an_existing_meeting(client, coordinatrice, mixite):
    planning_services.create_meeting(
        group=mixite,
        title="Réunion n°1",
        starts_at=planning_services.paris_datetime(dt.date(2027, 3, 2), dt.time(14)),
        ends_at=planning_services.paris_datetime(dt.date(2027, 3, 2), dt.time(16)),
    )
    client.force_login(coordinatrice)
    page = text_of(client.post("/groups/mixite/plan/", {**PATTERN_WITHOUT_PLACE, "preview": "1"}))
    assert "À vérifier avant de créer" in page
    assert "1 date tombe à moins de 14 jours d’une réunion existante du groupe." in page
    assert "mardi 9 mars 2027, 9h30–12h00 proche de la réunion du mardi 2 mars 2027" in page
    assert Meeting.objects.filter(group=mixite).count() == 1


def test_it_warns_about_exceeding_the_yearly_target(client, coordinatrice, mixite):
    for month in (2, 4, 6):
        day = dt.date(2027, month, 20)
        planning_services.create_meeting(
            group=mixite,
            title="",
            starts_at=planning_services.paris_datetime(day, dt.time(14)),
            ends_at=planning_services.paris_datetime(day, dt.time(16)),
        )
    client.force_login(coordinatrice)
    page = text_of(client.post("/groups/mixite/plan/", {**PATTERN_WITHOUT_PLACE, "preview": "1"}))
    assert "2027 compterait 9 réunions pour un objectif de 6 par an (déjà prévues : 3)." in page


def test_it_does_not_warn_a_plan_that_fits(client, coordinatrice, mixite):
    client.force_login(coordinatrice)
    page = text_of(client.post("/groups/mixite/plan/", {**PATTERN_WITHOUT_PLACE, "preview": "1"}))
    assert "mardi 12 janvier 2027" in page and "À vérifier avant de créer" not in page


def test_it_chooses_the_first_month_with_two_selects(client, coordinatrice):
    client.force_login(coordinatrice)
    html = client.get("/groups/mixite/plan/").content.decode()
    assert 'type="month"' not in html
    assert re.search(r'<select name="start_month"', html) and re.search(r'<select name="start_year"', html)
    assert ">janvier</option>" in html
    page = text_of(client.post("/groups/mixite/plan/", {**PATTERN_WITHOUT_PLACE, "start_year": "1999", "preview": "1"}))
    assert "Choisissez une année dans la liste." in page

"""Making a date poll: from the group page and the year planner, typed dates or the quick entry."""

import datetime as dt

import pytest

from conftest import COORDINATORS_OF_MIXITE, ROLES, check, posted, text_of
from polls.models import Invitee, Poll
from polls.slots import format_slot, parse_slots, weekly_slots
from polls.tests.conftest import slots

pytestmark = pytest.mark.django_db

URL = "/groups/mixite/polls/new/"
NEXT_YEAR = dt.datetime.now(tz=dt.UTC).year + 1


def form_data(**overrides):
    lines = "\n".join(format_slot(*slot) for slot in slots(3))
    return {"title": "Réunion de rentrée", "slots": lines, "place": "Rennes", "create": "1", **overrides}


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_the_groups_coordinators_make_a_poll(client, as_role, cast, role):
    check(client, as_role, role, URL, COORDINATORS_OF_MIXITE)
    check(client, as_role, role, URL, posted(COORDINATORS_OF_MIXITE), method="post", data=form_data())
    made = Poll.objects.count()
    assert made == (1 if COORDINATORS_OF_MIXITE[role] == 200 else 0)


def test_it_asks_the_current_members_and_the_partners_chosen(client, coordinatrice, membre, partner):
    client.force_login(coordinatrice)
    response = client.post(URL, form_data(guests=[partner.pk], deadline=f"{NEXT_YEAR}-01-05"))
    poll = Poll.objects.get()
    assert response["Location"] == f"/polls/{poll.pk}/"
    assert poll.options.count() == 3 and poll.is_open and poll.deadline == dt.date(NEXT_YEAR, 1, 5)
    asked = set(Invitee.objects.filter(poll=poll).values_list("contact__last_name", flat=True))
    assert asked == {"Le Gall", "Morvan", "Le Bihan"}
    assert poll.created_by == coordinatrice.contact


def test_it_writes_the_quick_entry_into_the_dates_and_saves_nothing(client, coordinatrice):
    client.force_login(coordinatrice)
    quick = {
        "quick-weekdays": ["1", "3"],
        "quick-year": str(NEXT_YEAR),
        "quick-first_week": "3",
        "quick-last_week": "5",
        "quick-start_time": "09:30",
        "quick-end_time": "12:00",
    }
    response = client.post(URL, {"title": "Rentrée", "slots": "", "add_slots": "1", **quick})
    assert response.status_code == 200 and not Poll.objects.exists()
    textarea = response.content.decode().split('name="slots"')[1].split("</textarea>")[0]
    lines = [line for line in textarea.split(">", 1)[1].splitlines() if line.strip()]
    assert len(lines) == 6
    tuesday = dt.date.fromisocalendar(NEXT_YEAR, 3, 2)
    assert lines[0] == f"{tuesday:%d/%m/%Y} 09:30-12:00"
    assert "Corrigez" not in text_of(response)  # a draft, not a refused form


def test_it_reads_days_with_slots_and_spans_of_several_days():
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    parsed = parse_slots("12/01/2027 9h30-12h\n\n08/03/2027 09:00 - 12/03/2027 17:00", now=now)
    assert [format_slot(*slot) for slot in parsed] == ["12/01/2027 09:30-12:00", "08/03/2027 09:00 - 12/03/2027 17:00"]
    assert parsed[1][0].utcoffset() == dt.timedelta(hours=1)  # Paris winter time


def test_it_skips_a_week_53_the_year_does_not_have():
    made = weekly_slots(
        year=2027, first_week=52, last_week=53, weekdays=[0], start_time=dt.time(9), end_time=dt.time(10)
    )
    assert [start.date() for start, _end in made] == [dt.date(2027, 12, 27)]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("12/01/{y} 09:30-12:00\n12/01/{y} 9h30-12h", "Ligne 2 : cette date est déjà proposée."),
        ("douze janvier", "Ligne 1 : « douze janvier » n’est pas une date avec un créneau"),
        ("12/01/{y} 12:00-09:30", "Ligne 1 : le créneau doit finir après son début."),
        ("12/01/2020 09:30-12:00", "Ligne 1 : cette date est déjà passée."),
        ("31/02/{y} 09:30-12:00", "n’est pas une date avec un créneau"),
        ("", "Ce champ est obligatoire."),
    ],
)
def test_it_refuses_bad_dates_in_french_and_saves_nothing(client, coordinatrice, lines, message):
    client.force_login(coordinatrice)
    response = client.post(URL, form_data(slots=lines.format(y=NEXT_YEAR)))
    assert response.status_code == 200
    assert message in text_of(response)
    assert "Rien n’a été enregistré" in text_of(response)
    assert not Poll.objects.exists() and not Invitee.objects.exists()


def test_it_refuses_a_deadline_already_passed(client, coordinatrice):
    client.force_login(coordinatrice)
    response = client.post(URL, form_data(deadline="2020-01-01"))
    assert "La date limite est déjà passée." in text_of(response)
    assert not Poll.objects.exists()


def test_it_is_linked_from_the_group_page_and_the_planner_for_coordinators(client, coordinatrice, membre):
    client.force_login(coordinatrice)
    assert f'href="{URL}"' in client.get("/groups/mixite/").content.decode()
    assert f'href="{URL}"' in client.get("/groups/mixite/plan/").content.decode()
    client.force_login(membre)
    page = client.get("/groups/mixite/")
    assert f'href="{URL}"' not in page.content.decode()
    assert "Sondages de dates" in text_of(page)

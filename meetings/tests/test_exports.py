"""Spreadsheet exports of the actions and of a group's attendance: same filters and access as the pages."""

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from conftest import EVERYONE, MEMBERS_OF_MIXITE, ROLES, check, meeting_of, record
from meetings.models import Attendance
from meetings.tests.factories import ActionFactory
from stakeholders.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def sheet_of(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment;")
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def values(sheet):
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]


@pytest.mark.parametrize("role", ROLES)
def test_it_exports_the_actions_to_every_logged_in_user(client, as_role, cast, role):
    check(client, as_role, role, "/actions/export.xlsx", EVERYONE)


@pytest.mark.parametrize("role", ROLES)
def test_it_exports_a_groups_attendance_to_its_members_only(client, as_role, cast, role):
    check(client, as_role, role, "/groups/mixite/attendance.xlsx", MEMBERS_OF_MIXITE)


def test_it_exports_the_actions_with_the_pages_filters(
    client, coordinatrice, membre, mixite, seniors, other_coordinator
):
    today = timezone.localdate()
    meeting = meeting_of(mixite, days=-10, title="Réunion de rentrée")
    ActionFactory(
        group=mixite,
        owner=membre.contact,
        title='=HYPERLINK("http://evil")',
        due_date=today - dt.timedelta(days=3),
        meeting=meeting,
        lever="former",
    )
    ActionFactory(group=mixite, owner=coordinatrice.contact, title="Vidéos", lever="roles_modeles", due_date=None)
    ActionFactory(group=mixite, owner=coordinatrice.contact, title="Finie", status="done")
    ActionFactory(group=seniors, owner=other_coordinator.contact, title="Secret")
    client.force_login(membre)
    sheet = sheet_of(client.get("/actions/export.xlsx"))
    assert [c.value for c in sheet[1]] == [
        "Action",
        "Groupe",
        "Type",
        "Levier",
        "Statut",
        "Responsable",
        "Organisation",
        "Échéance",
        "En retard",
        "Décidée lors de",
        "Date de la réunion",
        "Avancement",
    ]
    assert sheet.freeze_panes == "A2"
    rows = values(sheet)
    assert [r[0] for r in rows] == ['=HYPERLINK("http://evil")', "Vidéos"]  # open ones, like the page
    first = rows[0]
    assert sheet["A2"].data_type == "s"
    assert first[1:7] == [
        "Mixité des métiers",
        "Action",
        "Former",
        "À faire",
        "Yann Morvan",
        membre.contact.organisation.name,
    ]
    assert first[7] == dt.datetime.combine(today - dt.timedelta(days=3), dt.time()) and sheet["H2"].is_date
    assert first[8:11] == [
        "oui",
        "Réunion de rentrée",
        dt.datetime.combine(timezone.localtime(meeting.starts_at).date(), dt.time()),
    ]
    assert rows[1][7] is None and rows[1][8] == "non"
    assert [r[0] for r in values(sheet_of(client.get("/actions/export.xlsx?status=done")))] == ["Finie"]
    assert [r[0] for r in values(sheet_of(client.get("/actions/export.xlsx?lever=roles_modeles")))] == ["Vidéos"]
    assert len(values(sheet_of(client.get("/actions/export.xlsx?overdue=on")))) == 1
    assert "Secret" not in str(values(sheet_of(client.get(f"/actions/export.xlsx?group={seniors.pk}&status="))))


def test_it_exports_the_actions_in_constant_queries(client, coordinatrice, mixite, django_assert_num_queries):
    for _ in range(30):
        ActionFactory(group=mixite, owner=ContactFactory(), meeting=meeting_of(mixite, days=-2))
    client.force_login(coordinatrice)
    # session, user, memberships (roles), the actions with group, owner, organisation and meeting
    with django_assert_num_queries(4):
        response = client.get("/actions/export.xlsx")
        assert len(values(sheet_of(response))) == 30


def test_it_exports_the_attendance_by_meeting_and_organisation(client, membre, coordinatrice, mixite):
    past = meeting_of(mixite, days=-20, title="Réunion de mars")
    record(past, membre.contact, answer=Attendance.Answer.YES, presence=Attendance.Presence.PRESENT)
    record(past, coordinatrice.contact, presence=Attendance.Presence.EXCUSED)
    meeting_of(mixite, days=5)  # ahead: not in the register yet
    client.force_login(membre)
    sheet = sheet_of(client.get("/groups/mixite/attendance.xlsx"))
    assert [c.value for c in sheet[1]] == [
        "Date de la réunion",
        "Réunion",
        "Organisation",
        "Nom",
        "Prénom",
        "Réponse",
        "Présence",
        "Représenté·e par",
        "Invité·e",
    ]
    rows = values(sheet)
    day = dt.datetime.combine(timezone.localtime(past.starts_at).date(), dt.time())
    assert len(rows) == 2 and {r[0] for r in rows} == {day} and sheet["A2"].is_date
    mine = next(r for r in rows if r[3] == "Morvan")
    assert mine[1:8] == [
        "Réunion de mars",
        membre.contact.organisation.name,
        "Morvan",
        "Yann",
        "Oui",
        "Présent·e",
        None,
    ]
    year = timezone.localtime(past.starts_at).year
    assert len(values(sheet_of(client.get(f"/groups/mixite/attendance.xlsx?year={year}")))) == 2
    assert values(sheet_of(client.get("/groups/mixite/attendance.xlsx?year=1999"))) == values(sheet)
    assert values(sheet_of(client.get(f"/groups/mixite/attendance.xlsx?year={year - 1}"))) == []


def test_it_offers_the_downloads_on_the_pages(client, coordinatrice, mixite):
    ActionFactory(group=mixite, owner=coordinatrice.contact, lever="former")
    client.force_login(coordinatrice)
    html = client.get("/actions/?lever=former").content.decode()
    assert 'href="/actions/export.xlsx?lever=former"' in html
    html = client.get("/groups/mixite/attendance/").content.decode()
    assert 'href="/groups/mixite/attendance.xlsx?year=' in html

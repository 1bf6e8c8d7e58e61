import datetime as dt

import pytest
from django.utils import timezone

from conftest import (
    COORDINATORS_OF_MIXITE,
    MEMBERS_OF_MIXITE,
    ROLES,
    check,
    meeting_of,
    members,
    posted,
    record,
    text_of,
)
from groups.tests.factories import MembershipFactory
from meetings.attendance import services as attendance_services
from meetings.models import Attendance, Meeting
from stakeholders.tests.factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(mixite, coordinatrice, membre):
    return meeting_of(mixite, days=0, hours=3)  # under way


def row(contact, presence, substitute=""):
    """A line of the register's form, named after the invited contact."""
    return {f"c{contact.pk}-presence": presence, f"c{contact.pk}-represented_by": substitute}


def register_data(meeting, **overrides):
    data = {}
    for a in attendance_services.invited(meeting):
        data.update(row(a.contact, "present"))
    data.update(overrides)
    return data


def mine(meeting, contact):
    """The contact's invitation as it is now (an unsaved row until something was recorded)."""
    return attendance_services.invitation_of(meeting, contact)


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_coordinators_keep_the_register(client, as_role, meeting, role):
    url = f"/meetings/{meeting.pk}/attendance/"
    check(client, as_role, role, url, COORDINATORS_OF_MIXITE)
    check(client, as_role, role, url, posted(COORDINATORS_OF_MIXITE), method="post", data=register_data(meeting))
    present = meeting.attendances.filter(presence="present").count()
    assert present == (len(attendance_services.invited(meeting)) if COORDINATORS_OF_MIXITE[role] == 200 else 0)


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_the_attendance_report_to_the_group_only(client, as_role, mixite, coordinatrice, role):
    check(client, as_role, role, "/groups/mixite/attendance/", MEMBERS_OF_MIXITE)


def test_it_records_presence_with_a_substitute_from_the_same_organisation(
    client, coordinatrice, membre, departement, meeting
):
    colleague = ContactFactory(organisation=departement, first_name="Gwen", last_name="Collègue")
    MembershipFactory(group=meeting.group, contact=colleague)
    client.force_login(coordinatrice)
    html = client.get(f"/meetings/{meeting.pk}/attendance/").content.decode()
    assert "Gwen Collègue" in html and "Registre des présences" in html
    assert "Présence : Yann Morvan" in html  # no “de” before a name that may need “d’”
    data = register_data(meeting, **row(membre.contact, "excused", colleague.pk))
    response = client.post(f"/meetings/{meeting.pk}/attendance/", data, follow=True)
    html = response.content.decode()
    assert "Registre des présences enregistré." in html
    assert "représenté·e par Gwen Collègue" in html
    recorded = mine(meeting, membre.contact)
    assert recorded.presence == "excused" and recorded.represented_by == colleague
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD


def test_it_refuses_a_substitute_from_another_organisation(client, coordinatrice, membre, meeting):
    stranger = ContactFactory(first_name="Sam", last_name="Ailleurs")
    client.force_login(coordinatrice)
    data = register_data(meeting, **row(membre.contact, "excused", stranger.pk))
    html = client.post(f"/meetings/{meeting.pk}/attendance/", data).content.decode()
    assert "Le ou la remplaçant·e doit être un·e collègue de la même organisation." in html
    assert not meeting.attendances.exclude(presence="unknown").exists()


def test_it_offers_every_colleague_of_the_absent_member_without_inviting_them(
    client, coordinatrice, membre, departement, meeting
):
    colleague = ContactFactory(organisation=departement, first_name="Pierre", last_name="Lemoine")
    ContactFactory(organisation=departement, first_name="Ada", last_name="Archivée", is_archived=True)
    ContactFactory(first_name="Sam", last_name="Ailleurs")
    client.force_login(coordinatrice)
    html = client.get(f"/meetings/{meeting.pk}/attendance/").content.decode()
    select = html[html.index(f'name="c{membre.contact.pk}-represented_by"') :].split("</select>")[0]
    assert "Pierre Lemoine" in select  # in the directory, not in the group: offered
    assert "Ada Archivée" not in select and "Sam Ailleurs" not in select
    data = register_data(meeting, **row(membre.contact, "excused", colleague.pk))
    response = client.post(f"/meetings/{meeting.pk}/attendance/", data, follow=True)
    assert "représenté·e par Pierre Lemoine" in response.content.decode()
    assert mine(meeting, membre.contact).represented_by == colleague
    assert not meeting.attendances.filter(contact=colleague).exists()  # standing in is not being invited
    assert colleague.pk not in invited_ids(meeting)
    html = client.get(f"/meetings/{meeting.pk}/attendance/").content.decode()
    assert f'name="c{colleague.pk}-presence"' not in html  # no line of his own in the register


def test_it_keeps_an_archived_substitute_already_recorded(client, coordinatrice, membre, departement, meeting):
    standing_in = ContactFactory(organisation=departement, first_name="Gwen", last_name="Remplaçante")
    Attendance.objects.create(meeting=meeting, contact=membre.contact, presence="excused", represented_by=standing_in)
    standing_in.is_archived = True
    standing_in.save()
    client.force_login(coordinatrice)
    assert "Gwen Remplaçante" in client.get(f"/meetings/{meeting.pk}/attendance/").content.decode()
    response = client.post(
        f"/meetings/{meeting.pk}/attendance/", register_data(meeting, **row(membre.contact, "excused", standing_in.pk))
    )
    assert response.status_code == 302


def test_it_refuses_an_archived_colleague_as_substitute(client, coordinatrice, membre, departement, meeting):
    archived = ContactFactory(organisation=departement, first_name="Ada", last_name="Archivée", is_archived=True)
    client.force_login(coordinatrice)
    html = client.post(
        f"/meetings/{meeting.pk}/attendance/", register_data(meeting, **row(membre.contact, "excused", archived.pk))
    ).content.decode()
    assert "Le registre n’a pas été enregistré" in html
    assert not meeting.attendances.exists()


def test_it_refuses_a_person_representing_themselves(client, coordinatrice, membre, meeting):
    client.force_login(coordinatrice)
    data = register_data(meeting, **row(membre.contact, "absent", membre.contact.pk))
    html = client.post(f"/meetings/{meeting.pk}/attendance/", data).content.decode()
    assert "Le registre n’a pas été enregistré" in html
    assert not meeting.attendances.exists()


def test_it_refuses_self_representation_in_the_service(membre, meeting):
    with pytest.raises(Exception, match="elle-même|themselves"):
        attendance_services.validate_substitute(mine(meeting, membre.contact), membre.contact)


def _past_meeting(group, days_ago):
    starts = timezone.now() - dt.timedelta(days=days_ago)
    meeting = Meeting.objects.create(
        group=group, title=f"Passée {days_ago}", starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )
    return meeting


def test_it_flags_organisations_drifting_away(client, coordinatrice, mixite):
    faithful, fading = members(mixite, 2)
    client.force_login(coordinatrice)
    for i in range(6):
        meeting = _past_meeting(mixite, 10 + i * 30)
        Attendance.objects.create(meeting=meeting, contact=faithful, presence="present")
        # Absent from 3 of the 6 (absent or excused without substitute count alike).
        presence = ["absent", "excused", "absent", "present", "present", "present"][i]
        Attendance.objects.create(meeting=meeting, contact=fading, presence=presence)
    html = client.get("/groups/mixite/attendance/").content.decode()
    assert "Sur les 6 dernières réunions." in html
    _meetings, report = attendance_services.attendance_report(mixite)
    by_name = {r.organisation.name: r for r in report}
    assert by_name[fading.organisation.name].drifting
    assert by_name[fading.organisation.name].absences == 3
    assert not by_name[faithful.organisation.name].drifting
    assert report[0].organisation == fading.organisation  # drifting bodies first
    assert html.count("en retrait</span>") == 1


def test_it_counts_a_represented_organisation_as_present(mixite, departement, membre):
    colleague = ContactFactory(organisation=departement)
    for i in range(2):
        meeting = _past_meeting(mixite, 5 + i)
        Attendance.objects.create(meeting=meeting, contact=membre.contact, presence="excused", represented_by=colleague)
    _meetings, [row_] = attendance_services.attendance_report(mixite)
    assert row_.cells == ["represented", "represented"] and not row_.drifting


def test_it_keeps_the_report_query_count_constant(client, coordinatrice, mixite, django_assert_num_queries):
    client.force_login(coordinatrice)

    def grow(people):
        contacts = members(mixite, people)
        for i in range(6):
            meeting = _past_meeting(mixite, 10 + i * 30 + people)
            for contact in contacts:
                Attendance.objects.create(meeting=meeting, contact=contact, presence="absent")

    grow(2)
    # session, user, memberships (roles), group, last meetings, attendances + contacts + organisations,
    # the group's memberships + contacts + organisations (members without a row: unrecorded)
    with django_assert_num_queries(7):
        client.get("/groups/mixite/attendance/")
    grow(15)
    with django_assert_num_queries(7):
        response = client.get("/groups/mixite/attendance/")
    assert response.status_code == 200


def test_it_keeps_the_register_query_count_constant(client, coordinatrice, mixite, meeting, django_assert_num_queries):
    client.force_login(coordinatrice)
    client.get(f"/meetings/{meeting.pk}/attendance/")
    # session, user, memberships (roles), meeting + group, the group's memberships + contacts
    # + organisations, answers + contacts + organisations, colleagues
    with django_assert_num_queries(7):
        client.get(f"/meetings/{meeting.pk}/attendance/")
    members(mixite, 15)
    with django_assert_num_queries(7):
        client.get(f"/meetings/{meeting.pk}/attendance/")


# --- An empty register can be completed -----------------------------------------------------------


@pytest.fixture
def empty_past(past):
    past.attendances.all().delete()
    return past


def test_it_lists_the_members_of_the_day_in_a_register_with_no_row(client, coordinatrice, membre, empty_past):
    client.force_login(coordinatrice)
    page = text_of(client.get(f"/meetings/{empty_past.pk}/attendance/"))
    assert membre.contact.full_name in page and coordinatrice.contact.full_name in page
    assert not empty_past.attendances.exists()  # reading the register writes nothing
    data = {f"c{c.pk}-presence": "present" for c in (membre.contact, coordinatrice.contact)}
    client.post(f"/meetings/{empty_past.pk}/attendance/", data)
    assert set(empty_past.attendances.values_list("contact_id", "presence")) == {
        (membre.contact.pk, "present"),
        (coordinatrice.contact.pk, "present"),
    }


def test_it_finds_and_adds_a_guest_among_contacts(client, coordinatrice, empty_past):
    guest = ContactFactory(first_name="Maëlle", last_name="Invitée", organisation=OrganisationFactory(name="CIO"))
    ContactFactory(first_name="Vieux", last_name="Invitée", is_archived=True)
    client.force_login(coordinatrice)
    page = text_of(client.get(f"/meetings/{empty_past.pk}/attendance/", {"q": "invitée"}))
    assert "Maëlle Invitée" in page and "Vieux Invitée" not in page
    page = text_of(client.post(f"/meetings/{empty_past.pk}/attendance/", {"guest": guest.pk}, follow=True))
    assert "Maëlle Invitée a été ajouté·e au registre." in page
    assert Attendance.objects.filter(meeting=empty_past, contact=guest).exists()
    # Already in the register: no longer offered.
    page = text_of(client.get(f"/meetings/{empty_past.pk}/attendance/", {"q": "invitée"}))
    assert "Ajouter – Maëlle Invitée" not in page


def test_it_shows_at_most_thirty_guests(client, coordinatrice, empty_past):
    organisation = OrganisationFactory()
    for number in range(35):
        ContactFactory(first_name=f"P{number}", last_name="Zébulon", organisation=organisation)
    client.force_login(coordinatrice)
    html = client.get(f"/meetings/{empty_past.pk}/attendance/", {"q": "Zébulon"}).content.decode()
    assert html.count('name="guest"') == 30
    assert "Seuls les 30 premiers contacts sont affichés" in text_of(
        client.get(f"/meetings/{empty_past.pk}/attendance/", {"q": "Zébulon"})
    )


def test_it_refuses_an_archived_or_unknown_guest(client, coordinatrice, empty_past):
    archived = ContactFactory(is_archived=True)
    client.force_login(coordinatrice)
    page = text_of(client.post(f"/meetings/{empty_past.pk}/attendance/", {"guest": archived.pk}, follow=True))
    assert "Ce contact est archivé : il ne peut pas être invité." in page
    page = text_of(client.post(f"/meetings/{empty_past.pk}/attendance/", {"guest": "<script>"}, follow=True))
    assert "Ce contact n’existe pas." in page
    assert "<script>" not in client.get(f"/meetings/{empty_past.pk}/attendance/", {"q": "<script>"}).content.decode()
    assert not empty_past.attendances.exists()


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_coordinators_add_a_guest(client, as_role, empty_past, role):
    guest = ContactFactory()
    url = f"/meetings/{empty_past.pk}/attendance/"
    check(client, as_role, role, url, posted(COORDINATORS_OF_MIXITE), method="post", data={"guest": guest.pk})
    assert empty_past.attendances.filter(contact=guest).exists() == (COORDINATORS_OF_MIXITE[role] == 200)


def test_it_reports_organisations_in_their_own_words(client, coordinatrice, membre, past, departement):
    colleague = ContactFactory(organisation=departement)
    record(past, coordinatrice.contact, presence="present")
    record(past, membre.contact, presence="absent")
    other = meeting_of(past.group, days=-20)
    record(other, coordinatrice.contact, presence="absent")
    record(other, membre.contact, presence="excused", represented_by=colleague)
    client.force_login(coordinatrice)
    page = text_of(client.get("/groups/mixite/attendance/"))
    assert "Présente" in page and "Absente" in page and "Représentée" in page
    assert "Présent·e" not in page and "Absent·e" not in page


# --- Who is invited: members on the meeting's day, and guests -------------------------------------


def invited_ids(meeting):
    return {a.contact_id for a in attendance_services.invited(meeting)}


def test_it_invites_the_members_of_the_meetings_day_without_writing_a_row(mixite, coordinatrice, membre):
    meeting = meeting_of(mixite, days=10)
    leaving = mixite.memberships.get(contact=membre.contact)
    assert invited_ids(meeting) == {coordinatrice.contact.pk, membre.contact.pk}
    assert not meeting.attendances.exists()
    leaving.left = timezone.localdate() + dt.timedelta(days=5)  # leaves before the meeting's day
    leaving.save()
    Attendance.objects.create(meeting=meeting, contact=membre.contact, answer="yes")
    assert invited_ids(meeting) == {coordinatrice.contact.pk}  # an answer given before leaving no longer counts


def test_it_keeps_on_a_past_register_what_a_member_did_before_leaving(mixite, coordinatrice, membre):
    meeting = meeting_of(mixite, days=-10)
    record(meeting, membre.contact, presence="present")
    mixite.memberships.filter(contact=membre.contact).update(
        joined=timezone.localdate() - dt.timedelta(days=2), left=None
    )  # the membership now says they joined after the meeting: the register still shows who came
    assert membre.contact.pk in invited_ids(meeting)


def test_it_keeps_a_guest_who_was_once_a_member(client, mixite, coordinatrice, membre):
    meeting = meeting_of(mixite, days=10)
    mixite.memberships.filter(contact=membre.contact).update(left=timezone.localdate())
    assert membre.contact.pk not in invited_ids(meeting)
    attendance_services.invite_guest(meeting, membre.contact)
    assert membre.contact.pk in invited_ids(meeting)
    assert membre.contact not in attendance_services.guest_candidates(meeting, membre.contact.last_name)


def test_it_lists_a_newcomer_added_as_a_guest_to_a_past_register(client, mixite, coordinatrice):
    meeting = meeting_of(mixite, days=-10)
    [newcomer] = members(mixite, 1)
    mixite.memberships.filter(contact=newcomer).update(joined=timezone.localdate())
    assert newcomer.pk not in invited_ids(meeting)  # not a member on that day
    client.force_login(coordinatrice)
    client.post(f"/meetings/{meeting.pk}/attendance/", {"guest": newcomer.pk})
    assert newcomer.full_name in client.get(f"/meetings/{meeting.pk}/attendance/").content.decode()

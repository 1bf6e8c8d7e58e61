"""The meeting admin keeps the domain rules: sequence bumps, "held" only once started, frozen minutes."""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from conftest import meeting_of
from meetings.minutes import services as minutes_services
from meetings.models import Meeting
from meetings.planning import services as planning_services

pytestmark = pytest.mark.django_db


class _FormFields(HTMLParser):
    """The values the admin's change form would post, as a browser sends them."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data[name] = attrs.get("value") or ("on" if attrs.get("type") == "checkbox" else "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data.removeprefix("\n") if not self.data[self._textarea] else data


def change_form(client, meeting):
    url = f"/admin/meetings/meeting/{meeting.pk}/change/"
    parser = _FormFields()
    parser.feed(client.get(url).content.decode())
    return url, parser.data


def paris(value):
    local = timezone.localtime(value, planning_services.PARIS)
    return local.strftime("%d/%m/%Y"), local.strftime("%H:%M:%S")


@pytest.fixture
def meeting(mixite, coordinatrice, membre):
    return meeting_of(mixite, days=10)


def test_it_bumps_the_sequence_when_the_admin_moves_a_meeting(client, admin_user, meeting):
    client.force_login(admin_user)
    url, data = change_form(client, meeting)
    later = meeting.starts_at + dt.timedelta(days=1)
    data["starts_at_0"], data["starts_at_1"] = paris(later)
    data["ends_at_0"], data["ends_at_1"] = paris(later + dt.timedelta(hours=2))
    data["place"] = "Saint-Brieuc"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting.refresh_from_db()
    assert meeting.starts_at == later and meeting.place == "Saint-Brieuc"
    assert meeting.sequence == 1
    assert meeting.title == planning_services.default_title(later)  # follows its day, as on the edit page


def test_it_cancels_through_the_service(client, admin_user, meeting):
    client.force_login(admin_user)
    url, data = change_form(client, meeting)
    data["status"] = "cancelled"
    assert client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "cancelled" and meeting.sequence == 1


def test_it_keeps_the_sequence_when_the_admin_changes_only_the_title(client, admin_user, meeting):
    client.force_login(admin_user)
    url, data = change_form(client, meeting)
    data["title"] = "Réunion de rentrée"
    assert client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Réunion de rentrée" and meeting.sequence == 0


def test_it_refuses_held_before_the_start_in_the_admin(client, admin_user, meeting):
    client.force_login(admin_user)
    url, data = change_form(client, meeting)
    data["status"] = "held"
    response = client.post(url, data)
    assert "Une réunion ne peut pas être marquée comme tenue avant son début." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "planned"
    client.post("/admin/meetings/meeting/", {"action": "mark_held", "_selected_action": [meeting.pk]})
    meeting.refresh_from_db()
    assert meeting.status == "planned"


def test_it_freezes_adopted_minutes_in_the_admin(client, admin_user, mixite, coordinatrice, membre):
    meeting = meeting_of(mixite, days=-40)
    held = meeting_of(mixite, days=-1)
    minutes_services.save_minutes(meeting, text="Version adoptée")
    minutes_services.send_minutes(meeting)
    minutes_services.adopt_minutes(meeting, adopted_in=held)
    client.force_login(admin_user)
    url, data = change_form(client, meeting)
    assert "minutes" not in data and "minutes_status" not in data
    data.update(minutes="Réécriture", minutes_status="draft", title="Titre corrigé")
    assert client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Titre corrigé"
    assert meeting.minutes == "Version adoptée" and meeting.minutes_status == Meeting.MinutesStatus.ADOPTED


def test_it_refuses_in_the_admin_to_cancel_a_meeting_that_took_place(client, admin_user, mixite):
    import datetime as dt

    from django.utils import timezone

    from meetings.models import Meeting
    from meetings.tests.factories import MeetingFactory

    start = timezone.now() - dt.timedelta(days=3)
    meeting = MeetingFactory(group=mixite, starts_at=start, ends_at=start + dt.timedelta(hours=2), status="held")
    client.force_login(admin_user)
    url = f"/admin/meetings/meeting/{meeting.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        {
            "status": "cancelled",
            "starts_at_0": timezone.localtime(start).strftime("%d/%m/%Y"),
            "starts_at_1": timezone.localtime(start).strftime("%H:%M:%S"),
            "ends_at_0": timezone.localtime(start + dt.timedelta(hours=2)).strftime("%d/%m/%Y"),
            "ends_at_1": timezone.localtime(start + dt.timedelta(hours=2)).strftime("%H:%M:%S"),
        }
    )
    for prefix in ("agenda_items", "attendances"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "ne peut plus être annulée" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).status == "held"


def test_it_keeps_the_date_of_a_meeting_that_took_place(mixite):
    import datetime as dt

    import pytest as _pytest
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from meetings.planning import services as planning_services
    from meetings.tests.factories import MeetingFactory

    start = timezone.now() - dt.timedelta(days=3)
    meeting = MeetingFactory(group=mixite, starts_at=start, ends_at=start + dt.timedelta(hours=2), status="held")
    later = timezone.now() + dt.timedelta(days=10)
    with _pytest.raises(ValidationError) as error:
        planning_services.reschedule(
            meeting,
            starts_at=later,
            ends_at=later + dt.timedelta(hours=2),
            place=meeting.place,
            video_url=meeting.video_url,
            status="planned",
        )
    assert "ne peuvent plus changer" in " ".join(error.value.messages)
    meeting.refresh_from_db()
    assert meeting.starts_at == start and meeting.status == "held"
    # Its place may still be corrected.
    planning_services.reschedule(
        meeting, starts_at=meeting.starts_at, ends_at=meeting.ends_at, place="Salle B", video_url=meeting.video_url
    )
    meeting.refresh_from_db()
    assert meeting.place == "Salle B"


def test_it_tells_calendars_when_a_meeting_is_confirmed(mixite):
    from meetings.planning import services as planning_services
    from meetings.tests.factories import MeetingFactory

    meeting = MeetingFactory(group=mixite, status="planned")
    before = meeting.sequence
    planning_services.reschedule(
        meeting,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        place=meeting.place,
        video_url=meeting.video_url,
        status="confirmed",
    )
    meeting.refresh_from_db()
    assert meeting.sequence == before + 1


@pytest.mark.parametrize(
    ("path", "shown"),
    [("meeting", "title"), ("action", "title"), ("attendance", "meeting"), ("agendaitem", "title")],
)
def test_it_filters_the_admin_lists_by_working_group(client, admin_user, mixite, seniors, path, shown):
    from meetings.tests.factories import ActionFactory, AgendaItemFactory, AttendanceFactory, MeetingFactory

    for group, title in [(mixite, "Chez Mixité"), (seniors, "Chez Seniors")]:
        meeting = MeetingFactory(group=group, title=title)
        ActionFactory(group=group, meeting=meeting, title=title)
        AttendanceFactory(meeting=meeting)
        AgendaItemFactory(meeting=meeting, title=title)
    client.force_login(admin_user)
    html = client.get(f"/admin/meetings/{path}/", {"group": "mixité", "o": "1"}).content.decode()
    assert "Chez Mixité" in html and "Chez Seniors" not in html
    assert "Par groupe de travail" in html
    box = html[html.index('data-filter-title="groupe de travail"') :].split("</details>")[0]
    assert 'name="o" value="1"' in box  # sending the box keeps the order (and the other filters)
    assert client.get(f"/admin/meetings/{path}/", {"group": "mixité", "_facets": "1"}).status_code == 200


def test_it_words_the_delete_action_for_any_gender(client, admin_user, mixite):
    from meetings.tests.factories import MeetingFactory

    meeting = MeetingFactory(group=mixite)
    client.force_login(admin_user)
    html = client.get("/admin/meetings/meeting/").content.decode()
    assert "Supprimer la sélection (réunions)" in html and "sélectionnés" not in html
    client.post(
        "/admin/meetings/meeting/", {"action": "delete_selected", "_selected_action": [meeting.pk], "post": "yes"}
    )
    assert not Meeting.objects.filter(pk=meeting.pk).exists()  # still Django's action underneath

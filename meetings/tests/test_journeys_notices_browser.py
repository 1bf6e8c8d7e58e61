"""A five-day event in a real browser: created, reopened, saved unchanged; nothing sent, nothing broken."""

import datetime as dt
import os
from pathlib import Path

import icalendar
import pytest
from django.core import mail

from conftest import PARIS
from meetings.models import Delivery, Meeting, MeetingChange
from meetings.notices import dispatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.getenv("WEKKER_SCREENSHOTS", "/tmp/wekker-screenshots/meetings"))


def test_it_keeps_a_five_day_event_whole_when_saved_unchanged(
    page, live_server, browser_login, axe, coordinatrice, membre
):
    browser_login(page, coordinatrice)
    page.goto("/groups/mixite/meetings/new/")
    axe(page)
    page.fill("#id_title", "Semaine de la mixité des métiers")
    page.select_option("#id_kind", "event")
    page.fill("#id_day", "2027-03-08")
    page.fill("#id_last_day", "2027-03-12")
    page.check("#id_all_day")
    page.fill("#id_place", "Missions Locales de Bretagne")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "du lundi 8 au vendredi 12 mars 2027" in page.inner_text("main")
    event = Meeting.objects.get(title="Semaine de la mixité des métiers")
    row = Meeting.objects.filter(pk=event.pk).values().get()
    assert (event.first_day, event.last_day, event.all_day) == (dt.date(2027, 3, 8), dt.date(2027, 3, 12), True)
    dispatch.dispatch_due()
    sent_before, mails_before = Delivery.objects.count(), len(mail.outbox)

    # Reopen it and press "Enregistrer" without touching anything.
    page.goto(f"/meetings/{event.pk}/edit/")
    axe(page)
    assert page.input_value("#id_day") == "2027-03-08" and page.input_value("#id_last_day") == "2027-03-12"
    assert page.is_checked("#id_all_day")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "five-day-event-form.png"), full_page=True)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "Rien n’a changé" in page.inner_text("main")
    assert "du lundi 8 au vendredi 12 mars 2027" in page.inner_text("main")
    page.screenshot(path=str(SHOTS / "five-day-event-saved.png"), full_page=True)

    dispatch.dispatch_due()
    assert (Delivery.objects.count(), len(mail.outbox)) == (sent_before, mails_before)
    assert not MeetingChange.objects.exists()
    assert Meeting.objects.filter(pk=event.pk).values().get() == row
    assert row["starts_at"] == dt.datetime(2027, 3, 8, tzinfo=PARIS)

    # The calendar file: an all-day event from the 8th to the 12th (DTEND the day after).
    response = page.request.get(f"/meetings/{event.pk}/calendar.ics")
    assert response.status == 200
    vevent = icalendar.Calendar.from_ical(response.body()).walk("VEVENT")[0]
    assert (vevent.decoded("DTSTART"), vevent.decoded("DTEND")) == (dt.date(2027, 3, 8), dt.date(2027, 3, 13))
    assert vevent["SEQUENCE"] == 0

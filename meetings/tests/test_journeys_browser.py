"""The journeys of the meeting pages, in a real browser, with axe-core on every page."""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from conftest import record
from groups.tests.factories import MembershipFactory
from meetings.actions import services as action_services
from meetings.agenda import services as agenda_services
from meetings.minutes import services as minutes_services
from meetings.models import Action, Attendance, Meeting
from meetings.notices import dispatch
from meetings.planning import services as planning_services
from stakeholders.tests.factories import ContactFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.getenv("WEKKER_SCREENSHOTS", "/tmp/wekker-screenshots/meetings"))


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_it_lets_a_coordinator_run_a_year_of_meetings(
    page, live_server, browser_login, axe, coordinatrice, membre, departement
):
    colleague = ContactFactory(
        organisation=departement, first_name="Gwen", last_name="Collègue", email="gwen@example.org"
    )
    # Substitutes are chosen among the group's members.
    MembershipFactory(group=coordinatrice.contact.memberships.get().group, contact=colleague)
    # Two past meetings the département missed, for the attendance report.
    for days in (40, 100):
        past = planning_services.create_meeting(
            group=coordinatrice.contact.memberships.get().group,
            title="",
            starts_at=timezone.now() - dt.timedelta(days=days),
            ends_at=timezone.now() - dt.timedelta(days=days, hours=-2),
        )
        record(past, membre.contact, presence="absent")
        record(past, coordinatrice.contact, presence="present")
    browser_login(page, coordinatrice)

    # Plan the year: preview, then create.
    page.goto("/groups/mixite/plan/")
    axe(page)
    page.select_option("#id_start_month", "1")
    page.select_option("#id_start_year", "2027")
    page.select_option("#id_ordinal", "2")
    page.select_option("#id_weekday", "1")
    page.select_option("#id_every_months", "2")
    page.fill("#id_place", "Maison de l'emploi, Rennes")
    page.get_by_role("button", name="Prévisualiser les dates").click()
    page.get_by_text("mardi 12 janvier 2027").wait_for()
    axe(page)
    shot(page, "01-plan-preview")
    page.get_by_role("button", name="Créer ces réunions").click()
    page.get_by_text("6 réunions créées.").wait_for()
    shot(page, "02-plan-created")
    assert Meeting.objects.filter(group__slug="mixite", starts_at__year=2027).count() == 6

    # Build and publish the first meeting's agenda, reordering an item.
    page.get_by_role("link", name="Réunion du 12 janvier", exact=True).click()
    assert page.locator("h1").inner_text() == "Mixité des métiers – Réunion du 12 janvier"
    axe(page)
    page.get_by_role("link", name="Préparer l’ordre du jour").click()
    for title, minutes in [("Forum des métiers", "30"), ("Vidéos de rôles modèles", "20")]:
        page.fill("#id_title", title)
        page.fill("#id_duration_minutes", minutes)
        page.select_option("#id_presenter", label="Yann Morvan (Conseil départemental d'Ille-et-Vilaine)")
        page.select_option("#id_lever", "roles_modeles")
        page.get_by_role("button", name="Ajouter à l’ordre du jour").click()
        page.get_by_text("Point ajouté à l’ordre du jour.").wait_for()
    page.get_by_role("button", name="Monter « Vidéos de rôles modèles »").click()
    page.wait_for_load_state()
    rows = page.locator("tbody th[scope=row]").all_inner_texts()
    assert rows[0].startswith("Suivi des actions")
    assert rows[1].startswith("Vidéos de rôles modèles") and rows[2].startswith("Forum des métiers")
    axe(page)
    page.get_by_role("button", name="Publier l’ordre du jour").click()
    page.get_by_text("Ordre du jour publié : les membres peuvent le voir.").wait_for()
    shot(page, "03-agenda-published")
    meeting = Meeting.objects.get(group__slug="mixite", starts_at__date=dt.date(2027, 1, 12))
    assert meeting.agenda_published_at is not None

    # Attendance with a substitute.
    page.goto(f"/meetings/{meeting.pk}/attendance/")
    axe(page)
    page.check(f"#id_c{coordinatrice.contact.pk}-presence_1")  # present
    page.check(f"#id_c{membre.contact.pk}-presence_3")  # excused
    page.select_option(f"#id_c{membre.contact.pk}-represented_by", str(colleague.pk))
    shot(page, "04-attendance")
    page.get_by_role("button", name="Enregistrer le registre").click()
    page.get_by_text("Registre des présences enregistré.").wait_for()
    mine = Attendance.objects.get(meeting=meeting, contact=membre.contact)
    assert mine.presence == "excused" and mine.represented_by == colleague

    # A decision becomes an action.
    page.get_by_role("link", name="Transformer une décision en action").click()
    axe(page)
    page.fill("#id_title", "Tourner trois vidéos")
    page.select_option("#id_owner", label="Yann Morvan (Conseil départemental d'Ille-et-Vilaine)")
    page.fill("#id_due_date", "2027-03-01")
    page.select_option("#id_lever", "roles_modeles")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Action créée.").wait_for()
    assert page.get_by_role("link", name="Tourner trois vidéos").is_visible()
    axe(page)
    shot(page, "05-meeting-page")
    page.emulate_media(media="print")
    shot(page, "05b-meeting-printed")
    assert not page.get_by_role("button", name="Je viendrai").is_visible()
    page.emulate_media(media="screen")
    assert Action.objects.get(title="Tourner trois vidéos").meeting == meeting

    # Minutes: the generated draft, typed into, autosaved, then sent.
    page.get_by_role("link", name="Compte rendu").first.click()
    textarea = page.locator("#id_text")
    assert "Tourner trois vidéos" in textarea.input_value()
    assert "représenté·e par Gwen Collègue" in textarea.input_value()
    axe(page)
    textarea.press("Control+End")
    textarea.type("\n\nLa séance est levée à 12h.")
    page.get_by_text(re.compile("Brouillon enregistré à")).wait_for(timeout=10000)
    meeting.refresh_from_db()
    assert meeting.minutes.endswith("La séance est levée à 12h.")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.get_by_text("Compte rendu enregistré.").wait_for()
    shot(page, "06-minutes")
    # Sending asks first: who receives the minutes, and what of the draft is still unwritten.
    page.get_by_role("link", name="Envoyer le compte rendu aux membres").click()
    page.get_by_role("heading", name="3 personnes le recevront, chacune par son propre courriel").wait_for()
    assert page.locator(".wk-recipients").get_by_text("Gwen Collègue").is_visible()
    assert mail.outbox == []
    axe(page)
    shot(page, "06b-minutes-send-confirmation")
    if meeting.minutes.count("[à compléter]"):
        assert page.get_by_text("« [à compléter] »").is_visible()
        page.get_by_role("button", name="Envoyer quand même").click()
    else:
        page.get_by_role("button", name="Confirmer l’envoi à 3 personnes").click()
    page.get_by_text("Compte rendu envoyé à 3 membres.").wait_for()
    dispatch.dispatch_due()  # the minutes go out through the delivery machinery
    assert sorted(m.to[0] for m in mail.outbox) == sorted([coordinatrice.email, membre.email, colleague.email])

    page.goto("/actions/")
    axe(page)
    shot(page, "07a-actions-desktop")
    assert page.locator("table").is_visible() and not page.locator(".wk-action-cards").is_visible()
    page.goto("/groups/mixite/attendance/")
    axe(page)
    assert page.get_by_text("en retrait", exact=True).count() == 1
    shot(page, "07-attendance-report")


def test_it_keeps_a_draft_through_a_session_timeout(page, live_server, browser_login, coordinatrice, mixite):
    starts = dt.datetime(2027, 2, 9, 9, 30, tzinfo=planning_services.PARIS)
    meeting = planning_services.create_meeting(
        group=mixite, title="", starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )
    minutes_services.save_minutes(meeting, text="Début")
    browser_login(page, coordinatrice)
    page.goto(f"/meetings/{meeting.pk}/minutes/")
    page.context.clear_cookies()  # the session is gone
    page.fill("#id_text", "Début et suite tapée après la fin de session")
    page.locator("#id_text").dispatch_event("input")
    page.get_by_text(re.compile("Votre session a expiré")).wait_for(timeout=10000)
    meeting.refresh_from_db()
    assert meeting.minutes == "Début"
    # Kept for this tab only, never in localStorage where it would outlive the logout.
    key = f"wekker-minutes-{meeting.pk}"
    assert "suite tapée" in page.evaluate(f"sessionStorage.getItem('{key}')")
    assert page.evaluate(f"localStorage.getItem('{key}')") is None
    browser_login(page, coordinatrice)
    page.goto(f"/meetings/{meeting.pk}/minutes/")
    assert page.locator("#id_text").input_value() == "Début et suite tapée après la fin de session"
    page.get_by_text(re.compile("Brouillon enregistré à")).wait_for(timeout=10000)
    meeting.refresh_from_db()
    assert meeting.minutes == "Début et suite tapée après la fin de session"
    assert page.evaluate(f"sessionStorage.getItem('{key}')") is None  # the server has it: forgotten


def typed_over_by_someone_else(page, browser_login, coordinatrice, mixite):
    """Minutes open in the browser ("Début"), saved meanwhile by another coordinator, then typed
    over here: autosave pauses. The meeting."""
    starts = dt.datetime(2027, 2, 9, 9, 30, tzinfo=planning_services.PARIS)
    meeting = planning_services.create_meeting(
        group=mixite, title="", starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )
    minutes_services.save_minutes(meeting, text="Début")
    browser_login(page, coordinatrice)
    page.goto(f"/meetings/{meeting.pk}/minutes/")
    minutes_services.save_minutes(meeting, text="Version de Gwen")  # another coordinator, in another browser
    page.fill("#id_text", "Ma version")
    page.locator("#id_text").dispatch_event("input")
    page.get_by_text(re.compile("l’enregistrement automatique est suspendu")).wait_for(timeout=10000)
    return meeting


def test_it_pauses_autosave_when_someone_else_saved_meanwhile(page, live_server, browser_login, coordinatrice, mixite):
    meeting = typed_over_by_someone_else(page, browser_login, coordinatrice, mixite)
    meeting.refresh_from_db()
    assert meeting.minutes == "Version de Gwen"
    assert page.evaluate(f"JSON.parse(sessionStorage.getItem('wekker-minutes-{meeting.pk}')).text") == "Ma version"
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.get_by_text(re.compile("Fusionnez-les")).wait_for()
    assert page.locator("#id_text").input_value() == "Ma version"
    assert page.get_by_text("Version de Gwen").is_visible()


def test_it_never_lets_a_copy_in_the_browser_replace_a_newer_version(
    page, live_server, browser_login, coordinatrice, mixite
):
    meeting = typed_over_by_someone_else(page, browser_login, coordinatrice, mixite)
    page.reload()  # the copy in this tab started from "Début", the server now has Gwen's version
    assert page.locator("#id_text").input_value() == "Version de Gwen"
    older = page.get_by_role("region", name="Texte non enregistré dans ce navigateur")
    assert "Ma version" in older.inner_text()
    page.wait_for_timeout(4000)  # more than one autosave interval
    meeting.refresh_from_db()
    assert meeting.minutes == "Version de Gwen"
    shot(page, "06c-minutes-older-copy")
    older.get_by_role("button", name="Reprendre mon texte").click()
    assert page.locator("#id_text").input_value() == "Ma version"
    page.get_by_text(re.compile("l’enregistrement automatique est suspendu")).wait_for(timeout=10000)
    meeting.refresh_from_db()
    assert meeting.minutes == "Version de Gwen"  # replacing it takes “Save the draft”, then the comparison


def test_it_updates_the_minutes_status_as_soon_as_a_draft_is_saved(
    page, live_server, browser_login, coordinatrice, mixite
):
    starts = dt.datetime(2027, 2, 9, 9, 30, tzinfo=planning_services.PARIS)
    meeting = planning_services.create_meeting(
        group=mixite, title="", starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )
    browser_login(page, coordinatrice)
    page.goto(f"/meetings/{meeting.pk}/minutes/")
    badge = page.locator("#minutes-badge")
    assert badge.inner_text() == "Pas commencé"
    page.fill("#id_text", "Premiers mots")
    page.locator("#id_text").dispatch_event("input")
    page.get_by_text(re.compile("Brouillon enregistré à")).wait_for(timeout=10000)
    assert badge.inner_text() == "Brouillon"


def test_it_lets_a_member_answer_and_read_their_agenda_on_a_phone(
    phone_page, live_server, browser_login, axe, membre, coordinatrice, mixite
):
    page = phone_page
    starts = dt.datetime.now(tz=planning_services.PARIS).replace(
        hour=9, minute=30, second=0, microsecond=0
    ) + dt.timedelta(days=5)
    meeting = planning_services.create_meeting(
        group=mixite,
        title="",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        place="Maison de l'emploi, Rennes",
    )
    agenda_services.add_agenda_item(
        meeting=meeting,
        title="Forum des métiers",
        duration_minutes=30,
        presenter=coordinatrice.contact,
        lever="sensibiliser",
    )
    agenda_services.publish_agenda(meeting)
    action_services.create_action(
        group=mixite,
        title="Préparer le forum",
        owner=membre.contact,
        due_date=timezone.localdate() + dt.timedelta(days=7),
    )
    browser_login(page, membre)

    page.goto(meeting.get_absolute_url())
    axe(page)
    page.get_by_role("button", name="Je viendrai").click()
    page.get_by_text(f"Votre réponse à « Mixité des métiers – {meeting.title} » est enregistrée : Oui.").wait_for()
    assert Attendance.objects.get(meeting=meeting, contact=membre.contact).answer == "yes"
    shot(page, "08-phone-meeting")

    page.goto("/my/agenda/")
    axe(page)
    page.get_by_text("Ordre du jour (2 points)").click()
    assert page.get_by_text("Forum des métiers").is_visible()
    assert page.get_by_text("Préparer le forum").is_visible()
    feed = page.locator("#feed-url")
    assert feed.input_value().endswith(f"/calendar/{membre.contact.feed_token}.ics")
    # The whole address is visible, wrapped: the field is not scrolled sideways.
    assert feed.evaluate("f => f.scrollWidth <= f.clientWidth && f.scrollHeight <= f.clientHeight")
    subscribe = page.get_by_role("link", name="S’abonner dans mon agenda")
    assert subscribe.get_attribute("href").startswith("webcal://")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copier l’adresse").click()
    page.get_by_text("Adresse copiée.").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="Peut-être").click()
    page.get_by_text(
        f"Votre réponse à « Mixité des métiers – {meeting.title} » est enregistrée : Peut-être."
    ).wait_for()
    assert page.url.endswith(f"/my/agenda/#meeting-{meeting.pk}")
    # The page came back to the meeting answered, not to its top.
    assert page.evaluate("window.scrollY") > 0
    assert page.locator(f"#meeting-{meeting.pk}").evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight; }"
    )
    axe(page)
    shot(page, "09-phone-my-agenda")

    # The actions, one card each: nothing cut at the right, no table on a phone.
    for number in range(6):
        action_services.create_action(
            group=mixite,
            title=f"Action numéro {number} avec un titre assez long pour passer à la ligne",
            owner=coordinatrice.contact,
            due_date=dt.date(2024, 3, 1),
        )
    page.goto("/actions/")
    axe(page)
    cards = page.locator(".wk-action-cards > li")
    assert cards.count() == 7
    assert not page.locator("table").is_visible()
    first = cards.first.inner_text()
    assert "1 mars 2024" in first and "en retard" in first and "Claire Le Gall" in first and "À faire" in first
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "10-phone-actions")


def test_it_completes_an_empty_register_and_warns_a_crowded_plan(
    page, live_server, browser_login, axe, coordinatrice, membre, mixite
):
    starts = dt.datetime.now(tz=planning_services.PARIS).replace(
        hour=9, minute=30, second=0, microsecond=0
    ) - dt.timedelta(days=3)
    meeting = planning_services.create_meeting(
        group=mixite, title="", starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )
    guest = ContactFactory(first_name="Maëlle", last_name="Invitée", email="maelle@example.org")
    browser_login(page, coordinatrice)

    # A held meeting reads as a record: attendance, minutes first, nothing to cancel.
    page.goto(meeting.get_absolute_url())
    assert page.get_by_role("heading", name="Présences").is_visible()
    assert not page.get_by_role("link", name="Annuler la réunion").count()
    axe(page)
    shot(page, "11-past-meeting")

    page.goto(f"/meetings/{meeting.pk}/attendance/")
    assert page.locator("tbody th[scope=row]").count() == 2  # the members of the day, nothing written
    page.get_by_label("Nom ou organisme du contact").fill("invitée")
    page.get_by_role("button", name="Rechercher").click()
    axe(page)
    page.get_by_role("button", name="Ajouter – Maëlle Invitée").click()
    page.get_by_text("Maëlle Invitée a été ajouté·e au registre.").wait_for()
    assert page.locator("tbody th[scope=row]").count() == 3
    axe(page)
    shot(page, "12-register-completed")
    assert set(meeting.attendances.values_list("contact_id", flat=True)) == {guest.pk}

    # A plan crowding a year the group already meets in.
    day = dt.date(2027, 3, 2)
    planning_services.create_meeting(
        group=mixite,
        title="",
        starts_at=planning_services.paris_datetime(day, dt.time(14)),
        ends_at=planning_services.paris_datetime(day, dt.time(16)),
    )
    page.goto("/groups/mixite/plan/")
    page.select_option("#id_start_month", "1")
    page.select_option("#id_start_year", "2027")
    page.fill("#id_count", "6")
    page.get_by_role("button", name="Prévisualiser les dates").click()
    page.get_by_text("À vérifier avant de créer :").wait_for()
    assert page.get_by_text("2027 compterait 7 réunions pour un objectif de 6 par an (déjà prévues : 1).").is_visible()
    assert page.get_by_text("proche de la réunion du mardi 2 mars 2027").is_visible()
    axe(page)
    shot(page, "13-plan-warnings")


SELECTED_TEXT_ROOM = """(select) => {
    const style = getComputedStyle(select);
    const probe = document.createElement("span");
    probe.style.font = style.font;
    probe.style.whiteSpace = "pre";
    probe.textContent = select.options[select.selectedIndex].text;
    document.body.appendChild(probe);
    const needed = probe.getBoundingClientRect().width;
    probe.remove();
    return [needed, select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)];
}"""


@pytest.mark.parametrize("width", [1280, 992, 375])
def test_it_shows_the_whole_status_of_the_actions_filter(page, live_server, browser_login, axe, coordinatrice, width):
    page.set_viewport_size({"width": width, "height": 800})
    browser_login(page, coordinatrice)
    page.goto("/actions/")
    axe(page)
    needed, room = page.locator("select[name=status]").evaluate(SELECTED_TEXT_ROOM)
    assert page.locator("select[name=status] option:checked").inner_text() == "Ouvertes (à faire ou en cours)"
    assert needed <= room
    assert page.get_by_role("button", name="Filtrer", exact=True).is_visible()
    shot(page, f"11-actions-filters-{width}")


def test_it_records_a_colleague_from_the_directory_standing_in(
    page, live_server, browser_login, axe, coordinatrice, membre, mixite, departement
):
    ContactFactory(organisation=departement, first_name="Pierre", last_name="Lemoine")
    starts = dt.datetime.now(tz=planning_services.PARIS).replace(microsecond=0) - dt.timedelta(hours=1)
    meeting = planning_services.create_meeting(
        group=mixite, title="", starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )
    browser_login(page, coordinatrice)
    page.goto(f"/meetings/{meeting.pk}/attendance/")
    yann = page.get_by_role("row", name=re.compile("Yann Morvan"))
    yann.get_by_label("Excusé·e").check()
    page.get_by_label("Yann Morvan représenté·e par").select_option(label="Pierre Lemoine")
    page.get_by_role("button", name="Enregistrer le registre").click()
    page.get_by_text("Registre des présences enregistré.").wait_for()
    assert page.get_by_text("représenté·e par Pierre Lemoine").count() >= 1
    page.goto(f"/meetings/{meeting.pk}/attendance/")
    axe(page)
    assert page.get_by_label("Yann Morvan représenté·e par").input_value() != ""
    assert page.get_by_role("rowheader", name=re.compile("Pierre Lemoine")).count() == 0  # no line of his own
    assert page.get_by_role("rowheader", name=re.compile("Yann Morvan")).count() == 1
    shot(page, "12-attendance-with-a-substitute")

"""The meeting pages after a first-time user's trial: what a person sees on each of them."""

import datetime as dt
import re
from html import unescape

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import COORDINATOR_PAGE, ROLES, meeting_of, record
from meetings.minutes import services as minutes_services
from meetings.models import Attendance, Meeting
from meetings.planning import services as planning_services
from meetings.tests.factories import ActionFactory
from stakeholders.tests.factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def text_of(response):
    """The page as a person reads it: tags dropped, entities decoded, spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def past(mixite, coordinatrice, membre):
    return meeting_of(mixite, days=-3)


@pytest.fixture
def upcoming(mixite, coordinatrice, membre):
    return meeting_of(mixite, days=10)


# --- 1. What took place cannot be cancelled ---------------------------------------------


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


# --- 2. Multi-day events ------------------------------------------------------------------------


def event(group, start, end):
    return planning_services.create_meeting(
        group=group,
        title="Semaine de la mixité des métiers",
        kind=Meeting.Kind.EVENT,
        starts_at=planning_services.paris_datetime(start, dt.time(9)),
        ends_at=planning_services.paris_datetime(end, dt.time(17)),
    )


def test_it_shows_a_week_long_event_as_a_span_of_days(client, membre, mixite):
    week = event(mixite, dt.date(2027, 1, 25), dt.date(2027, 1, 29))
    client.force_login(membre)
    page = text_of(client.get(week.get_absolute_url()))
    assert "du lundi 25 au vendredi 29 janvier 2027" in page
    assert "lundi 25 janvier 2027, 9h00" not in page
    # The home page shares the partial.
    assert "du lundi 25 au vendredi 29 janvier 2027" in text_of(client.get("/"))
    assert "du lundi 25 au vendredi 29 janvier 2027" in text_of(client.get("/my/agenda/"))


def test_it_names_both_months_or_both_years_when_the_span_crosses_them(client, membre, mixite):
    event(mixite, dt.date(2027, 3, 29), dt.date(2027, 4, 2))
    event(mixite, dt.date(2027, 12, 30), dt.date(2028, 1, 3))
    client.force_login(membre)
    page = text_of(client.get("/my/agenda/"))
    assert "du lundi 29 mars au vendredi 2 avril 2027" in page
    assert "du jeudi 30 décembre 2027 au lundi 3 janvier 2028" in page


def test_it_keeps_one_day_with_its_hours(client, membre, mixite):
    day = dt.date(2027, 2, 9)
    meeting = planning_services.create_meeting(
        group=mixite,
        title="",
        starts_at=planning_services.paris_datetime(day, dt.time(9, 30)),
        ends_at=planning_services.paris_datetime(day, dt.time(12)),
    )
    client.force_login(membre)
    assert "mardi 9 février 2027, 9h30–12h00" in text_of(client.get(meeting.get_absolute_url()))


# --- 5. Minutes: a draft without placeholders, a confirmation before sending ----------------------


def test_it_leaves_empty_sections_out_of_the_draft(past):
    past.agenda_items.all().delete()
    draft = minutes_services.draft_minutes(past)
    for gone in ["Présences", "Ordre du jour", "Décisions", "pas encore été rempli", "aucune décision", "(notes)"]:
        assert gone not in draft


def test_it_marks_agenda_items_left_to_write(past, membre):
    record(past, membre.contact, presence="present")
    ActionFactory(group=past.group, meeting=past, owner=membre.contact, title="Tourner trois vidéos")
    draft = minutes_services.draft_minutes(past)
    assert "## Présences" in draft and "## Ordre du jour" in draft and "## Décisions" in draft
    assert "### 1. Suivi des actions\n\n[à compléter]" in draft
    assert minutes_services.minutes_placeholders(draft) == ["[à compléter]"]


def test_it_asks_for_confirmation_listing_who_will_receive_the_minutes(client, coordinatrice, membre, past):
    minutes_services.save_minutes(past, text="## Présences\n\nTout le monde.")
    client.force_login(coordinatrice)
    minutes_page = client.get(f"/meetings/{past.pk}/minutes/").content.decode()
    assert f'href="/meetings/{past.pk}/minutes/send/"' in minutes_page
    page = text_of(client.get(f"/meetings/{past.pk}/minutes/send/"))
    assert "2 personnes le recevront" in page
    assert membre.contact.full_name in page and coordinatrice.contact.full_name in page
    assert membre.email in page
    assert "Confirmer l’envoi à 2 personnes" in page
    assert "à remplacer" not in page
    assert mail.outbox == []
    past.refresh_from_db()
    assert past.minutes_status == Meeting.MinutesStatus.DRAFT


def test_it_warns_before_sending_minutes_with_the_draft_markers(client, coordinatrice, past):
    minutes_services.save_minutes(past, text=minutes_services.draft_minutes(past))
    client.force_login(coordinatrice)
    page = text_of(client.get(f"/meetings/{past.pk}/minutes/send/"))
    assert "Le compte rendu contient encore du texte du brouillon généré, à remplacer" in page
    assert "« [à compléter] »" in page
    assert "Envoyer quand même" in page


def test_it_warns_about_the_placeholders_of_older_drafts(client, coordinatrice, past):
    minutes_services.save_minutes(past, text="## Décisions\n\n(aucune décision enregistrée)\n- Une décision")
    client.force_login(coordinatrice)
    assert "« (aucune décision enregistrée) »" in text_of(client.get(f"/meetings/{past.pk}/minutes/send/"))


def test_it_sends_nothing_from_the_confirmation_page_of_empty_minutes(client, coordinatrice, past):
    client.force_login(coordinatrice)
    response = client.get(f"/meetings/{past.pk}/minutes/send/")
    assert response.status_code == 302 and response["Location"] == f"/meetings/{past.pk}/minutes/"


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_the_send_confirmation_only_to_coordinators(client, as_role, past, role):
    minutes_services.save_minutes(past, text="Texte.")
    as_role(role)
    assert client.get(f"/meetings/{past.pk}/minutes/send/").status_code == COORDINATOR_PAGE[role]


# --- 7. An empty register can be completed ------------------------------------------------------


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
    as_role(role)
    response = client.post(f"/meetings/{empty_past.pk}/attendance/", {"guest": guest.pk})
    expected = COORDINATOR_PAGE[role]
    assert response.status_code == (302 if expected == 200 else expected)
    assert empty_past.attendances.filter(contact=guest).exists() == (expected == 200)


# --- 10 and 16. The actions page ------------------------------------------------------------------


def test_it_opens_the_actions_on_the_open_ones_overdue_first(client, coordinatrice, mixite):
    today = timezone.localdate()
    ActionFactory(
        group=mixite, owner=coordinatrice.contact, title="Finie en 2024", status="done", due_date=dt.date(2024, 3, 1)
    )
    ActionFactory(group=mixite, owner=coordinatrice.contact, title="Plus tard", due_date=today + dt.timedelta(days=30))
    ActionFactory(group=mixite, owner=coordinatrice.contact, title="En retard", due_date=dt.date(2024, 3, 1))
    client.force_login(coordinatrice)
    html = client.get("/actions/").content.decode()
    assert "Finie en 2024" not in html
    assert html.index("En retard") < html.index("Plus tard")
    assert re.search(r'<option value="open" selected>Ouvertes', html)
    assert '<option value="">Toutes</option>' in html
    page = text_of(client.get("/actions/"))
    assert "1 mars 2024" in page and "1 Mar 2024" not in page and "Mars 2024" not in page
    everything = client.get("/actions/", {"status": ""}).content.decode()
    assert "Finie en 2024" in everything
    assert everything.index("En retard") < everything.index("Plus tard") < everything.index("Finie en 2024")


def test_it_labels_the_filters_in_french(client, coordinatrice, mixite):
    client.force_login(coordinatrice)
    html = client.get("/actions/", {"group": mixite.pk}).content.decode()
    assert "---------" not in html
    assert re.search(r'<select name="group"[^>]*>\s*<option value="">Tous</option>', html)
    assert re.search(r'<select name="owner"[^>]*>\s*<option value=""( selected)?>Tous</option>', html)
    assert ">Filtrer</button>" in html


def test_it_shows_each_action_as_a_card_on_phones(client, coordinatrice, mixite):
    ActionFactory(group=mixite, owner=coordinatrice.contact, title="Tourner trois vidéos", due_date=dt.date(2027, 3, 1))
    client.force_login(coordinatrice)
    html = client.get("/actions/").content.decode()
    cards = html.split('<ul class="list-unstyled d-md-none wk-action-cards">', 1)[1].split("</ul>", 1)[0]
    card = " ".join(unescape(re.sub(r"<[^>]+>", " ", cards)).split())
    for fact in [
        "Tourner trois vidéos",
        "Groupe Mixité des métiers",
        "Responsable Claire Le Gall",
        "Échéance 1 mars 2027",
        "Statut À faire",
    ]:
        assert fact in card
    assert '<div class="table-responsive d-none d-md-block">' in html


# --- 11. Planning the year warns before creating -----------------------------------------------


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
    "place": "",
    "video_url": "",
}


def test_it_warns_about_dates_close_to_an_existing_meeting(client, coordinatrice, mixite):
    planning_services.create_meeting(
        group=mixite,
        title="Réunion n°1",
        starts_at=planning_services.paris_datetime(dt.date(2027, 3, 2), dt.time(14)),
        ends_at=planning_services.paris_datetime(dt.date(2027, 3, 2), dt.time(16)),
    )
    client.force_login(coordinatrice)
    page = text_of(client.post("/groups/mixite/plan/", {**PATTERN, "preview": "1"}))
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
    page = text_of(client.post("/groups/mixite/plan/", {**PATTERN, "preview": "1"}))
    assert "2027 compterait 9 réunions pour un objectif de 6 par an (déjà prévues : 3)." in page


def test_it_does_not_warn_a_plan_that_fits(client, coordinatrice, mixite):
    client.force_login(coordinatrice)
    page = text_of(client.post("/groups/mixite/plan/", {**PATTERN, "preview": "1"}))
    assert "mardi 12 janvier 2027" in page and "À vérifier avant de créer" not in page


def test_it_chooses_the_first_month_with_two_selects(client, coordinatrice):
    client.force_login(coordinatrice)
    html = client.get("/groups/mixite/plan/").content.decode()
    assert 'type="month"' not in html
    assert re.search(r'<select name="start_month"', html) and re.search(r'<select name="start_year"', html)
    assert ">janvier</option>" in html
    page = text_of(client.post("/groups/mixite/plan/", {**PATTERN, "start_year": "1999", "preview": "1"}))
    assert "Choisissez une année dans la liste." in page


# --- 12. A past meeting's page ------------------------------------------------------------------


def test_it_shows_a_past_meeting_as_a_record(client, coordinatrice, past):
    client.force_login(coordinatrice)
    html = client.get(past.get_absolute_url()).content.decode()
    page = text_of(client.get(past.get_absolute_url()))
    assert re.search(r'<h2 id="attendance-heading" class="h4">Présences</h2>', html)
    assert "Qui vient" not in page
    assert re.search(r'class="btn btn-sm btn-primary" href="/meetings/\d+/minutes/">Compte rendu<', html)
    assert "Ajouter à mon agenda" not in page and "Annuler la réunion" not in page


def test_it_keeps_the_upcoming_meeting_page_as_it_was(client, coordinatrice, upcoming):
    client.force_login(coordinatrice)
    page = text_of(client.get(upcoming.get_absolute_url()))
    assert "Qui vient" in page and "Ajouter à mon agenda" in page and "Annuler la réunion" in page


# --- 14 and 15. Adoption select, organisation words ----------------------------------------------


def test_it_styles_the_adoption_select(client, coordinatrice, mixite):
    first = meeting_of(mixite, days=-40)
    meeting_of(mixite, days=-5)
    minutes_services.save_minutes(first, text="Texte.")
    minutes_services.send_minutes(first)
    client.force_login(coordinatrice)
    html = client.get(f"/meetings/{first.pk}/minutes/").content.decode()
    assert re.search(r'<select name="adopted_in" class="form-select"', html)


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


# --- 17. My agenda ------------------------------------------------------------------------------


def test_it_comes_back_to_the_meeting_answered_and_names_it(client, membre, upcoming):
    client.force_login(membre)
    html = client.get("/my/agenda/").content.decode()
    assert f'name="next" value="/my/agenda/#meeting-{upcoming.pk}"' in html
    assert f'id="meeting-{upcoming.pk}"' in html
    response = client.post(
        f"/meetings/{upcoming.pk}/answer/", {"answer": "yes", "next": f"/my/agenda/#meeting-{upcoming.pk}"}
    )
    assert response["Location"] == f"/my/agenda/#meeting-{upcoming.pk}"
    page = text_of(client.get(response["Location"]))
    assert f"Votre réponse à « Mixité des métiers – {upcoming.title} » est enregistrée : Oui." in page


def test_it_shows_the_whole_feed_address_to_copy_or_subscribe(client, membre):
    client.force_login(membre)
    html = client.get("/my/agenda/").content.decode()
    token = membre.contact.feed_token
    # Built from SITE_URL, like every link that leaves the site (the request's host may be a proxy's).
    site = settings.SITE_URL
    assert re.search(rf'<textarea id="feed-url"[^>]*readonly>{re.escape(site)}/calendar/{token}\.ics</textarea>', html)
    assert f'href="webcal://{site.split("://")[1]}/calendar/{token}.ics">S’abonner dans mon agenda</a>' in html
    assert "Copier l’adresse" in html and "meetings/copy-feed" in html

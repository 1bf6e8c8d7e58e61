"""The date poll journey in a real browser (Chromium), with axe-core on every poll page.

The coordinator makes a poll; membre answers logged in; a partner without a login answers from
the link in the mail file, on a phone; the coordinator reads the grid and closes the poll: the
meeting exists and the closing notice with its .ics is in the mail folder.
"""

import datetime as dt
import email
import os
import re
from email import policy
from pathlib import Path

import pytest

from meetings.models import Meeting
from meetings.notices import dispatch
from polls.models import Poll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.getenv("WEKKER_SCREENSHOTS", "/tmp/wekker-screenshots")) / "polls"
YEAR = dt.datetime.now(tz=dt.UTC).year + 1


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def mails_in(folder):
    """Every message the file backend wrote, parsed."""
    messages = []
    for path in sorted(Path(folder).glob("*.log")):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                messages.append(email.message_from_string(chunk.strip() + "\n", policy=policy.default))
    return messages


def text_body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def mail_folder(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    return tmp_path / "mail"


def test_it_runs_a_date_poll_from_creation_to_the_meeting(
    chromium, page, phone_page, live_server, browser_login, axe, coordinatrice, membre, partner, mail_folder
):
    # The coordinator makes a poll from the group page, with the quick entry.
    browser_login(page, coordinatrice)
    page.goto("/groups/mixite/")
    page.get_by_role("link", name="Nouveau sondage de dates").click()
    axe(page)
    page.fill("#id_title", "Réunion de rentrée")
    page.get_by_label("Mardi").check()
    page.get_by_label("Jeudi").check()
    page.fill("#id_quick-year", str(YEAR))
    page.fill("#id_quick-first_week", "3")
    page.fill("#id_quick-last_week", "4")
    page.fill("#id_quick-start_time", "09:30")
    page.fill("#id_quick-end_time", "12:00")
    page.get_by_role("button", name="Ajouter ces dates").click()
    page.wait_for_load_state()
    assert len(page.input_value("#id_slots").splitlines()) == 4
    page.fill("#id_deadline", f"{YEAR}-01-05")
    page.fill("#id_place", "Maison de l'emploi, Rennes")
    page.select_option("#id_guests", label="Rozenn Le Bihan (Région Bretagne)")
    axe(page)
    shot(page, "01-new-poll")
    page.get_by_role("button", name="Créer le sondage et inviter").click()
    page.get_by_text("Sondage de dates créé").wait_for()
    poll = Poll.objects.get()
    assert poll.options.count() == 4 and poll.invitees.count() == 3
    axe(page)

    # The invitations go out; the partner opens the link of their mail, on a phone, with no login.
    dispatch.dispatch_due()
    to_partner = [m for m in mails_in(mail_folder) if m["To"] == partner.email]
    assert len(to_partner) == 1
    link = re.search(r"http://\S+/polls/answer/\S+/", text_body(to_partner[0])).group(0)
    phone_page.goto(link.split("127.0.0.1:8000", 1)[1])
    phone_page.get_by_role("heading", name="Mixité des métiers – Réunion de rentrée").wait_for()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    axe(phone_page)
    shot(phone_page, "02-answer-page-375px")
    options = list(poll.options.order_by("starts_at"))
    for option, label in zip(options, ["Oui", "Si nécessaire", "Non", "Oui"], strict=True):
        phone_page.locator(f"label[for=id_o{option.pk}_{['Oui', 'Si nécessaire', 'Non'].index(label)}]").click()
    phone_page.fill("#id_comment", "Le mardi de préférence.")
    phone_page.get_by_role("button", name="Enregistrer mes réponses").click()
    phone_page.get_by_text("Merci : vos réponses sont enregistrées.").wait_for()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    axe(phone_page)
    shot(phone_page, "03-answer-recorded-375px")

    # membre answers logged in, on the poll page.
    context = chromium.new_context(locale="fr-FR", timezone_id="Europe/Paris", base_url=live_server.url)
    member_page = context.new_page()
    browser_login(member_page, membre)
    member_page.goto(f"/polls/{poll.pk}/")
    axe(member_page)
    for option, index in zip(options, [0, 0, 1, 2], strict=True):
        member_page.locator(f"label[for=id_o{option.pk}_{index}]").click()
    member_page.get_by_role("button", name="Enregistrer mes réponses").click()
    member_page.get_by_text("Vos réponses sont enregistrées.").wait_for()
    axe(member_page)
    context.close()

    # The coordinator reads the grid and closes the poll on the best date.
    page.goto(f"/polls/{poll.pk}/")
    page.get_by_text("Réponses (2 personnes sur 3)").wait_for()
    axe(page)
    shot(page, "04-grid")
    best = options[0]
    page.get_by_role("button", name=re.compile(r"^Retenir cette date")).first.click()
    page.get_by_text("Sondage clos : la réunion du").wait_for()
    axe(page)
    shot(page, "05-closed")
    meeting = Meeting.objects.get(group__slug="mixite")
    assert (meeting.starts_at, meeting.title) == (best.starts_at, "Réunion de rentrée")
    page.get_by_role("link", name="Ouvrir la réunion").click()
    page.wait_for_url(f"**/meetings/{meeting.pk}/")

    # Everyone asked is told, with the meeting's .ics.
    dispatch.dispatch_due()
    closing = [m for m in mails_in(mail_folder) if str(m["Subject"]).strip().startswith("Date retenue")]
    assert sorted(m["To"] for m in closing) == sorted([coordinatrice.email, membre.email, partner.email])
    attachments = [part for part in closing[0].iter_attachments() if part.get_content_type() == "text/calendar"]
    assert len(attachments) == 1 and "BEGIN:VEVENT" in attachments[0].get_content()


def test_it_shows_a_grid_of_40_people_and_15_dates_that_scrolls_inside_its_box(
    page, phone_page, browser_login, axe, mixite, coordinatrice, membre
):
    from conftest import members
    from polls import services
    from polls.tests.conftest import slots

    crowd = members(mixite, 38)
    poll = services.create_poll(group=mixite, title="Réunion de rentrée", slots=slots(15))
    option_ids = list(poll.options.values_list("pk", flat=True))
    for n, person in enumerate([*crowd, membre.contact]):
        if n % 7 == 6:
            continue  # a few have not answered
        values = [("yes", "maybe", "no")[(n * d + d) % 3] for d in range(15)]
        services.record_answers(poll.invitees.get(contact=person), dict(zip(option_ids, values, strict=True)))
    browser_login(page, coordinatrice)
    page.goto(f"/polls/{poll.pk}/")
    axe(page)
    shot(page, "06-grid-40x15")
    browser_login(phone_page, coordinatrice)
    phone_page.goto(f"/polls/{poll.pk}/")
    shot(phone_page, "07-grid-40x15-375px")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375


def test_it_shows_the_dates_in_the_readers_own_time_too(chromium, live_server, poll, partner):
    from polls.signing import answer_token

    context = chromium.new_context(locale="fr-FR", timezone_id="America/Cayenne", base_url=live_server.url)
    page = context.new_page()
    page.goto(f"/polls/answer/{answer_token(poll.pk, partner.pk)}/")
    legend = page.locator("fieldset legend").first
    legend.locator("span").wait_for()
    # 9:30 in Paris is 5:30 in Cayenne (UTC−3) in winter, 4:30 in summer.
    assert "9h30–12h00" in legend.inner_text()
    assert re.search(r"0[45]:30", legend.locator("span").inner_text())
    context.close()

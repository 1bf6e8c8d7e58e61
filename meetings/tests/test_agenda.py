import pytest

from conftest import COORDINATORS_OF_MIXITE, ROLES, check, meeting_of, posted
from meetings.agenda import services as agenda_services
from meetings.models import AgendaItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(mixite, coordinatrice, membre):
    return meeting_of(mixite, hours=1)


def titles(meeting):
    return list(meeting.agenda_items.order_by("position").values_list("title", flat=True))


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_coordinators_build_the_agenda(client, as_role, meeting, role):
    item = meeting.agenda_items.get()
    agenda = f"/meetings/{meeting.pk}/agenda/"
    check(client, as_role, role, agenda, COORDINATORS_OF_MIXITE)
    check(client, as_role, role, f"{agenda}{item.pk}/edit/", COORDINATORS_OF_MIXITE)
    sent = posted(COORDINATORS_OF_MIXITE)
    check(client, as_role, role, agenda, sent, method="post", data={"title": "X", "duration_minutes": 5})
    check(client, as_role, role, f"{agenda}{item.pk}/move/", sent, method="post", data={"direction": "down"})
    check(client, as_role, role, f"{agenda}publish/", sent, method="post")
    meeting.refresh_from_db()
    assert (meeting.agenda_published_at is not None) == (COORDINATORS_OF_MIXITE[role] == 200)


def test_it_returns_404_for_an_item_of_another_meeting(client, coordinatrice, meeting, seniors):
    other = meeting_of(seniors)
    client.force_login(coordinatrice)
    item = other.agenda_items.get()
    assert client.get(f"/meetings/{meeting.pk}/agenda/{item.pk}/edit/").status_code == 404
    assert client.post(f"/meetings/{meeting.pk}/agenda/{item.pk}/delete/").status_code == 404
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_it_adds_items_with_a_presenter_and_a_lever(client, coordinatrice, membre, meeting):
    client.force_login(coordinatrice)
    response = client.post(
        f"/meetings/{meeting.pk}/agenda/",
        {
            "title": "Vidéos de rôles modèles",
            "duration_minutes": 30,
            "presenter": membre.contact.pk,
            "lever": "roles_modeles",
            "description": "",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Point ajouté à l’ordre du jour." in html
    assert "Vidéos de rôles modèles" in html and "Rôles modèles" in html and "Yann Morvan" in html
    assert titles(meeting) == ["Suivi des actions", "Vidéos de rôles modèles"]


def test_it_refuses_a_presenter_outside_the_group(client, coordinatrice, meeting, other_coordinator):
    client.force_login(coordinatrice)
    response = client.post(
        f"/meetings/{meeting.pk}/agenda/",
        {"title": "Intrus", "duration_minutes": 30, "presenter": other_coordinator.contact.pk},
    )
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert titles(meeting) == ["Suivi des actions"]


def test_it_reorders_items_with_up_and_down_buttons(client, coordinatrice, meeting):
    for title in ["Forum des métiers", "Semaine de la mixité"]:
        agenda_services.add_agenda_item(meeting=meeting, title=title, duration_minutes=10)
    client.force_login(coordinatrice)
    last = meeting.agenda_items.get(title="Semaine de la mixité")
    response = client.post(f"/meetings/{meeting.pk}/agenda/{last.pk}/move/", {"direction": "up"})
    assert response.status_code == 302 and response["Location"].endswith(f"#item-{last.pk}")
    assert titles(meeting) == ["Suivi des actions", "Semaine de la mixité", "Forum des métiers"]
    first = meeting.agenda_items.get(title="Suivi des actions")
    client.post(f"/meetings/{meeting.pk}/agenda/{first.pk}/move/", {"direction": "up"})  # already first
    client.post(f"/meetings/{meeting.pk}/agenda/{first.pk}/move/", {"direction": "down"})
    assert titles(meeting) == ["Semaine de la mixité", "Suivi des actions", "Forum des métiers"]


def test_it_warns_when_the_agenda_is_longer_than_the_meeting(client, coordinatrice, meeting):
    agenda_services.add_agenda_item(meeting=meeting, title="Long débat", duration_minutes=50)
    client.force_login(coordinatrice)
    html = client.get(f"/meetings/{meeting.pk}/agenda/").content.decode()
    assert "Total : 65 min pour une réunion de 60 min." in html
    assert "L’ordre du jour dépasse la durée de la réunion." in html


def test_it_removes_an_item_and_renumbers(client, coordinatrice, meeting):
    item = agenda_services.add_agenda_item(meeting=meeting, title="À retirer", duration_minutes=5)
    agenda_services.add_agenda_item(meeting=meeting, title="Reste", duration_minutes=5)
    client.force_login(coordinatrice)
    client.post(f"/meetings/{meeting.pk}/agenda/{item.pk}/delete/")
    assert list(meeting.agenda_items.values_list("position", flat=True)) == [1, 2]


def test_it_publishes_the_agenda_to_members(client, coordinatrice, membre, meeting):
    agenda_services.add_agenda_item(meeting=meeting, title="Bilan du forum", duration_minutes=5)
    client.force_login(coordinatrice)
    response = client.post(f"/meetings/{meeting.pk}/agenda/publish/", follow=True)
    assert "Ordre du jour publié : les membres peuvent le voir." in response.content.decode()
    client.force_login(membre)
    assert "Bilan du forum" in client.get(meeting.get_absolute_url()).content.decode()


def test_it_rejects_a_bad_duration_in_french(client, coordinatrice, meeting):
    client.force_login(coordinatrice)
    html = client.post(f"/meetings/{meeting.pk}/agenda/", {"title": "X", "duration_minutes": 5000}).content.decode()
    assert "Assurez-vous que cette valeur est inférieure ou égale à 600." in html
    assert titles(meeting) == ["Suivi des actions"]


def test_it_neutralises_scripts_in_agenda_items(client, coordinatrice, meeting):
    client.force_login(coordinatrice)
    client.post(
        f"/meetings/{meeting.pk}/agenda/",
        {"title": "<script>alert(1)</script>", "duration_minutes": 5, "description": "<script>alert(2)</script>"},
    )
    agenda_services.publish_agenda(meeting)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_gives_two_concurrent_additions_their_own_positions(mixite):
    """One addition is still in its transaction when the other starts: the second waits for
    the first instead of reading the same last position."""
    import threading

    from django.db import connection, transaction

    meeting = meeting_of(mixite, days=10)
    first_added, second_done = threading.Event(), threading.Event()

    def first():
        try:
            with transaction.atomic():
                agenda_services.add_agenda_item(meeting=meeting, title="Premier", duration_minutes=10)
                first_added.set()
                second_done.wait(timeout=1)  # the second blocks meanwhile (before the fix it finished)
        finally:
            connection.close()

    def second():
        try:
            first_added.wait(timeout=10)
            agenda_services.add_agenda_item(meeting=meeting, title="Second", duration_minutes=10)
            second_done.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    positions = sorted(meeting.agenda_items.values_list("position", flat=True))
    assert len(positions) == len(set(positions)), positions


def test_it_offers_the_groups_own_levers_for_an_item(client, coordinatrice, meeting):
    meeting.group.levers = ["Transports solidaires"]
    meeting.group.save()
    client.force_login(coordinatrice)
    html = client.get(f"/meetings/{meeting.pk}/agenda/").content.decode()
    assert "Transports solidaires" in html and "Rôles modèles" not in html
    data = {"title": "Covoiturage", "duration_minutes": 20, "presenter": "", "lever": "Transports solidaires"}
    client.post(f"/meetings/{meeting.pk}/agenda/", {**data, "description": ""})
    item = meeting.agenda_items.get(title="Covoiturage")
    assert (item.lever, item.lever_name) == ("autre", "Transports solidaires")
    assert item.lever_label == "Transports solidaires"
    edited = {**data, "title": "Covoiturage rural", "description": ""}
    client.post(f"/meetings/{meeting.pk}/agenda/{item.pk}/edit/", edited)
    item.refresh_from_db()
    assert (item.title, item.lever_name) == ("Covoiturage rural", "Transports solidaires")

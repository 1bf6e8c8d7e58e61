import datetime as dt
import re
from html import unescape

import pytest
from django.utils import timezone

from conftest import (
    COORDINATORS_OF_MIXITE,
    EVERYONE,
    MEMBERS_OF_MIXITE,
    ROLES,
    check,
    meeting_of,
    members,
    posted,
    text_of,
)
from groups.models import Membership
from meetings.models import Action
from meetings.tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(mixite, membre):
    return ActionFactory(group=mixite, owner=membre.contact, title="Préparer le forum", lever="sensibiliser")


def new_action(owner, **extra):
    return {
        "title": "Tourner trois vidéos",
        "kind": "action",
        "owner": owner.pk if owner else "",
        "due_date": "2031-03-01",
        "lever": "roles_modeles",
        "status": "todo",
        "description": "",
        "progress": "",
        **extra,
    }


@pytest.mark.parametrize("role", ROLES)
def test_it_lists_only_the_actions_of_my_groups(client, as_role, action, seniors, other_coordinator, role):
    ActionFactory(group=seniors, owner=other_coordinator.contact, title="Action des seniors")
    response = check(client, as_role, role, "/actions/", EVERYONE)
    if response.status_code == 200:
        html = response.content.decode()
        assert ("Préparer le forum" in html) == (role in ("membre", "coordinatrice", "admin_user"))
        assert ("Action des seniors" in html) == (role in ("other_coordinator", "admin_user"))


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_an_action_to_its_group_only(client, as_role, action, coordinatrice, role):
    check(client, as_role, role, action.get_absolute_url(), MEMBERS_OF_MIXITE)


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_coordinators_create_and_edit_actions(client, as_role, mixite, action, coordinatrice, role):
    meeting = meeting_of(mixite)
    for url in ("/groups/mixite/actions/new/", f"/meetings/{meeting.pk}/actions/new/", f"/actions/{action.pk}/edit/"):
        check(client, as_role, role, url, COORDINATORS_OF_MIXITE)
    data = new_action(coordinatrice.contact)
    check(
        client, as_role, role, "/groups/mixite/actions/new/", posted(COORDINATORS_OF_MIXITE), method="post", data=data
    )
    assert Action.objects.filter(title="Tourner trois vidéos").exists() == (COORDINATORS_OF_MIXITE[role] == 200)


def test_it_lets_the_owner_update_status_and_progress(client, membre, action):
    client.force_login(membre)
    response = client.post(
        action.get_absolute_url(), {"status": "in_progress", "progress": "Salle réservée"}, follow=True
    )
    html = response.content.decode()
    assert "Action modifiée." in html and "Salle réservée" in html
    action.refresh_from_db()
    assert action.status == "in_progress"


def test_it_refuses_updates_from_a_member_who_does_not_own_it(client, mixite, coordinatrice, membre):
    action = ActionFactory(group=mixite, owner=coordinatrice.contact, status="todo")
    client.force_login(membre)
    html = client.get(action.get_absolute_url()).content.decode()
    assert "Mettre à jour le statut" not in html
    assert client.post(action.get_absolute_url(), {"status": "done", "progress": ""}).status_code == 403
    action.refresh_from_db()
    assert action.status == "todo"


def test_it_turns_a_decision_into_an_action(client, coordinatrice, membre, mixite):
    meeting = meeting_of(mixite)
    client.force_login(coordinatrice)
    html = client.get(f"/meetings/{meeting.pk}/actions/new/").content.decode()
    assert "Une décision prise en réunion devient une action : Mixité des métiers – " in html
    response = client.post(f"/meetings/{meeting.pk}/actions/new/", new_action(membre.contact), follow=True)
    assert "Action créée." in response.content.decode()
    action = Action.objects.get(title="Tourner trois vidéos")
    assert action.meeting == meeting and action.group == mixite and action.owner == membre.contact
    assert "Tourner trois vidéos" in response.content.decode()  # listed among the decisions


def test_it_refuses_an_action_without_an_owner(client, coordinatrice, mixite):
    client.force_login(coordinatrice)
    html = client.post("/groups/mixite/actions/new/", new_action(None)).content.decode()
    assert "Choisissez la personne responsable de cette action." in html
    assert not Action.objects.exists()


def test_it_refuses_an_owner_from_another_group(client, coordinatrice, other_coordinator):
    client.force_login(coordinatrice)
    html = client.post("/groups/mixite/actions/new/", new_action(other_coordinator.contact)).content.decode()
    assert "Sélectionnez un choix valide" in html
    assert not Action.objects.exists()


def test_it_neutralises_scripts_in_actions(client, coordinatrice, mixite):
    client.force_login(coordinatrice)
    client.post(
        "/groups/mixite/actions/new/",
        new_action(
            coordinatrice.contact,
            title="<script>alert(1)</script>",
            description="<script>alert(2)</script>",
            progress="<script>alert(3)</script>",
        ),
    )
    action = Action.objects.get()
    for url in ("/actions/", action.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_it_filters_by_group_owner_lever_status_and_overdue(client, coordinatrice, membre, mixite):
    today = timezone.localdate()
    ActionFactory(group=mixite, owner=membre.contact, title="En retard", due_date=today - dt.timedelta(days=3))
    ActionFactory(group=mixite, owner=coordinatrice.contact, title="Vidéos", lever="roles_modeles")
    ActionFactory(
        group=mixite, owner=coordinatrice.contact, title="Finie", status="done", due_date=today - dt.timedelta(days=30)
    )
    ActionFactory(group=mixite, owner=coordinatrice.contact, title="Semaine de la mixité", kind="event")
    client.force_login(coordinatrice)

    def shown(query):
        html = client.get("/actions/?" + query).content.decode()
        return {t for t in ["En retard", "Vidéos", "Finie", "Semaine de la mixité"] if f">{t}</a>" in html}

    # Without a status, the open actions; "Toutes" (an empty status) shows every one.
    assert shown("") == {"En retard", "Vidéos", "Semaine de la mixité"}
    assert shown("status=") == {"En retard", "Vidéos", "Finie", "Semaine de la mixité"}
    assert shown("overdue=on") == {"En retard"}
    assert shown(f"group={mixite.pk}&owner={membre.contact.pk}") == {"En retard"}
    assert shown("owner_name=morv") == {"En retard"}
    assert shown("owner_name=Yann Morvan") == {"En retard"}
    assert shown("lever=roles_modeles") == {"Vidéos"}
    assert shown("status=open") == {"En retard", "Vidéos", "Semaine de la mixité"}
    assert shown("status=done") == {"Finie"}
    assert shown("kind=event") == {"Semaine de la mixité"}
    assert shown(f"group={mixite.pk}&status=") == {"En retard", "Vidéos", "Finie", "Semaine de la mixité"}


def test_it_ignores_a_group_filter_for_a_group_i_cannot_see(client, membre, seniors, other_coordinator):
    ActionFactory(group=seniors, owner=other_coordinator.contact, title="Secret")
    client.force_login(membre)
    html = client.get(f"/actions/?group={seniors.pk}").content.decode()
    assert "Secret" not in html


def test_it_keeps_the_actions_list_query_count_constant(client, coordinatrice, mixite, django_assert_num_queries):
    client.force_login(coordinatrice)

    def grow(n):
        meeting = meeting_of(mixite)
        for contact in members(mixite, n):
            ActionFactory(group=mixite, owner=contact, meeting=meeting)

    grow(2)
    client.get("/actions/")
    # session, user, memberships, groups (filter choices), count (pagination),
    # actions + groups + owners + organisations + meetings, coordinated groups
    with django_assert_num_queries(7):
        client.get("/actions/?status=open")
    # ...and, a group chosen: that group (validating the filter), the group's owners (filter choices)
    with django_assert_num_queries(9):
        client.get(f"/actions/?status=open&group={mixite.pk}")
    grow(60)
    with django_assert_num_queries(7):
        response = client.get("/actions/?status=open")
    assert response.status_code == 200
    with django_assert_num_queries(9):
        client.get(f"/actions/?status=open&group={mixite.pk}")


def test_it_shows_50_actions_a_page_with_links_to_the_others(client, coordinatrice, mixite):
    for i in range(120):
        ActionFactory(group=mixite, owner=coordinatrice.contact, title=f"Action {i:03d}")
    client.force_login(coordinatrice)
    html = client.get("/actions/?status=open").content.decode()
    assert html.count('<tr>\n    <th scope="row"') == 50
    assert "120 actions · page 1 sur 3" in html
    assert '<nav aria-label="Pages des actions"' in html
    assert 'href="?status=open&amp;page=2"' in html and "Page suivante" in html
    assert 'aria-current="page"' in html
    page3 = client.get("/actions/?status=open&page=3").content.decode()
    assert page3.count('<tr>\n    <th scope="row"') == 20 and "Page précédente" in page3


def test_it_offers_owners_to_pick_only_once_a_group_is_chosen(
    client, coordinatrice, membre, mixite, seniors, other_coordinator
):
    ActionFactory(group=mixite, owner=membre.contact)
    ActionFactory(group=seniors, owner=other_coordinator.contact)
    client.force_login(coordinatrice)
    html = client.get("/actions/").content.decode()
    assert 'name="owner"' not in html and 'name="owner_name"' in html
    assert f'<option value="{seniors.pk}"' not in html and f'<option value="{mixite.pk}"' in html
    html = client.get(f"/actions/?group={mixite.pk}").content.decode()
    assert 'name="owner"' in html
    assert f'<option value="{membre.contact.pk}"' in html
    assert f'<option value="{other_coordinator.contact.pk}"' not in html


def test_it_offers_admins_their_own_groups_and_the_one_they_chose(client, admin_user, mixite, seniors):
    client.force_login(admin_user)
    html = client.get("/actions/").content.decode()
    # A national list of thousands of groups would be unusable: an admin comes from a group's page.
    assert f'<option value="{mixite.pk}"' not in html and f'<option value="{seniors.pk}"' not in html
    assert "Nouvelle action –" not in html
    html = client.get(f"/actions/?group={seniors.pk}").content.decode()
    assert f'<option value="{seniors.pk}" selected' in html


def test_it_does_not_offer_a_group_one_may_not_see(client, membre, mixite, seniors):
    client.force_login(membre)
    html = client.get(f"/actions/?group={seniors.pk}").content.decode()
    assert f'<option value="{seniors.pk}"' not in html


def test_it_lets_a_coordinator_edit_an_action_whose_owner_left(client, coordinatrice, membre, mixite, action):
    Membership.objects.filter(contact=membre.contact, group=mixite).update(
        left=timezone.localdate() - dt.timedelta(days=1)
    )
    client.force_login(coordinatrice)
    html = client.get(f"/actions/{action.pk}/edit/").content.decode()
    assert f'<option value="{membre.contact.pk}" selected' in html
    response = client.post(f"/actions/{action.pk}/edit/", new_action(membre.contact, title="Forum reporté"))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "Forum reporté" and action.owner == membre.contact
    # A person who left cannot be handed another group's action.
    other = ActionFactory(group=mixite, owner=coordinatrice.contact)
    client.post(f"/actions/{other.pk}/edit/", new_action(membre.contact, title="Détour"))
    other.refresh_from_db()
    assert other.owner == coordinatrice.contact


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_the_owner_and_coordinators_update_progress(client, as_role, action, coordinatrice, role):
    data = {"status": "done", "progress": "Fait"}
    check(client, as_role, role, action.get_absolute_url(), posted(MEMBERS_OF_MIXITE), method="post", data=data)
    action.refresh_from_db()
    assert (action.status == "done") == (role in ("membre", "coordinatrice", "admin_user"))


# --- The actions page -----------------------------------------------------------------------------


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
    assert 'class="card card-body mb-3 wk-filters"' in html  # the lists' one filter form, same words and layout


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


# --- A group's own levers ---------------------------------------------------------------------


def lever_options(html):
    select = html[html.index('name="lever"') :].split("</select>")[0]
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_it_offers_a_group_its_own_levers_and_keeps_the_networks_counts(client, coordinatrice, membre, mixite):
    mixite.levers = ["Permis de conduire", "Transports solidaires"]
    mixite.save()
    client.force_login(coordinatrice)
    html = client.get("/groups/mixite/actions/new/").content.decode()
    assert lever_options(html) == ["Permis de conduire", "Transports solidaires", "Autre"]
    response = client.post(
        "/groups/mixite/actions/new/", new_action(membre.contact, lever="Permis de conduire"), follow=True
    )
    assert "Permis de conduire" in response.content.decode()
    action = Action.objects.get(title="Tourner trois vidéos")
    assert (action.lever, action.lever_name) == ("autre", "Permis de conduire")  # the network counts it as “other”
    html = client.get("/groups/mixite/").content.decode()
    assert re.search(r"<h3[^>]*>Permis de conduire <span", html)
    html = client.get(f"/actions/{action.pk}/edit/").content.decode()
    assert re.search(r'<option value="Permis de conduire" selected>', html)
    client.post(f"/actions/{action.pk}/edit/", new_action(membre.contact, lever="autre"))
    action.refresh_from_db()
    assert (action.lever, action.lever_name) == ("autre", "")


def test_it_refuses_a_network_lever_to_a_group_with_its_own(client, coordinatrice, membre, mixite):
    mixite.levers = ["Permis de conduire"]
    mixite.save()
    client.force_login(coordinatrice)
    response = client.post("/groups/mixite/actions/new/", new_action(membre.contact, lever="roles_modeles"))
    assert response.status_code == 200 and "Sélectionnez un choix valide" in response.content.decode()
    assert not Action.objects.exists()


def test_it_keeps_a_network_lever_chosen_before_the_group_named_its_own(client, coordinatrice, membre, mixite):
    action = ActionFactory(group=mixite, owner=membre.contact, lever="roles_modeles", title="Vidéos")
    mixite.levers = ["Permis de conduire"]
    mixite.save()
    client.force_login(coordinatrice)
    html = client.get(f"/actions/{action.pk}/edit/").content.decode()
    assert lever_options(html) == ["Permis de conduire", "Rôles modèles", "Autre"]
    assert '<option value="roles_modeles" selected>' in html


def test_the_open_statuses_of_the_page_order_are_the_model_s():
    from meetings.models.action import OPEN_STATUSES

    assert set(OPEN_STATUSES) == {Action.Status.TODO, Action.Status.IN_PROGRESS}

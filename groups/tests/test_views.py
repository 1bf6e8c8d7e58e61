import datetime as dt

import pytest
from django.utils import timezone

from conftest import COORDINATORS, COORDINATORS_OF_MIXITE, EVERYONE, ROLES, check, posted, text_of
from groups.models import Membership, WorkingGroup
from groups.tests.factories import MembershipFactory, WorkingGroupFactory
from stakeholders.tests.factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
def test_it_lists_groups_for_every_logged_in_user(client, as_role, role, cast, mixite, seniors):
    response = check(client, as_role, role, "/groups/", EVERYONE)
    if role != "anonymous":
        html = response.content.decode()
        assert "Mixité des métiers" in html and "Emploi des seniors" in html
        assert "Claire Le Gall" in html  # the coordinator
        assert "Bretagne" in html


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_coordinators_and_admins_create_groups(client, as_role, role, cast):
    check(client, as_role, role, "/groups/new/", COORDINATORS)


@pytest.mark.parametrize("path", ["/groups/mixite/edit/", "/groups/mixite/members/"], ids=["edit", "members"])
@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_the_groups_coordinators_manage_it(client, as_role, role, cast, mixite, path):
    check(client, as_role, role, path, COORDINATORS_OF_MIXITE)


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_the_groups_coordinators_archive_it(client, as_role, role, cast, mixite):
    check(client, as_role, role, "/groups/mixite/archive/", posted(COORDINATORS_OF_MIXITE), method="post")
    mixite.refresh_from_db()
    assert mixite.is_archived is (role in ("coordinatrice", "admin_user"))


@pytest.mark.parametrize("action", ["", "end/", "rejoin/"])
@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_the_groups_coordinators_change_memberships(client, as_role, role, cast, mixite, membre, action):
    membership = membre.contact.memberships.get()
    url = f"/groups/mixite/members/{membership.pk}/{action}"
    if action in ("", "end/"):  # a form to fill, or a confirmation to give
        check(client, as_role, role, url, COORDINATORS_OF_MIXITE)
    if action != "":
        check(client, as_role, role, url, posted(COORDINATORS_OF_MIXITE), method="post")


def test_it_answers_404_for_a_membership_of_another_group(client, coordinatrice, other_coordinator):
    foreign = other_coordinator.contact.memberships.get()
    client.force_login(coordinatrice)
    assert client.get(f"/groups/mixite/members/{foreign.pk}/").status_code == 404
    assert client.post(f"/groups/mixite/members/{foreign.pk}/end/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.left is None


# --- The list -----------------------------------------------------------------


def test_it_hides_archived_groups_unless_asked(client, membre, mixite):
    WorkingGroupFactory(name="Ancien groupe mobilité", status=WorkingGroup.Status.ARCHIVED)
    client.force_login(membre)
    assert "Ancien groupe mobilité" not in client.get("/groups/").content.decode()
    html = client.get("/groups/?status=archived").content.decode()
    assert "Ancien groupe mobilité" in html and 'href="/groups/mixite/"' not in html
    html = client.get("/groups/?status=all").content.decode()
    assert "Ancien groupe mobilité" in html and "Mixité des métiers" in html
    assert "Archivé" in html


def test_it_filters_groups_by_theme_territory_and_text(client, membre, mixite, seniors):
    from reference.models import Territory

    finistere = Territory.objects.get(code="29")
    WorkingGroupFactory(name="Mobilité durable", theme="Mobilité", territory=finistere, description="covoiturage")
    client.force_login(membre)
    html = client.get("/groups/?theme=Mobilité").content.decode()
    assert "Mobilité durable" in html and 'href="/groups/mixite/"' not in html
    html = client.get(f"/groups/?territory={finistere.pk}").content.decode()
    assert "Mobilité durable" in html and 'href="/groups/seniors/"' not in html
    html = client.get("/groups/?q=covoit").content.decode()
    assert "Mobilité durable" in html and 'href="/groups/seniors/"' not in html
    assert "1 groupe" in html


def test_it_paginates_the_list(client, membre):
    for n in range(25):
        WorkingGroupFactory(name=f"Groupe {n:02d}")
    client.force_login(membre)
    html = client.get("/groups/").content.decode()
    assert "Groupe 00" in html and "Groupe 24" not in html
    assert "Page 1 sur 2" in html
    assert "Groupe 24" in client.get("/groups/?page=2").content.decode()


# --- Create and edit --------------------------------------------------------------


def test_it_creates_a_group_with_its_creator_as_coordinator(client, coordinatrice, bretagne):
    client.force_login(coordinatrice)
    response = client.post(
        "/groups/new/",
        {
            "name": "Mobilité durable",
            "theme": "Mobilité",
            "territory": bretagne.pk,
            "meetings_per_year": 4,
            "reminder_offsets": "7, 2",
        },
    )
    group = WorkingGroup.objects.get(name="Mobilité durable")
    assert response["Location"] == "/groups/mobilite-durable/"
    assert group.reminder_offsets == [7, 2] and group.meetings_per_year == 4
    assert group.memberships.get().contact == coordinatrice.contact
    assert group.memberships.get().role == Membership.Role.COORDINATOR
    follow = client.get("/groups/mobilite-durable/").content.decode()
    assert "Le groupe « Mobilité durable » a été créé." in follow


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "", "theme": "x", "meetings_per_year": 6}, "Ce champ est obligatoire."),
        ({"name": "X", "theme": "x", "meetings_per_year": 60}, "plus de 52 réunions"),
        ({"name": "X", "theme": "x", "meetings_per_year": 6, "reminder_offsets": "sept"}, "nombres entiers de jours"),
        ({"name": "X", "theme": "x", "meetings_per_year": 6, "reminder_offsets": "7, 7"}, "une seule fois"),
        ({"name": "X", "theme": "x", "meetings_per_year": 6, "slug": "mixite"}, "utilise déjà ce nom court"),
        ({"name": "X", "theme": "x", "meetings_per_year": 6, "slug": "new"}, "réservé"),
    ],
)
def test_it_rejects_a_bad_group_and_changes_nothing(client, coordinatrice, mixite, data, message):
    client.force_login(coordinatrice)
    before = WorkingGroup.objects.count()
    response = client.post("/groups/new/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Rien n’a été enregistré" in html
    assert WorkingGroup.objects.count() == before


def test_it_edits_a_group_but_not_its_slug(client, coordinatrice, mixite):
    client.force_login(coordinatrice)
    response = client.post(
        "/groups/mixite/edit/",
        {
            "name": "Mixité",
            "theme": "Mixité des métiers",
            "meetings_per_year": 5,
            "reminder_offsets": "3",
            "slug": "autre",
        },
    )
    assert response.status_code == 302
    mixite.refresh_from_db()
    assert (mixite.name, mixite.slug, mixite.meetings_per_year, mixite.reminder_offsets) == ("Mixité", "mixite", 5, [3])


def test_it_sets_the_date_poll_reminder_and_refuses_more_than_60_days(client, coordinatrice, mixite):
    client.force_login(coordinatrice)
    data = {"name": "Mixité", "theme": "Mixité des métiers", "meetings_per_year": 6, "reminder_offsets": "7, 1"}
    assert mixite.poll_reminder_days == 2  # the default
    response = client.post("/groups/mixite/edit/", {**data, "poll_reminder_days": "61"})
    assert response.status_code == 200
    assert "La relance d’un sondage de dates part au plus 60 jours avant sa date limite." in text_of(response)
    mixite.refresh_from_db()
    assert mixite.poll_reminder_days == 2 and mixite.name == "Mixité des métiers"
    client.post("/groups/mixite/edit/", {**data, "poll_reminder_days": "0"})
    mixite.refresh_from_db()
    assert mixite.poll_reminder_days == 0
    client.post("/groups/mixite/edit/", {**data, "poll_reminder_days": ""})  # left empty: unchanged
    mixite.refresh_from_db()
    assert mixite.poll_reminder_days == 0


def test_it_archives_and_restores_a_group(client, coordinatrice, mixite):
    client.force_login(coordinatrice)
    client.post("/groups/mixite/archive/")
    mixite.refresh_from_db()
    assert mixite.is_archived
    assert 'href="/groups/mixite/"' not in client.get("/groups/").content.decode()
    client.post("/groups/mixite/archive/", {"restore": "1"})
    mixite.refresh_from_db()
    assert not mixite.is_archived


# --- Memberships -------------------------------------------------------------------


def test_it_adds_a_member(client, coordinatrice, mixite):
    contact = ContactFactory(first_name="Nina", last_name="Kerjean")
    client.force_login(coordinatrice)
    response = client.post("/groups/mixite/members/", {"contact": contact.pk, "role": "guest", "joined": "2026-01-15"})
    assert response.status_code == 302
    membership = Membership.objects.get(contact=contact)
    assert (membership.group, membership.role, membership.joined) == (mixite, "guest", dt.date(2026, 1, 15))
    assert "Nina Kerjean a été ajouté·e au groupe." in client.get("/groups/mixite/members/").content.decode()


def test_it_refuses_a_duplicate_member_in_french(client, coordinatrice, membre, mixite):
    client.force_login(coordinatrice)
    response = client.post(
        "/groups/mixite/members/", {"contact": membre.contact.pk, "role": "member", "joined": "2026-01-15"}
    )
    assert response.status_code == 400
    assert "Yann Morvan fait déjà partie de ce groupe." in response.content.decode()
    assert Membership.objects.filter(contact=membre.contact).count() == 1


def test_it_points_a_former_member_to_rejoin(client, coordinatrice, mixite):
    contact = ContactFactory(first_name="Paul", last_name="Ancien")
    membership = MembershipFactory(group=mixite, contact=contact, joined=dt.date(2020, 1, 1), left=dt.date(2021, 6, 30))
    client.force_login(coordinatrice)
    response = client.post("/groups/mixite/members/", {"contact": contact.pk, "role": "member", "joined": "2026-01-15"})
    assert "a quitté ce groupe le 30/06/2021" in response.content.decode()
    html = client.get("/groups/mixite/members/").content.decode()
    assert "1 ancien membre" in html and "Paul Ancien" in html
    client.post(f"/groups/mixite/members/{membership.pk}/rejoin/")
    membership.refresh_from_db()
    assert membership.left is None and membership.joined == dt.date(2020, 1, 1)


def test_it_ends_a_membership_and_keeps_it_in_the_former_list(client, coordinatrice, membre, mixite):
    membership = membre.contact.memberships.get()
    client.force_login(coordinatrice)
    client.post(f"/groups/mixite/members/{membership.pk}/end/")
    membership.refresh_from_db()
    assert membership.left == timezone.localdate()
    html = client.get("/groups/mixite/members/").content.decode()
    assert "Yann Morvan a quitté le groupe" in html
    assert "1 ancien membre" in html
    client.force_login(membre)
    assert client.get("/groups/mixite/").content.decode().count("Tourner") == 0
    assert "réservés à ses membres" in client.get("/groups/mixite/").content.decode()


def test_it_asks_before_ending_a_membership(client, coordinatrice, membre, mixite):
    membership = membre.contact.memberships.get()
    client.force_login(coordinatrice)
    html = client.get("/groups/mixite/members/").content.decode()
    end = f"/groups/mixite/members/{membership.pk}/end/"
    assert f'href="{end}"' in html and f'action="{end}"' not in html  # a link to a question, not a button that acts
    html = client.get(end).content.decode()
    assert "Yann Morvan (" in html and ": mettre fin aujourd’hui à son adhésion au groupe Mixité des métiers ?" in html
    assert "Oui, y mettre fin aujourd’hui" in html
    membership.refresh_from_db()
    assert membership.left is None


def test_it_refuses_leaving_before_joining(client, coordinatrice, membre, mixite):
    membership = membre.contact.memberships.get()
    membership.joined = dt.date(2025, 3, 1)
    membership.save()
    client.force_login(coordinatrice)
    response = client.post(
        f"/groups/mixite/members/{membership.pk}/", {"role": "member", "joined": "2025-03-01", "left": "2025-02-01"}
    )
    assert response.status_code == 200
    assert "La date de départ ne peut pas précéder la date d’arrivée." in response.content.decode()
    membership.refresh_from_db()
    assert membership.left is None


def test_it_changes_a_members_role(client, coordinatrice, membre, mixite):
    membership = membre.contact.memberships.get()
    client.force_login(coordinatrice)
    client.post(f"/groups/mixite/members/{membership.pk}/", {"role": "coordinator", "joined": "2025-03-01", "left": ""})
    membership.refresh_from_db()
    assert membership.role == "coordinator"


def test_it_neutralises_script_tags_in_member_names(client, coordinatrice, mixite):
    contact = ContactFactory(
        first_name="<script>alert(1)</script>", organisation=OrganisationFactory(name="<b>Org</b>")
    )
    MembershipFactory(group=mixite, contact=contact)
    client.force_login(coordinatrice)
    for path in ("/groups/mixite/", "/groups/mixite/members/"):
        html = client.get(path).content.decode()
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
        assert "<b>Org</b>" not in html


def test_it_counts_groups_of_nested_territories_in_a_territory(client, membre, mixite):
    from reference.models import Territory

    bretagne = Territory.objects.get(code="53")
    finistere = Territory.objects.get(code="29")
    WorkingGroupFactory(name="Mobilité durable", territory=finistere)
    client.force_login(membre)
    html = client.get(f"/groups/?territory={bretagne.pk}").content.decode()
    assert "Mobilité durable" in html and 'href="/groups/mixite/"' in html


def test_it_lets_a_group_name_its_own_levers(client, coordinatrice, mixite):
    client.force_login(coordinatrice)
    data = {"name": "Mobilité durable", "theme": "Mobilité", "meetings_per_year": 6, "reminder_offsets": "7, 1"}
    response = client.post(
        "/groups/mixite/edit/", {**data, "levers": "  Permis de conduire \n\nTransports   solidaires\n"}
    )
    assert response.status_code == 302
    mixite.refresh_from_db()
    assert mixite.levers == ["Permis de conduire", "Transports solidaires"]
    html = client.get("/groups/mixite/edit/").content.decode()
    assert "Permis de conduire\nTransports solidaires</textarea>" in html


@pytest.mark.parametrize(
    ("levers", "message"),
    [("Permis\npermis", "Chaque levier ne peut figurer qu’une fois."), ("\n".join("abcdefghi"), "8 leviers au plus")],
)
def test_it_refuses_bad_levers_in_french(client, coordinatrice, mixite, levers, message):
    client.force_login(coordinatrice)
    data = {"name": "Autre nom", "theme": "Mobilité", "meetings_per_year": 6, "reminder_offsets": "7, 1"}
    response = client.post("/groups/mixite/edit/", {**data, "levers": levers})
    assert response.status_code == 200 and message in response.content.decode()
    mixite.refresh_from_db()
    assert mixite.levers == [] and mixite.name == "Mixité des métiers"

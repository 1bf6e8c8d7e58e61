"""A group's page (meetings.pages.group_detail): who sees what, its meetings, actions and members."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import EVERYONE, ROLES, check
from groups.models import Membership
from groups.tests.factories import MembershipFactory
from meetings.models import GroupMessage
from meetings.tests.factories import ActionFactory, MeetingFactory
from stakeholders.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_the_group_page_by_role(client, as_role, role, cast, mixite):
    MeetingFactory(group=mixite, title="Réunion de printemps")
    ActionFactory(group=mixite, title="Tourner les vidéos", lever="roles_modeles")
    response = check(client, as_role, role, "/groups/mixite/", EVERYONE)
    if role == "anonymous":
        return
    html = response.content.decode()
    assert "<h1" in html and "Mixité des métiers" in html
    assert "Claire Le Gall" in html  # coordinators are public
    insider = role in ("membre", "coordinatrice", "admin_user")
    assert ("Réunion de printemps" in html) is insider
    assert ("Tourner les vidéos" in html) is insider
    assert ("Yann Morvan" in html) is insider  # fellow members
    assert ("/groups/mixite/calendar.ics" in html) is insider
    if not insider:
        assert "réservés à ses membres" in html


def test_it_shows_the_theme_under_the_name_only_when_it_adds_something(client, membre, mixite):
    client.force_login(membre)
    mixite.theme = "Égalité femmes-hommes dans l’orientation"
    mixite.save()
    assert '<p class="lead mb-0">Égalité femmes-hommes' in client.get("/groups/mixite/").content.decode()
    mixite.theme = " mixité des MÉTIERS"  # the name again, in other letters
    mixite.save()
    html = client.get("/groups/mixite/").content.decode()
    assert '<p class="lead mb-0">' not in html and "mixité des MÉTIERS" not in html


def test_it_answers_404_for_an_unknown_group(client, membre):
    client.force_login(membre)
    assert client.get("/groups/nope/").status_code == 404


def test_it_groups_members_by_organisation_and_shows_details_to_coordinators_only(
    client, coordinatrice, membre, departement, mixite
):
    colleague = ContactFactory(
        organisation=departement, first_name="Gaëlle", last_name="Tanguy", email="g.tanguy@cd35.fr"
    )
    MembershipFactory(group=mixite, contact=colleague, role=Membership.Role.GUEST)
    gone = ContactFactory(first_name="Parti", last_name="Depuis")
    MembershipFactory(group=mixite, contact=gone, joined=dt.date(2020, 1, 1), left=dt.date(2021, 1, 1))
    client.force_login(membre)
    html = client.get("/groups/mixite/").content.decode()
    assert "Conseil départemental d&#x27;Ille-et-Vilaine" in html
    assert html.index("Gaëlle Tanguy") > html.index("Conseil départemental")
    assert "Invité·e" in html
    assert "Parti Depuis" not in html  # former members are not on the group page
    assert "g.tanguy@cd35.fr" not in html  # members see no e-mails
    assert "3 membres" in html
    client.force_login(coordinatrice)
    assert "g.tanguy@cd35.fr" in client.get("/groups/mixite/").content.decode()


def test_it_shows_next_meetings_actions_by_lever_and_the_years_target(client, membre, mixite):
    now = timezone.now()
    this_year = timezone.localdate().year
    past = max(now - dt.timedelta(days=1), dt.datetime(this_year, 1, 1, 10, tzinfo=timezone.get_current_timezone()))
    MeetingFactory(group=mixite, title="Passée", starts_at=past, ends_at=past + dt.timedelta(minutes=30))
    MeetingFactory(group=mixite, title="Annulée", starts_at=now + dt.timedelta(days=3), status="cancelled")
    MeetingFactory(group=mixite, title="Prochaine", starts_at=now + dt.timedelta(days=5))
    ActionFactory(group=mixite, title="Forum des métiers", lever="sensibiliser")
    ActionFactory(
        group=mixite, title="Stage découverte", lever="former", due_date=timezone.localdate() - dt.timedelta(days=2)
    )
    ActionFactory(group=mixite, title="Vidéo terminée", lever="roles_modeles", status="done")
    client.force_login(membre)
    html = client.get("/groups/mixite/").content.decode()
    assert "Prochaine" in html and "Passée" not in html.split("Prochaines réunions")[1].split("</ul>")[0]
    assert "Annulée" in html
    assert "Actions en cours par levier" in html
    assert (
        html.index("Sensibiliser")
        < html.index("Forum des métiers")
        < html.index("Former")
        < html.index("Stage découverte")
    )
    assert "en retard" in html
    assert "Vidéo terminée" not in html
    assert f"Réunions en {this_year}" in html
    # past meeting: held (unless the year just began today); next one planned; 6 is the default target
    assert "objectif de 6 par an" in html


def test_it_neutralises_script_tags_in_group_fields(client, coordinatrice, mixite):
    mixite.description = "<script>alert('x')</script>"
    mixite.save()
    client.force_login(coordinatrice)
    html = client.get("/groups/mixite/").content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


def test_it_gives_coordinators_the_way_to_plan_meetings_and_actions(client, coordinatrice, membre, mixite):
    client.force_login(coordinatrice)
    html = client.get(mixite.get_absolute_url()).content.decode()
    assert f'href="/groups/{mixite.slug}/plan/"' in html and "Planifier l’année" in html
    assert "Nouvelle réunion" in html and "Nouvelle action" in html
    assert "Présence par organisation" in html
    client.force_login(membre)
    html = client.get(mixite.get_absolute_url()).content.decode()
    assert "Planifier" not in html and "Nouvelle action" not in html
    assert "Présence par organisation" in html


def test_it_shows_a_several_day_event_as_such_on_the_group_page(client, membre, mixite):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from meetings.tests.factories import MeetingFactory

    paris = ZoneInfo("Europe/Paris")
    MeetingFactory(
        group=mixite,
        kind="event",
        title="Semaine de la mixité des métiers",
        starts_at=dt.datetime(2031, 1, 27, 9, 0, tzinfo=paris),
        ends_at=dt.datetime(2031, 1, 31, 17, 0, tzinfo=paris),
    )
    client.force_login(membre)
    html = client.get(mixite.get_absolute_url()).content.decode()
    assert "du lundi 27 à 9h00 au vendredi 31 janvier 2031 à 17h00" in html


# --- The group's calendar: a download; subscribing goes through "Mon agenda" ----------------------


def test_it_points_members_to_their_personal_feed_to_subscribe(client, membre, mixite):
    client.force_login(membre)
    html = client.get("/groups/mixite/").content.decode()
    assert "Copiez ce lien" not in html and "Outlook" in html
    assert 'href="/groups/mixite/calendar.ics" download>Télécharger les réunions du groupe (.ics)</a>' in html
    assert "il ne se met pas à jour tout seul" in html
    assert 'depuis <a href="/my/agenda/">Mon agenda</a>' in html


def fill_group(group, n):
    for _ in range(n):
        MembershipFactory(group=group, contact=ContactFactory())
        MeetingFactory(group=group)
        ActionFactory(group=group, lever="former")
        ActionFactory(group=group, lever="sensibiliser")
        GroupMessage.objects.create(group=group, subject="Nouvelles", body="**Bonjour**", sent_at=timezone.now())


@pytest.mark.parametrize("size", [2, 12])
def test_it_keeps_the_group_page_queries_constant(client, membre, mixite, size, django_assert_num_queries):
    fill_group(mixite, size)
    client.force_login(membre)
    # session, user, memberships (access), group with territory, coordinators, members,
    # next meetings, open actions with owners, this year's figures, messages with senders, and
    # the parts higher apps add (pages.GROUP_PAGE_PARTS: the date polls, one query)
    with django_assert_num_queries(10 + 1):
        response = client.get("/groups/mixite/")
    assert response.status_code == 200

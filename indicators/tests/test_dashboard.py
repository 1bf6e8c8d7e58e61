import csv
import io
import re

import pytest
from django.template import Context, Template
from django.test import override_settings

from conftest import EVERYONE, ROLES, check, obs
from indicators.demo import seed_demo_indicators
from meetings.tests.factories import ActionFactory
from reference.models import Domain

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    seed_demo_indicators()


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_the_dashboard_to_every_logged_in_user(client, as_role, role, demo):
    response = check(client, as_role, role, "/indicators/", EVERYONE)
    if role != "anonymous":
        html = response.content.decode()
        assert "Indicateurs de mixité" in html
        assert "Données fictives" in html


def test_it_names_the_rule_in_use(client, membre, demo):
    client.force_login(membre)
    html = client.get("/indicators/").content.decode()
    assert "Règle de mixité appliquée" in html
    assert "DARES ±15 points" in html
    html = client.get("/indicators/?rule=band40-60").content.decode()
    assert "Mixte entre 40 % et 60 % de femmes" in html


def test_it_shows_the_leak_in_the_demo_data(client, membre, demo):
    client.force_login(membre)
    data = client.get("/indicators/summary.json?territory=53&domain=F").json()
    stages = {s["stage"]: s for s in data["stages"]}
    assert data["year"] == 2025
    assert data["is_fictitious"] is True
    assert stages["formation"]["share_women"] > stages["emploi"]["share_women"] * 1.5
    html = client.get("/indicators/?territory=53&domain=F").content.decode()
    assert "fuit le plus pour les filles" in html


def test_it_rolls_the_departements_up_to_the_region_and_france(client, admin_user, demo):
    client.force_login(admin_user)
    by_dep = 0
    for code in ("22", "29", "35", "56"):
        by_dep += client.get(f"/indicators/summary.json?territory={code}&year=2024").json()["stages"][0]["women"]
    region = client.get("/indicators/summary.json?territory=53&year=2024").json()["stages"][0]["women"]
    france = client.get("/indicators/summary.json?year=2024").json()
    assert region == by_dep
    assert france["territory"] == "FR"
    assert france["stages"][0]["women"] == by_dep


def test_it_uses_a_parents_own_rows_over_its_childrens(client, admin_user):
    obs("35", "F", "formation", 40, 60)
    obs("29", "F", "formation", 5, 95)
    obs("53", "F", "formation", 100, 400)  # the région's own figure wins
    obs("35", "F", "emploi", 7, 93)  # the région has no emploi row: its children count
    client.force_login(admin_user)
    stages = {s["stage"]: s for s in client.get("/indicators/summary.json?territory=FR").json()["stages"]}
    assert (stages["formation"]["women"], stages["formation"]["men"]) == (100, 400)
    assert (stages["emploi"]["women"], stages["emploi"]["men"]) == (7, 93)


def test_it_takes_the_yearly_row_over_the_monthly_ones(client, admin_user):
    obs("35", "F", "formation", 30, 70)
    obs("35", "F", "formation", 1, 1, month=3)  # never added to the yearly row
    obs("35", "F", "emploi", 10, 20, month=1)
    obs("35", "F", "emploi", 5, 15, month=2)
    client.force_login(admin_user)
    stages = {s["stage"]: s for s in client.get("/indicators/summary.json?territory=35").json()["stages"]}
    assert (stages["formation"]["women"], stages["formation"]["men"]) == (30, 70)
    assert (stages["emploi"]["women"], stages["emploi"]["men"]) == (15, 35)


def test_it_withholds_small_cells_from_members_not_from_admins(client, membre, admin_user):
    obs("35", "F", "formation", 7, 301)
    obs("35", "K", "formation", 25, 3)
    obs("35", "J", "formation", 12, 10)
    obs("35", "D", "formation", 300, 300)
    client.force_login(membre)
    data = client.get("/indicators/summary.json?territory=35&stage=formation").json()
    (stage,) = data["stages"]
    domains = {d["code"]: d for d in stage["domains"]}
    assert domains["F"] == {
        "code": "F",
        "label": "Construction, Bâtiment et Travaux publics",
        "observed": True,
        "women": None,
        "men": 301,
        "unknown": 0,
        "share_women": None,
        "class": "masculinised",
        "suppressed": True,
    }
    assert domains["K"]["men"] is None and domains["K"]["share_women"] is None
    # 22 people: both counts shown, the share is not (denominator under 30), nor the class.
    assert domains["J"]["women"] == 12 and domains["J"]["share_women"] is None and domains["J"]["class"] is None
    # Totals use the true counts.
    assert stage["women"] == 344 and stage["men"] == 614
    html = client.get("/indicators/?territory=35&stage=formation").content.decode()
    assert "&lt; 11" in html
    rows = list(
        csv.reader(
            io.StringIO(client.get("/indicators/export.csv?territory=35").content.decode("utf-8-sig")), delimiter=";"
        )
    )
    f_row = next(r for r in rows if r[4] == "formation" and r[5] == "F")
    assert f_row[7] == "< 11" and f_row[10] == ""
    client.force_login(admin_user)
    data = client.get("/indicators/summary.json?territory=35&stage=formation").json()
    domains = {d["code"]: d for d in data["stages"][0]["domains"]}
    assert domains["F"]["women"] == 7 and domains["F"]["suppressed"] is False


def test_it_gives_the_summary_fields_of_the_spec(client, membre, demo):
    client.force_login(membre)
    data = client.get("/indicators/summary.json?territory=53&year=2024").json()
    assert {"year", "territory", "nomenclature", "rule", "stages"} <= set(data)
    assert (data["year"], data["territory"], data["nomenclature"], data["rule"]) == (2024, "53", "rome", "dares15")
    stage = data["stages"][0]
    assert {"stage", "women", "men", "share_women", "duncan_index", "classes", "domains"} <= set(stage)
    assert set(stage["classes"]) == {"masculinised", "mixed", "feminised"}
    assert sum(stage["classes"].values()) == 14
    assert {"code", "label", "women", "men", "share_women", "class", "suppressed"} <= set(stage["domains"][0])
    assert 0 <= stage["duncan_index"] <= 100


def test_it_rolls_a_full_rome_code_up_in_the_filter(client, membre, demo):
    client.force_login(membre)
    data = client.get("/indicators/summary.json?territory=53&domain=F1703").json()
    assert data["domain"] == "F"
    assert [d["code"] for d in data["stages"][0]["domains"]] == ["F"]


def test_it_shows_actions_by_lever_on_the_same_years(client, membre, mixite, seniors, demo):
    import datetime as dt

    ActionFactory(group=mixite, lever="former", title="Forum", due_date=dt.date(2024, 3, 1))
    ActionFactory(group=seniors, lever="sensibiliser", title="Autre groupe", due_date=dt.date(2024, 3, 1))
    client.force_login(membre)
    response = client.get("/indicators/")
    html = response.content.decode()
    assert "Actions par levier et par année, et jeunes touchés" in html
    assert response.context["work"].rows()[3] == (2024, [0, 1, 0, 0], None)


def test_it_resets_bad_filters_with_a_message(client, membre, demo):
    client.force_login(membre)
    response = client.get("/indicators/?territory=ZZ&rule=nope&year=abc")
    assert response.status_code == 200
    assert "Certains filtres n’ont pas été compris" in response.content.decode()


def test_it_escapes_script_tags(client, admin_user):
    domain = Domain.objects.get(nomenclature="rome", code="F")
    domain.label = "<script>alert(1)</script>"
    domain.save()
    obs("35", "F", "formation", 40, 60)
    client.force_login(admin_user)
    html = client.get("/indicators/?territory=35").content.decode()
    assert "<script>alert(1)</script>" not in html


def _make_data(n_years):
    for year in range(2025 - n_years + 1, 2026):
        for code in ("22", "29"):
            for dom in ("A", "F", "K"):
                for stage in ("formation", "emploi"):
                    obs(code, dom, stage, 40, 60, year=year)


@pytest.mark.parametrize("url", ["/indicators/", "/indicators/summary.json", "/indicators/export.csv"])
@pytest.mark.parametrize("n_years", [1, 4])
def test_it_keeps_queries_constant(client, membre, django_assert_num_queries, url, n_years):
    _make_data(n_years)
    client.force_login(membre)
    # session, user, rollup version, territories, domains, the territory's rollup rows,
    # territories with rows by year (coverage), (dashboard: memberships, the groups to pick,
    # actions by lever, reach of the actions, reach of the events)
    expected = 12 if url == "/indicators/" else 7
    with django_assert_num_queries(expected):
        response = client.get(url + "?territory=53")
    assert response.status_code == 200


def test_it_reuses_the_figures_until_the_data_changes(client, admin_user, django_assert_num_queries):
    obs("35", "F", "formation", 40, 60)
    client.force_login(admin_user)
    client.get("/indicators/summary.json?territory=35")
    # session, user, rollup version (territories, domains and figures from the cache)
    with django_assert_num_queries(3):
        client.get("/indicators/summary.json?territory=35")
    obs("35", "F", "emploi", 10, 90)
    data = client.get("/indicators/summary.json?territory=35").json()
    assert [s["women"] for s in data["stages"] if s["stage"] == "emploi"] == [10]


def test_it_explains_small_cells_with_the_thresholds_of_the_settings(client, membre):
    obs("35", "F", "formation", 4, 301)
    obs("35", "K", "formation", 8, 300)
    client.force_login(membre)
    html = client.get("/indicators/?territory=35&stage=formation").content.decode()
    assert "Les effectifs de 1 à 10 s’affichent « &lt; 11 »" in html
    assert "moins de 30 personnes" in html
    with override_settings(INDICATORS_SMALL_CELL_MAX=5, INDICATORS_MIN_SHARE_DENOMINATOR=50):
        html = client.get("/indicators/?territory=35&stage=formation").content.decode()
        assert "Les effectifs de 1 à 5 s’affichent « &lt; 6 »" in html
        assert "moins de 50 personnes" in html
        assert "de 1 à 10" not in html
        # The same label from the template filter and in the export (view).
        assert Template("{% load indicators_tags %}{{ n|count }}").render(Context({"n": None})) == "&lt; 6"
        rows = list(
            csv.reader(
                io.StringIO(client.get("/indicators/export.csv?territory=35").content.decode("utf-8-sig")),
                delimiter=";",
            )
        )
        f_row = next(r for r in rows if r[4] == "formation" and r[5] == "F")
        assert f_row[7] == "< 6"
        k_row = next(r for r in rows if r[4] == "formation" and r[5] == "K")
        assert k_row[7] == "8"


def test_it_writes_a_withheld_count_in_one_place():
    """views.py (CSV) and the template filter (pages) both use summary.withheld_label."""
    from indicators import summary, views
    from indicators.templatetags import indicators_tags

    assert views._shown(None) == indicators_tags.count(None) == summary.withheld_label() == "< 11"
    with override_settings(INDICATORS_SMALL_CELL_MAX=4):
        assert views._shown(None) == indicators_tags.count(None) == "< 5"


# --- Where the figures come from, territory levels, the nomenclature switch -----------------------


def test_it_says_which_territories_the_figures_of_france_come_from(client, membre):
    seed_demo_indicators()
    client.force_login(membre)
    html = client.get("/indicators/").content.decode()
    assert "Chiffres de :</strong>\n    Côtes-d&#x27;Armor, Finistère, Ille-et-Vilaine, Morbihan" in html
    assert "(4 territoires)" in html
    assert "Données partielles :" in html
    assert "pour France, seul 1 des 18 territoires a des chiffres" in html
    assert "Voir Bretagne (région, 53), qui réunit tous les chiffres" in html
    assert client.get("/indicators/summary.json").json()["coverage"]["territories"] == ["22", "29", "35", "56"]


def test_it_calls_a_territory_complete_when_every_child_has_figures(client, membre):
    seed_demo_indicators()
    client.force_login(membre)
    html = client.get("/indicators/?territory=53").content.decode()
    assert "(4 territoires)" in html
    assert "Données partielles" not in html


def test_it_says_so_when_a_region_has_figures_from_part_of_its_departements(client, membre):
    obs("35", "F", "formation", 40, 60)
    client.force_login(membre)
    html = client.get("/indicators/?territory=53").content.decode()
    assert "Chiffres de :</strong>\n    Ille-et-Vilaine" in html
    assert "(1 territoire)" in html
    assert "pour Bretagne, seul 1 des 4 territoires a des chiffres" in html


def test_it_groups_the_territory_picker_by_level_sorted_by_name(client, membre):
    client.force_login(membre)
    html = client.get("/indicators/").content.decode()
    select = html.split('name="territory"')[1].split("</select>")[0]
    assert "data-searchable" in html.split('name="territory"')[0].rsplit("<select", 1)[1] + select[:200]
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    assert [label for label, _body in groups] == ["Pays", "Régions", "Départements"]
    regions = re.findall(r">([^<]+)</option>", groups[1][1])
    assert regions[:3] == ["Auvergne-Rhône-Alpes (84)", "Bourgogne-Franche-Comté (27)", "Bretagne (53)"]
    departements = dict(re.findall(r'value="([^"]+)"[^>]*>([^<]+)</option>', groups[2][1]))
    assert departements["D53"] == "Mayenne (53)" and departements["D75"] == "Paris (75)"
    names = list(departements.values())
    assert names == sorted(names, key=str.casefold)


def test_it_resets_a_domain_of_the_other_nomenclature_without_an_error(client, membre):
    seed_demo_indicators()
    client.force_login(membre)
    html = client.get("/indicators/?territory=53&domain=F&nomenclature=fap2009").content.decode()
    assert "alert-danger" not in html
    assert "Le domaine F n’existe pas dans cette nomenclature : tous les domaines sont affichés." in html
    html = client.get("/indicators/?territory=53&domain=B2Z&nomenclature=rome").content.decode()
    assert "alert-danger" not in html
    assert "Le domaine B2Z n’existe pas" in html


@pytest.mark.parametrize(
    "url", ["/indicators/", "/indicators/summary.json", "/indicators/export.csv", "/indicators/observations.csv"]
)
def test_it_computes_the_figures_without_the_cache_when_redis_is_down(client, membre, demo, redis_down, url):
    client.force_login(membre)
    response = client.get(url, {"territory": "53", "year": "2024"})
    assert response.status_code == 200


def test_it_keeps_each_language_s_figures_apart_in_the_cache(client, membre, demo):
    """The cached sections are per language: a page asked in English first stays French in French."""
    client.force_login(membre)
    english = client.get("/indicators/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Share of women at each stage" in english
    french = client.get("/indicators/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Share of women at each stage" not in french
    assert "Part de femmes à chaque étape" in french


def test_it_counts_the_groups_work_once_for_a_while(client, membre, demo):
    """The actions and reach on the time axis are kept a couple of minutes (timeline.WORK_SECONDS):
    a second view reads no action nor event."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(membre)
    with CaptureQueriesContext(connection) as first:
        client.get("/indicators/")
    assert any("meetings_action" in q["sql"] for q in first.captured_queries)
    with CaptureQueriesContext(connection) as again:
        client.get("/indicators/")
    assert not any("meetings_action" in q["sql"] or "meetings_meeting" in q["sql"] for q in again.captured_queries)

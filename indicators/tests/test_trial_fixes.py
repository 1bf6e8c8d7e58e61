"""What a first-time user missed on the dashboard: coverage, territory levels, readable
charts, the nomenclature switch, the import preview and the exports."""

import base64
import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators import charts, importing
from indicators.demo import seed_demo_indicators
from indicators.models import Observation

from .test_dashboard import obs

pytestmark = pytest.mark.django_db


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_it_says_which_territories_the_figures_of_france_come_from(client, membre):
    seed_demo_indicators()
    client.force_login(membre)
    html = client.get("/indicators/").content.decode()
    assert "Chiffres de :</strong>\n    Côtes-d&#x27;Armor, Finistère, Ille-et-Vilaine, Morbihan" in html
    assert "(4 territoires)" in html
    assert "Données partielles :" in html
    assert "seul 1 des 18 territoires de France a des chiffres" in html
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
    assert "seul 1 des 4 territoires de Bretagne a des chiffres" in html


def test_it_names_territories_with_their_level(client, membre):
    client.force_login(membre)
    html = client.get("/indicators/").content.decode()
    assert "Paris (département, D75)</option>" in html
    assert "Nouvelle-Aquitaine (région, 75)</option>" in html
    assert "Guadeloupe (région, 01)</option>" in html
    assert "Guadeloupe (département, 971)</option>" in html


def test_it_resets_a_domain_of_the_other_nomenclature_without_an_error(client, membre):
    seed_demo_indicators()
    client.force_login(membre)
    html = client.get("/indicators/?territory=53&domain=F&nomenclature=fap2009").content.decode()
    assert "alert-danger" not in html
    assert "Le domaine F n’existe pas dans cette nomenclature : tous les domaines sont affichés." in html
    html = client.get("/indicators/?territory=53&domain=B2Z&nomenclature=rome").content.decode()
    assert "alert-danger" not in html
    assert "Le domaine B2Z n’existe pas" in html


def _svg(uri):
    return base64.b64decode(uri.split(",", 1)[1]).decode()


def test_it_draws_domain_labels_short_and_whole_words():
    block = {"domains": [{"code": "K", "label": "Services à la personne et à la collectivité", "share_women": 0.8}]}
    drawn = charts.domains(block)
    assert "K – Services à la personne…" in _svg(drawn["wide"])
    assert "K – Services à…" not in _svg(drawn["narrow"]) and "K – Services…" in _svg(drawn["narrow"])
    assert "collectiv<" not in _svg(drawn["wide"])


def test_it_draws_the_path_axis_over_every_point():
    axis, ticks = charts.ratio_range([0.64, 0.7, 0.91, 0.59, None])
    assert axis == (0.5, 1.0) and ticks == [0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    assert charts.ratio_range([0.2, 1.3])[0] == (0.2, 1.4)


def test_it_counts_actions_on_whole_ticks():
    assert charts.count_ticks(2) == [0, 1, 2]
    assert charts.count_ticks(0) == [0, 1]
    assert charts.count_ticks(20) == [0, 4, 8, 12, 16, 20]
    svg = _svg(charts.actions([2024, 2025], [("sensibiliser", "Sensibiliser")], {(2024, "sensibiliser"): 2})["wide"])
    assert ">0.2<" not in svg and ">0,2<" not in svg and ">1<" in svg


def test_it_draws_larger_text_on_the_narrow_charts():
    drawn = charts.segregation({"stages": [{"label": "En emploi", "duncan_index": 40.0}]})
    assert 'width="400"' in _svg(drawn["narrow"]) or 'viewBox="0 0 400' in _svg(drawn["narrow"])
    assert "font-size:16px" in _svg(drawn["narrow"]).replace(" ", "")


def test_it_exports_french_decimals_and_class_names(client, admin_user):
    obs("35", "F", "formation", 40, 60)
    client.force_login(admin_user)
    rows = _csv(client.get("/indicators/export.csv?territory=35&stage=formation"))
    total = next(r for r in rows if r[5] == "TOTAL")
    domain = next(r for r in rows if r[5] == "F")
    assert domain[10] == "0,400" and domain[11] == "Mixte"
    assert total[10] == "0,400" and ";0.4" not in client.get("/indicators/export.csv?territory=35").content.decode()


def test_it_exports_a_file_that_imports_again_unchanged(client, admin_user):
    obs("35", "F", "formation", 40, 60)
    obs("35", "K", "emploi", 30, 5, month=3, unknown=2)
    obs("29", "F", "formation", 12, 80)
    client.force_login(admin_user)
    response = client.get("/indicators/observations.csv?territory=53&year=2024")
    rows = _csv(response)
    assert rows[0] == ["période", "territoire", "nomenclature", "domaine", "étape", "femmes", "hommes", "non_renseigne"]
    assert ["2024-03", "35", "rome", "K", "emploi", "30", "5", "2"] in rows
    assert len(rows) == 4
    parsed, the_plan, _record = importing.import_file(response.content, file_name="x.csv", dry_run=True)
    assert parsed.ok and not the_plan.added and not the_plan.changed and the_plan.unchanged == 3


def test_it_leaves_withheld_rows_out_of_the_import_format_for_members(client, membre):
    obs("35", "F", "formation", 7, 60)
    obs("35", "K", "formation", 40, 60)
    client.force_login(membre)
    rows = _csv(client.get("/indicators/observations.csv?territory=35"))
    assert [r[3] for r in rows[1:]] == ["K"]
    html = client.get("/indicators/?territory=35").content.decode()
    assert "Les lignes dont un effectif est masqué (« &lt; 11 ») n’y figurent pas" in html


def test_it_asks_anonymous_users_to_log_in_for_the_import_format(client):
    assert client.get("/indicators/observations.csv").status_code == 302


def test_it_lists_changed_rows_old_and_new_in_the_preview(client, coordinatrice):
    for domain in "ABCDEFGHIJKLMN":
        for stage in ("sensibilises", "accueillis", "orientes", "formation"):
            obs("35", domain, stage, 40, 60)
    lines = ["période;territoire;domaine;étape;femmes;hommes"]
    for domain in "ABCDEFGHIJKLMN":
        for stage in ("sensibilises", "accueillis", "orientes", "formation"):
            lines.append(f"2024;35;{domain};{stage};45;60")
    client.force_login(coordinatrice)
    upload = SimpleUploadedFile("maj.csv", "\n".join(lines).encode(), content_type="text/csv")
    html = client.post("/indicators/import/", {"file": upload}).content.decode()
    assert "Lignes dont les effectifs changent : ancien → nouveau" in html
    assert "<del>40</del> → <ins>45</ins>" in html
    assert html.count("<del>") == 50
    assert "et 6 autres lignes dont les effectifs changent." in html
    assert Observation.objects.filter(women=45).count() == 0

"""SPEC.md, "Never mislead": missing is not zero, like with like, the class whatever the filter,
fictitious only when demo rows are counted."""

import pytest

from conftest import obs, text_of
from indicators.demo import seed_demo_indicators
from indicators.importing import import_file

pytestmark = pytest.mark.django_db

PARTIAL_2026 = """période;territoire;domaine;étape;femmes;hommes
2026;35;F;formation;40;160
2026;35;K;formation;150;50
2026;35;F;emploi;20;180
2026;35;K;emploi;120;60
"""


@pytest.fixture
def partial_extract(db):
    """The demo (fictitious, 2021–2025, four départements), then a real extract of 2026 for 35
    with two stages and two domains only."""
    seed_demo_indicators()
    parsed, _plan, _record = import_file(PARTIAL_2026.encode(), file_name="extrait.csv")
    assert parsed.ok


def test_it_draws_no_conclusion_from_missing_stages(client, membre, partial_extract):
    client.force_login(membre)
    data = client.get("/indicators/summary.json?year=2026&territory=35").json()
    stages = {s["stage"]: s for s in data["stages"]}
    assert data["observed_stages"] == ["formation", "emploi"]
    for missing in ("sensibilises", "accueillis", "orientes", "alternance"):
        block = stages[missing]
        assert block["observed"] is False
        assert (block["women"], block["men"], block["share_women"], block["duncan_index"]) == (None,) * 4
    assert stages["formation"]["observed"] is True
    # No ratio towards or from a missing stage: no step has both ends.
    assert all(p["girls_ratio"] is None and p["boys_ratio"] is None for p in data["path"])
    html = client.get("/indicators/?year=2026&territory=35").content.decode()
    text = " ".join(html.split())
    assert "fuit le plus" not in text
    assert "Pas assez de chiffres pour comparer filles et garçons." in text
    assert "non renseigné" in text
    assert " 0 % " not in text.replace("0 % pour", "")


def test_it_compares_a_year_with_the_previous_on_the_keys_of_both(client, membre, partial_extract):
    client.force_login(membre)
    data = client.get("/indicators/summary.json?year=2026&territory=35").json()
    formation = next(s for s in data["stages"] if s["stage"] == "formation")
    before = client.get("/indicators/summary.json?year=2025&territory=35&stage=formation").json()
    f_k = [d for d in before["stages"][0]["domains"] if d["code"] in ("F", "K")]
    women, men = sum(d["women"] for d in f_k), sum(d["men"] for d in f_k)
    assert formation["change_domains"] == 2
    assert formation["change_note"] == "common_domains_only"
    assert formation["previous"]["women"] == women
    assert formation["change_share_women"] == round(190 / 400 - women / (women + men), 4)
    html = text_of(client.get("/indicators/?year=2026&territory=35"))
    assert "sur les 2 domaines présents les deux années" in html


def test_it_says_why_it_cannot_compare_when_the_territories_differ(client, membre, partial_extract):
    client.force_login(membre)
    data = client.get("/indicators/summary.json?year=2026&territory=53").json()
    formation = next(s for s in data["stages"] if s["stage"] == "formation")
    assert formation["change_share_women"] is None
    assert formation["change_note"] == "territories_differ"
    assert "les territoires ayant des chiffres diffèrent" in text_of(client.get("/indicators/?year=2026&territory=53"))


def test_it_labels_imported_figures_as_real(client, membre, partial_extract):
    client.force_login(membre)
    data = client.get("/indicators/summary.json?year=2026&territory=35").json()
    assert data["fictitious"] is False
    assert data["fictitious_years"] == [2021, 2022, 2023, 2024, 2025]
    html = text_of(client.get("/indicators/?year=2026&territory=35"))
    assert "Données fictives." not in html
    assert "données de démonstration pour : 2021, 2022, 2023, 2024, 2025" in html
    assert client.get("/indicators/summary.json?year=2025&territory=35").json()["fictitious"] is True


def test_it_says_fictitious_false_on_imported_data_only(client, membre):
    parsed, _plan, _record = import_file(PARTIAL_2026.encode(), file_name="extrait.csv")
    assert parsed.ok
    client.force_login(membre)
    data = client.get("/indicators/summary.json?territory=35").json()
    assert data["fictitious"] is False and data["fictitious_years"] == []


def test_it_shows_which_stages_and_domains_have_figures(client, membre, partial_extract):
    client.force_login(membre)
    html = text_of(client.get("/indicators/?year=2026&territory=35"))
    assert "Étapes ayant des chiffres en 2026 : En formation, En emploi." in html
    assert "2 domaines sur 14 ont des chiffres." in html


def test_it_keeps_a_domains_class_under_a_domain_filter(client, membre):
    # Construction at 12.7 % women, among domains at about 45 %: masculinised, filtered or not.
    obs("35", "F", "formation", 127, 873)
    for code in ("D", "G", "J", "K", "M"):
        obs("35", code, "formation", 600, 400)
    client.force_login(membre)
    everything = client.get("/indicators/summary.json?territory=35&stage=formation").json()
    f_all = next(d for d in everything["stages"][0]["domains"] if d["code"] == "F")
    filtered = client.get("/indicators/summary.json?territory=35&stage=formation&domain=F").json()
    (f_only,) = filtered["stages"][0]["domains"]
    assert f_all["class"] == f_only["class"] == "masculinised"
    assert filtered["stages"][0]["overall_share_women"] == everything["stages"][0]["overall_share_women"]

"""The rollup: pages read summed figures, never raw observations; charts drawn once per data."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import obs
from indicators import charts, metrics
from indicators.importing import import_file
from indicators.models import Observation, Rollup
from reference.models import Domain

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/indicators/?territory=53", "/indicators/summary.json", "/indicators/export.csv"])
def test_it_never_sums_raw_observations_for_a_page(client, membre, url):
    obs("35", "F", "formation", 40, 60)
    obs("29", "F", "formation", 5, 95, month=3)
    client.force_login(membre)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not [q["sql"] for q in queries if Observation._meta.db_table in q["sql"]]


def test_it_refreshes_the_rollup_inside_the_import(client, admin_user, monkeypatch):
    obs("35", "F", "formation", 40, 60)
    client.force_login(admin_user)
    assert client.get("/indicators/summary.json?territory=53").json()["stages"][3]["women"] == 40
    import_file(b"period,territory,domain,stage,women,men\n2024,35,F,formation,45,60\n", file_name="maj.csv")
    assert client.get("/indicators/summary.json?territory=53").json()["stages"][3]["women"] == 45

    def broken(years):
        raise RuntimeError("rollup down")

    monkeypatch.setattr("indicators.rollup.refresh", broken)
    with pytest.raises(RuntimeError):
        import_file(b"period,territory,domain,stage,women,men\n2024,35,F,formation,50,60\n", file_name="x.csv")
    assert Observation.objects.get().women == 45  # all or nothing: the import rolled back with its rollup


def test_it_draws_each_chart_once_for_the_same_figures(client, membre, monkeypatch, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the view itself, each time, and its context
    obs("35", "F", "formation", 40, 60)
    client.force_login(membre)
    first = client.get("/indicators/?territory=35").context["charts"]
    for name in ("shares_by_stage", "path_by_sex", "domains", "trend", "segregation", "actions"):
        monkeypatch.setattr(charts, name, lambda *args: pytest.fail("drawn again"))
    assert client.get("/indicators/?territory=35").context["charts"] == first


def test_it_gives_the_national_statistics_as_before(client, admin_user):
    """87 FAP families for France, imported as French Excel writes them: the rollup gives the
    Duncan index, shares and classes computed by hand from the file."""
    rng = random.Random(87)
    families = list(Domain.objects.filter(nomenclature="fap2009").values_list("code", flat=True))
    counts = {code: (rng.randint(0, 90_000), rng.randint(0, 90_000)) for code in families}
    lines = ["Période;Territoire;Nomenclature;Domaine;Étape;Femmes;Hommes"]
    lines += [f"2024;FR;fap2009;{c};emploi;{w:,};{m:,}".replace(",", "\u00a0") for c, (w, m) in counts.items()]
    parsed, _plan, _record = import_file("\r\n".join(lines).encode("cp1252", errors="replace"), file_name="dares.csv")
    assert parsed.ok, parsed.report()
    client.force_login(admin_user)
    data = client.get("/indicators/summary.json?nomenclature=fap2009&stage=emploi").json()
    (stage,) = data["stages"]
    women, men = sum(w for w, _m in counts.values()), sum(m for _w, m in counts.values())
    assert (stage["women"], stage["men"]) == (women, men)
    assert stage["duncan_index"] == round(metrics.duncan_index(counts.values()), 1)
    overall = women / (women + men)
    for domain in stage["domains"]:
        w, m = counts[domain["code"]]
        assert domain["share_women"] == round(w / (w + m), 4)
        assert domain["class"] == metrics.mixite_class(w / (w + m), overall_share=overall)
    assert Rollup.objects.filter(territory__code="FR", nomenclature="fap2009").count() == 87


def test_it_shows_new_figures_on_the_cached_page_after_an_import(client, membre):
    obs("35", "F", "formation", 40, 60)
    client.force_login(membre)
    assert "40,0 %" in client.get("/indicators/?territory=35").content.decode()
    assert "40,0 %" in client.get("/indicators/?territory=35").content.decode()
    import_file(b"period,territory,domain,stage,women,men\n2024,35,F,formation,45,55\n", file_name="maj.csv")
    html = client.get("/indicators/?territory=35").content.decode()
    assert "45,0 %" in html and "40,0 %" not in html

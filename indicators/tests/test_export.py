"""The exports: the dashboard's CSV and JSON, and the import format that goes back in."""

import csv
import io

import pytest

from conftest import obs
from indicators import importing
from indicators.views import escape_cell
from reference.models import Domain

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/indicators/summary.json", "/indicators/export.csv", "/indicators/observations.csv"])
def test_it_asks_anonymous_users_to_log_in_for_exports(client, url):
    assert client.get(url).status_code == 302


def test_it_escapes_formulas_in_the_export(client, admin_user):
    domain = Domain.objects.get(nomenclature="rome", code="F")
    domain.label = '=HYPERLINK("http://evil")'
    domain.save()
    obs("35", "F", "formation", 40, 60)
    client.force_login(admin_user)
    text = client.get("/indicators/export.csv?territory=35").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert ";=HYPERLINK" not in text


@pytest.mark.parametrize(
    "value",
    ["=1+1", " =1+1", "\u00a0\t=1+1", "\n=1+1", "\r\n@SUM(A1)", "  +33", "|calc", " |calc", "\ttab", "-2+3"],
)
def test_it_escapes_every_formula_start(value):
    assert escape_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Construction", "F1703", "12", "0.2540", "", "a=b"])
def test_it_leaves_plain_cells_alone(value):
    assert escape_cell(value) == value


def test_it_escapes_a_formula_after_blanks_in_the_export(client, admin_user):
    domain = Domain.objects.get(nomenclature="rome", code="F")
    domain.label = '\n =HYPERLINK("http://evil")'
    domain.save()
    obs("35", "F", "formation", 40, 60)
    client.force_login(admin_user)
    rows = list(
        csv.reader(
            io.StringIO(client.get("/indicators/export.csv?territory=35").content.decode("utf-8-sig")), delimiter=";"
        )
    )
    f_row = next(r for r in rows if r[4] == "formation" and r[5] == "F")
    assert f_row[6] == '\'\n =HYPERLINK("http://evil")'


# --- French decimals, the import format -----------------------------------------------------------


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


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

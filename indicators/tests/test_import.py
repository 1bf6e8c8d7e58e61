import datetime as dt
import time

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from conftest import COORDINATORS, ROLES, check, obs
from indicators.importing import import_file
from indicators.models import IndicatorImport, Observation, StagedRow

pytestmark = pytest.mark.django_db

GOOD = (
    "period,territory,nomenclature,domain,stage,women,men,unknown\n"
    "2024,35,rome,F,formation,12,140,1\n"
    "2024,35,rome,F,emploi,3,98,0\n"
    "2024-03,29,fap2009,B2Z,formation,4,40,\n"
)


def write(tmp_path, content, name="indicateurs.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
    return str(path)


def counts():
    return sorted(
        Observation.objects.values_list(
            "year", "month", "territory__code", "domain__code", "stage", "women", "men", "unknown"
        )
    )


def test_it_imports_a_plain_file_and_records_the_import(tmp_path, capsys):
    call_command("import_indicators", write(tmp_path, GOOD))
    assert counts() == [
        (2024, 0, "35", "F", "emploi", 3, 98, 0),
        (2024, 0, "35", "F", "formation", 12, 140, 1),
        (2024, 3, "29", "B2Z", "formation", 4, 40, 0),
    ]
    record = IndicatorImport.objects.get()
    assert (record.file_name, record.rows_added, record.rows_changed) == ("indicateurs.csv", 3, 0)
    assert "3 lignes ajoutées" in capsys.readouterr().out


def test_it_changes_nothing_when_the_same_file_is_imported_again(tmp_path, capsys):
    path = write(tmp_path, GOOD)
    call_command("import_indicators", path)
    before = counts()
    call_command("import_indicators", path)
    assert counts() == before
    assert "0 ligne ajoutée, 0 modifiée, 3 inchangées" in capsys.readouterr().out


def test_it_replaces_the_counts_of_an_existing_key(tmp_path):
    call_command("import_indicators", write(tmp_path, GOOD))
    call_command("import_indicators", write(tmp_path, GOOD.replace("12,140,1", "15,150,1")))
    assert Observation.objects.get(stage="formation", territory__code="35").women == 15
    assert IndicatorImport.objects.first().rows_changed == 1


def test_it_writes_nothing_on_a_dry_run(tmp_path, capsys):
    call_command("import_indicators", write(tmp_path, GOOD), "--dry-run")
    assert Observation.objects.count() == 0 and IndicatorImport.objects.count() == 0
    assert "Essai à blanc : 3 lignes à ajouter" in capsys.readouterr().out


def test_it_reads_french_excel_files(tmp_path):
    """Semicolons, Windows-1252, French headers in another order, thousands with spaces,
    a full ROME code, blank lines, trailing separators, no nomenclature column."""
    content = (
        "Étape;Territoire;Période;Domaine;Femmes;Hommes;Non renseigné;\r\n"
        "formation;35;2024;F1703;1 234;2\u00a0345;;\r\n"
        "\r\n"
        ";;;;;;;\r\n"
        "orientés;56;2024;K;1234;12;0;\r\n"
    )
    call_command("import_indicators", write(tmp_path, content, encoding="cp1252"))
    assert counts() == [(2024, 0, "35", "F", "formation", 1234, 2345, 0), (2024, 0, "56", "K", "orientes", 1234, 12, 0)]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_it_reads_utf8_with_or_without_bom(tmp_path, bom):
    content = bom + "période,territoire,domaine,étape,femmes,hommes\n2023,22,A,emploi,\u202f1 000,20\n".encode()
    call_command("import_indicators", write(tmp_path, content))
    assert counts() == [(2023, 0, "22", "A", "emploi", 1000, 20, 0)]


BAD_ROWS = [
    ("2024,99,rome,F,formation,1,2,0", "Ligne 3, colonne « territoire » : territoire inconnu « 99 »"),
    ("2024,35,nafa,F,formation,1,2,0", "Ligne 3, colonne « nomenclature » : nomenclature inconnue « nafa »"),
    (
        "2024,35,rome,Z,formation,1,2,0",
        "Ligne 3, colonne « domaine » : domaine inconnu « Z » dans la nomenclature rome",
    ),
    ("2024,35,rome,F,stage,1,2,0", "Ligne 3, colonne « étape » : étape inconnue « stage »"),
    ("2024,35,rome,F,formation,-1,2,0", "Ligne 3, colonne « femmes » : l’effectif « -1 » est négatif"),
    ("2024,35,rome,F,formation,1,2.5,0", "Ligne 3, colonne « hommes » : l’effectif « 2.5 » n’est pas un nombre entier"),
    ("2024,35,rome,F,formation,1,2,beaucoup", "Ligne 3, colonne « non_renseigne » : « beaucoup » n’est pas un nombre"),
    (
        "24-13,35,rome,F,formation,1,2,0",
        "Ligne 3, colonne « période » : « 24-13 » n’est ni une année (2024) ni un mois (2024-03)",
    ),
    ("2024,29,rome,F,formation,1,2,0", "Ligne 3 : la même clé figure déjà à la ligne 2"),
]


@pytest.mark.parametrize("bad, message", BAD_ROWS)
def test_it_rejects_the_whole_file_for_one_bad_row(tmp_path, capsys, bad, message):
    Observation.objects.create(year=2024, territory_id=1, domain_id=1, stage="emploi", women=1, men=1)
    before = counts()
    content = (
        "period,territory,nomenclature,domain,stage,women,men,unknown\n2024,29,rome,F,formation,1,2,0\n" + bad + "\n"
    )
    with pytest.raises(CommandError) as error:
        call_command("import_indicators", write(tmp_path, content))
    assert error.value.returncode == 1
    assert counts() == before
    assert IndicatorImport.objects.count() == 0
    err = capsys.readouterr().err
    assert message in err
    assert "Fichier refusé : 1 erreur, rien n’a été importé." in str(error.value)


def test_it_names_each_bad_row(tmp_path, capsys):
    content = "period,territory,domain,stage,women,men\n2024,99,F,formation,1,2\n2024,35,F,emploi,x,-2\n"
    with pytest.raises(CommandError):
        call_command("import_indicators", write(tmp_path, content))
    err = capsys.readouterr().err
    assert "Ligne 2, colonne « territoire »" in err
    assert "Ligne 3, colonne « femmes »" in err and "Ligne 3, colonne « hommes »" in err


def test_it_rejects_a_file_with_a_missing_column(tmp_path, capsys):
    with pytest.raises(CommandError):
        call_command("import_indicators", write(tmp_path, "period,territory,domain,stage,women\n2024,35,F,emploi,1\n"))
    assert "Colonne « hommes » : cette colonne manque" in capsys.readouterr().err
    assert Observation.objects.count() == 0


def test_it_rejects_an_empty_file(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_indicators", write(tmp_path, ""))


def test_it_imports_through_the_web_with_a_preview(client, coordinatrice, web_import):
    client.force_login(coordinatrice)
    Observation.objects.create(year=2024, territory_id=_id("35"), domain_id=_dom("F"), stage="emploi", women=3, men=98)
    Observation.objects.create(
        year=2024, territory_id=_id("35"), domain_id=_dom("F"), stage="formation", women=1, men=1
    )
    response = web_import(client, "fichier.csv", GOOD)
    html = response.content.decode()
    assert "Aperçu de « fichier.csv »" in html
    record = IndicatorImport.objects.get()
    assert (record.preview["added"], record.preview["changed"], record.preview["unchanged"]) == (1, 1, 1)
    assert record.get_status_display() in html
    assert Observation.objects.count() == 2  # nothing written yet
    response = web_import.confirm(client, record)
    assert "Importé : 1 ligne ajoutée, 1 modifiée, 1 inchangée." in response.content.decode()
    assert Observation.objects.count() == 3
    record.refresh_from_db()
    assert (record.imported_by, record.status, record.rows_added) == (coordinatrice, "done", 1)
    assert "Historique des imports" in client.get("/indicators/import/").content.decode()


def test_it_shows_the_report_of_a_rejected_upload(client, coordinatrice, web_import):
    client.force_login(coordinatrice)
    response = web_import(client, "mauvais.csv", "period,territory,domain,stage,women,men\n2024,99,F,emploi,1,2\n")
    html = response.content.decode()
    assert "Le fichier « mauvais.csv » a été refusé" in html
    assert "Ligne 2, colonne « territoire » : territoire inconnu « 99 »" in html
    assert IndicatorImport.objects.get().status == "rejected"
    assert not StagedRow.objects.exists()


def test_it_lets_only_the_uploader_or_an_admin_decide(client, coordinatrice, other_coordinator, web_import):
    client.force_login(coordinatrice)
    web_import(client, "fichier.csv", GOOD)
    record = IndicatorImport.objects.get()
    client.force_login(other_coordinator)
    assert client.get(record.get_absolute_url()).status_code == 200
    assert client.post(f"/indicators/import/{record.pk}/decide/", {"confirm": "1"}).status_code == 403
    assert Observation.objects.count() == 0


def test_it_cancels_a_checked_import_and_drops_its_rows(client, coordinatrice, web_import):
    client.force_login(coordinatrice)
    web_import(client, "fichier.csv", GOOD)
    record = IndicatorImport.objects.get()
    assert StagedRow.objects.count() == 3
    response = client.post(f"/indicators/import/{record.pk}/decide/", {"cancel": "1"}, follow=True)
    assert "Annulé : rien n’a été écrit." in response.content.decode()
    assert not StagedRow.objects.exists() and Observation.objects.count() == 0
    response = client.post(f"/indicators/import/{record.pk}/decide/", {"confirm": "1"}, follow=True)
    assert "Cet import ne peut plus être confirmé." in response.content.decode()
    assert Observation.objects.count() == 0


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_coordinators_and_admins_import(client, as_role, role):
    response = check(client, as_role, role, "/indicators/import/", COORDINATORS)
    if COORDINATORS[role] == 200:
        assert "Importer des indicateurs" in response.content.decode()
    elif COORDINATORS[role] == 404:
        upload = SimpleUploadedFile("f.csv", GOOD.encode())
        check(client, as_role, role, "/indicators/import/", 404, method="post", data={"file": upload})
        assert Observation.objects.count() == 0


def _id(code):
    from reference.models import Territory

    return Territory.objects.get(code=code).pk


def _dom(code):
    from reference.models import Domain

    return Domain.objects.get(nomenclature="rome", code=code).pk


def test_it_imports_many_rows_with_few_queries(django_assert_max_num_queries):
    lines = ["period,territory,domain,stage,women,men"]
    stages = ["sensibilises", "accueillis", "orientes", "formation", "alternance", "emploi"]
    for month in range(1, 13):
        for dom in "ABCDEFGHIJKLMN":
            for stage in stages:
                for territory in ("22", "29", "35", "56"):
                    lines.append(f"2024-{month:02d},{territory},{dom},{stage},{month},{month + 20}")
    data = "\n".join(lines).encode()
    # references, 12 months compared, the import record, the insert batches (SQLite's
    # 999-parameter limit makes ~40 of them for 4,032 rows; PostgreSQL 3): never one per row.
    with django_assert_max_num_queries(80):
        parsed, plan, record = import_file(data, file_name="gros.csv")
    assert parsed.ok and record.rows_added == 12 * 14 * 6 * 4 == Observation.objects.count()


FULL_CODES = (
    "period,territory,domain,stage,women,men,unknown\n"
    "2024,35,F1703,formation,3,40,1\n"
    "2024,35,F1704,formation,2,60,0\n"
    "2024,35,f1705,formation,1,5,2\n"
    "2024,35,F1703,emploi,4,30,0\n"
    "2024,35,K,formation,9,1,0\n"
)


def test_it_sums_full_rome_codes_of_one_domain(tmp_path, capsys):
    call_command("import_indicators", write(tmp_path, FULL_CODES))
    assert counts() == [
        (2024, 0, "35", "F", "emploi", 4, 30, 0),
        (2024, 0, "35", "F", "formation", 6, 105, 3),
        (2024, 0, "35", "K", "formation", 9, 1, 0),
    ]
    out = capsys.readouterr().out
    assert "3 lignes du fichier aux codes ROME complets ont été regroupées en 1 observation :" in out
    assert "3 lignes ajoutées" in out


def test_it_changes_nothing_when_a_file_of_full_codes_is_imported_again(tmp_path, capsys):
    path = write(tmp_path, FULL_CODES)
    call_command("import_indicators", path)
    before = counts()
    call_command("import_indicators", path)
    assert counts() == before
    assert "0 ligne ajoutée, 0 modifiée, 3 inchangées" in capsys.readouterr().out


@pytest.mark.parametrize("again", ["2024,35,F1703,formation,1,1,0", "2024,35, f1703 ,formation,1,1,0"])
def test_it_still_rejects_a_full_code_written_twice_in_one_key(tmp_path, capsys, again):
    content = FULL_CODES + again + "\n"
    with pytest.raises(CommandError):
        call_command("import_indicators", write(tmp_path, content))
    assert "Ligne 7 : la même clé figure déjà à la ligne 2" in capsys.readouterr().err
    assert Observation.objects.count() == 0 and IndicatorImport.objects.count() == 0


def test_it_says_in_the_preview_how_many_rows_were_combined(client, coordinatrice, web_import):
    client.force_login(coordinatrice)
    response = web_import(client, "rome.csv", FULL_CODES)
    html = response.content.decode()
    assert "3 lignes du fichier aux codes ROME complets ont été regroupées en 1 observation :" in html
    record = IndicatorImport.objects.get()
    assert record.preview["added"] == 3
    web_import.confirm(client, record)
    assert Observation.objects.get(domain__code="F", stage="formation").women == 6


def test_it_deletes_rows_staged_more_than_a_day_ago(tmp_path):
    StagedRow.objects.create(
        batch=f"{int(time.time()) - 2 * 24 * 3600:010d}-old", line=2, year=2024, month=0, territory_id=1,
        domain_id=1, stage="emploi", women=1, men=1, unknown=0, code="F",
    )  # fmt: skip
    call_command("import_indicators", write(tmp_path, GOOD))
    assert not StagedRow.objects.exists()


def test_it_rejects_a_domain_total_beside_its_detail(tmp_path, capsys):
    # A spreadsheet with a subtotal row: F and F1703 for the same key would count people twice.
    content = FULL_CODES + "2024,35,F,formation,50,50,0\n"
    with pytest.raises(CommandError):
        call_command("import_indicators", write(tmp_path, content))
    err = capsys.readouterr().err
    assert "Ligne 7" in err and "comptent les mêmes personnes" in err
    assert Observation.objects.count() == 0


def test_it_lists_changed_rows_old_and_new_in_the_preview(client, coordinatrice, web_import):
    for domain in "ABCDEFGHIJKLMN":
        for stage in ("sensibilises", "accueillis", "orientes", "formation"):
            obs("35", domain, stage, 40, 60)
    lines = ["période;territoire;domaine;étape;femmes;hommes"]
    for domain in "ABCDEFGHIJKLMN":
        for stage in ("sensibilises", "accueillis", "orientes", "formation"):
            lines.append(f"2024;35;{domain};{stage};45;60")
    client.force_login(coordinatrice)
    html = web_import(client, "maj.csv", "\n".join(lines)).content.decode()
    assert "Lignes dont les effectifs changent : ancien → nouveau" in html
    assert "<del>40</del> → <ins>45</ins>" in html
    assert html.count("<del>") == 50
    assert "et 6 autres lignes dont les effectifs changent." in html
    assert Observation.objects.filter(women=45).count() == 0


def test_it_shows_the_history_after_a_command_line_import(client, coordinatrice, tmp_path):
    call_command("import_indicators", write(tmp_path, GOOD))
    client.force_login(coordinatrice)
    response = client.get("/indicators/import/")
    assert response.status_code == 200
    row = [r for r in response.content.decode().split("<tr>") if "indicateurs.csv" in r][0]
    assert "<td>—</td>" in row


def test_it_refuses_nul_characters_in_an_uploaded_file_without_a_500(client, coordinatrice, web_import):
    """NUL in a cell never reaches the database (PostgreSQL refuses it): the report says which line."""
    client.force_login(coordinatrice)
    body = "period,territory,domain,stage,women,men\n2024,3\x005,F,emploi,1,2\n2024,35,F\x00,emploi,1,2\n"
    html = web_import(client, "nul.csv", body).content.decode()
    assert "a été refusé" in html and "Ligne 2" in html
    assert Observation.objects.count() == 0


# --- Territory codes at their level (SPEC.md, "Territory codes as files carry them") -----------------


def test_it_reads_a_plain_code_at_the_level_of_the_niveau_column(client, admin_user):
    data = "période;niveau;territoire;domaine;étape;femmes;hommes\n2024;département;53;F;formation;12;88\n"
    parsed, _plan, _record = import_file(data.encode(), file_name="mayenne.csv")
    assert parsed.ok, parsed.report()
    row = Observation.objects.select_related("territory__parent").get()
    assert (row.territory.name, row.territory.parent.name) == ("Mayenne", "Pays de la Loire")
    client.force_login(admin_user)
    assert client.get("/indicators/summary.json?territory=52").json()["stages"][3]["women"] == 12
    assert client.get("/indicators/summary.json?territory=53").json()["stages"][3]["women"] is None


def test_it_reads_english_levels_and_keeps_files_without_the_column(db):
    data = (
        "period,level,territory,domain,stage,women,men\n"
        "2024,region,53,F,formation,1,2\n2024,department,29,F,formation,3,4\n"
    )
    parsed, _plan, _record = import_file(data.encode(), file_name="en.csv")
    assert parsed.ok, parsed.report()
    assert sorted(Observation.objects.values_list("territory__code", flat=True)) == ["29", "53"]
    old = "période;territoire;domaine;étape;femmes;hommes\n2024;53;K;formation;5;6\n2024;D53;K;formation;7;8\n"
    parsed, _plan, _record = import_file(old.encode(), file_name="old.csv")
    assert parsed.ok
    assert set(Observation.objects.filter(domain__code="K").values_list("territory__name", flat=True)) == {
        "Bretagne",
        "Mayenne",
    }


def test_it_rejects_an_unknown_level(db):
    data = (
        "période;niveau;territoire;domaine;étape;femmes;hommes\n"
        "2024;canton;53;F;formation;1;2\n2024;région;999;F;formation;1;2\n"
    )
    parsed, _plan, _record = import_file(data.encode(), file_name="bad.csv")
    assert parsed.report() == [
        "Ligne 2, colonne « niveau » : niveau « canton » inconnu",
        "Ligne 3, colonne « territoire » : territoire « 999 » inconnu au niveau « région »",
    ]
    assert not Observation.objects.exists()


# --- Files of any size: limits, bounds, oversized fields --------------------------------------------


def test_it_refuses_a_60_mb_upload_politely(client, coordinatrice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    assert settings.INDICATORS_UPLOAD_MAX_BYTES == 50 * 1024 * 1024
    line = b"2024;35;F;formation;1;2\n"
    data = b"periode;territoire;domaine;etape;femmes;hommes\n" + line * (60 * 1024 * 1024 // len(line))
    client.force_login(coordinatrice)
    response = client.post("/indicators/import/", {"file": SimpleUploadedFile("enorme.csv", data, "text/csv")})
    assert response.status_code == 413
    html = response.content.decode()
    assert "Ce fichier dépasse 50 Mo, la limite de la page d’import." in html
    assert "en ligne de commande" in html
    assert not IndicatorImport.objects.exists() and not StagedRow.objects.exists()
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.csv"))


def test_it_takes_the_upload_limit_from_the_settings(client, coordinatrice, settings):
    settings.INDICATORS_UPLOAD_MAX_BYTES = 512 * 1024
    client.force_login(coordinatrice)
    data = GOOD.encode() + b"2024,35,rome,K,emploi,1,2,0\n" * 30_000
    response = client.post("/indicators/import/", {"file": SimpleUploadedFile("f.csv", data, "text/csv")})
    assert "Ce fichier dépasse 0,5 Mo" in response.content.decode()
    assert "Jusqu’à 0,5 Mo." in response.content.decode()


HUGE = "99999999999999999999"


def test_it_gives_a_row_error_for_a_count_the_database_cannot_hold(tmp_path, capsys, client, coordinatrice, web_import):
    content = f"period,territory,domain,stage,women,men\n2024,35,F,emploi,{HUGE},2\n2024,35,K,emploi,2147483647,2\n"
    with pytest.raises(CommandError):
        call_command("import_indicators", write(tmp_path, content))
    err = capsys.readouterr().err
    assert f"Ligne 2, colonne « femmes » : l’effectif « {HUGE} » dépasse ce que la base peut contenir" in err
    assert "Ligne 3" not in err  # the largest integer the column holds is fine
    client.force_login(coordinatrice)
    html = web_import(client, "huge.csv", content).content.decode()
    assert "dépasse ce que la base peut contenir" in html and "a été refusé" in html
    assert Observation.objects.count() == 0


def test_it_gives_a_row_error_when_full_codes_add_up_past_what_the_database_holds(tmp_path, capsys):
    content = "period,territory,domain,stage,women,men\n2024,35,F1703,emploi,2147483647,2\n2024,35,F1704,emploi,1,2\n"
    with pytest.raises(CommandError):
        call_command("import_indicators", write(tmp_path, content))
    assert "Ligne 2 : les effectifs additionnés pour ce domaine dépassent" in capsys.readouterr().err
    assert Observation.objects.count() == 0


@pytest.mark.parametrize("size", [300, 200_000])
def test_it_gives_a_row_error_for_an_oversized_field(tmp_path, capsys, client, coordinatrice, web_import, size):
    content = f"period,territory,domain,stage,women,men\n2024,35,F,emploi,1,2\n2024,35,{'F' * size},emploi,1,2\n"
    with pytest.raises(CommandError) as error:
        call_command("import_indicators", write(tmp_path, content))
    assert error.value.returncode == 1
    assert "Ligne 3" in capsys.readouterr().err
    client.force_login(coordinatrice)
    response = web_import(client, "long.csv", content)
    assert response.status_code == 200 and "Ligne 3" in response.content.decode()
    assert Observation.objects.count() == 0


def test_it_draws_a_progress_bar_on_the_command_line(tmp_path, capsys):
    call_command("import_indicators", write(tmp_path, GOOD), "--progress")
    err = capsys.readouterr().err
    assert "[##############################] 100 %  3 lignes" in err


def test_it_reports_the_first_errors_and_counts_the_others(tmp_path, capsys):
    content = "period,territory,domain,stage,women,men\n" + "2024,99,F,emploi,1,2\n" * 250
    with pytest.raises(CommandError) as error:
        call_command("import_indicators", write(tmp_path, content))
    err = capsys.readouterr().err
    assert "… et 50 autres erreurs." in err
    assert "Fichier refusé : 250 erreurs" in str(error.value)


def test_it_drops_a_preview_left_unconfirmed_for_a_day(client, coordinatrice, web_import):

    client.force_login(coordinatrice)
    web_import(client, "ancien.csv", GOOD)
    old = IndicatorImport.objects.get()
    with time_machine.travel(old.imported_at + dt.timedelta(days=2)):
        web_import(client, "nouveau.csv", GOOD)
    old.refresh_from_db()
    assert old.status == "cancelled"
    assert StagedRow.objects.count() == 3  # the new one's

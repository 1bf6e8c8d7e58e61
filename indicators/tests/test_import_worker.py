"""A large file through the web import and a real Celery worker: upload, progress page, preview,
confirmation, written. On SQLite with the filesystem broker by default; on PostgreSQL and Redis
when DATABASE_URL / CELERY_BROKER_URL say so."""

import time
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import free_port, stop_process
from indicators.models import IndicatorImport, Observation
from meetings.tests.test_notices_worker import service_env, start_worker
from reference.models import STAGE_ORDER, Domain, Territory

ROWS = 200_000


def big_file(rows):
    territories = list(Territory.objects.values_list("code", flat=True))
    domains = list(Domain.objects.filter(nomenclature="rome").values_list("code", flat=True))
    lines = ["période;territoire;domaine;étape;femmes;hommes"]
    periods = [f"{year}" if not month else f"{year}-{month:02d}" for year in (2023, 2024) for month in range(13)]
    for period in periods:
        for territory in territories:
            for domain in domains:
                for stage in STAGE_ORDER:
                    lines.append(f"{period};{territory};{domain};{stage};{len(lines) % 97};{len(lines) % 89}")
                    if len(lines) > rows:
                        return ("\n".join(lines) + "\n").encode()
    raise AssertionError("not enough keys")


def wait_for(record, statuses, pages, client, timeout=600):
    """Poll the import's page until its record reaches one of `statuses`; keep what the pages said."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # The status first, then the page: the page read last then shows at least that status
        # (read the other way round, the task could finish between the two).
        record.refresh_from_db()
        pages.append(client.get(record.get_absolute_url()).content.decode())
        if record.status in statuses:
            return record
        time.sleep(1)
    raise AssertionError(f"import still {record.status}")


@pytest.mark.celery
def test_it_imports_200000_rows_through_the_task_with_its_progress_page(
    transactional_db,
    client,
    coordinatrice,
    own_queue,
    tmp_path,
    settings,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    data = big_file(ROWS)
    client.force_login(coordinatrice)
    response = client.post("/indicators/import/", {"file": SimpleUploadedFile("national.csv", data, "text/csv")})
    assert response.status_code == 302
    record = IndicatorImport.objects.get()
    pages = [client.get(response.url).content.decode()]
    assert "En attente de vérification" in pages[0] and "<progress" in pages[0]
    assert 'http-equiv="refresh"' in pages[0]
    env = service_env(SimpleNamespace(url=f"smtp://127.0.0.1:{free_port()}"), WEKKER_MEDIA_ROOT=str(tmp_path / "media"))
    worker = start_worker(env, tmp_path, own_queue)
    try:
        record = wait_for(record, {"checked", "rejected", "failed"}, pages, client)
        assert record.status == "checked", record.report or worker.log_path.read_text()[-3000:]
        assert "Aperçu de « national.csv »" in pages[-1] and "200\xa0000" in pages[-1]
        assert Observation.objects.count() == 0
        client.post(f"/indicators/import/{record.pk}/decide/", {"confirm": "1"})
        record = wait_for(record, {"done", "failed"}, pages, client)
    finally:
        stop_process(worker)
    assert record.status == "done", worker.log_path.read_text()[-3000:]
    assert "Importé : 200\xa0000 lignes ajoutées, 0 modifiée, 0 inchangée." in pages[-1]
    assert Observation.objects.count() == ROWS
    assert record.rows_read == ROWS

"""The observatory at national scale (issue 10): the dashboard and summary.json over the rollup,
cold and warm, in process and under concurrent load through gunicorn (2 workers) beside a trivial
Django view; then a large CSV through the web import (upload, Celery check, confirm, write) with the
peak memory of the processes that did the work.

    createdb -h 127.0.0.1 -U postgres wekker_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wekker_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 python benchmarks/bench_observatory.py

It writes into the database it is given (observations up to BENCH_OBSERVATIONS, default
1,000,000; the import's rows, deleted at the end). Sizes: BENCH_OBSERVATIONS, BENCH_IMPORT_ROWS
(default 1,000,000), BENCH_RUNS (in-process requests per figure, 30), BENCH_CLIENTS (concurrent
clients, 8), BENCH_SECONDS (per URL under load, 15). Prints Markdown tables.
"""

import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wekker.settings")
os.environ["CACHE_URL"] = "locmem://"  # "cold" empties this process's cache, never a shared Redis

import django

from benchmarks import benchutil  # the SECRET_KEY this process and its servers share, before the settings

django.setup()

import logging

logging.getLogger("django.request").setLevel(logging.CRITICAL)

from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client

from indicators import rollup
from indicators.models import IndicatorImport, Observation, Rollup
from indicators.scale import ensure_missions_locales, generate_observations
from reference.models import STAGE_ORDER, Domain, Territory

OBSERVATIONS = int(os.getenv("BENCH_OBSERVATIONS", "1000000"))
IMPORT_ROWS = int(os.getenv("BENCH_IMPORT_ROWS", "1000000"))
RUNS = int(os.getenv("BENCH_RUNS", "30"))
CLIENTS = int(os.getenv("BENCH_CLIENTS", "8"))
SECONDS = float(os.getenv("BENCH_SECONDS", "15"))
IMPORT_YEAR = 2031  # and the years after: years the generator never uses
URLS = ("/indicators/", "/indicators/summary.json")


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def p95(values):
    values = sorted(values)
    return values[max(0, int(round(len(values) * 0.95)) - 1)]


def ensure_data():
    """Observations topped up to OBSERVATIONS (the generator refreshes the rollup), then ANALYZE."""
    existing = Observation.objects.count()
    if existing < OBSERVATIONS:
        seconds, made = timed(lambda: generate_observations(OBSERVATIONS - existing, seed=1))
        print(f"generated {made:,} observations and their rollup in {seconds:.1f} s")
    elif not Rollup.objects.exists():
        seconds, _ = timed(rollup.refresh)
        print(f"built the rollup in {seconds:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seconds, _ = timed(rollup.refresh)
    return Observation.objects.count(), seconds


def in_process(user):
    """(url, cold p50, cold p95, warm p50, warm p95) in ms, through Django's test client."""
    client = Client()
    client.force_login(user)
    rows = []
    for url in URLS:
        cold, warm = [], []
        for _ in range(RUNS):
            cache.clear()  # what an import leaves: nothing of the new figures or charts cached
            cold.append(timed(lambda url=url: client.get(url))[0] * 1000)
        for _ in range(RUNS):
            warm.append(timed(lambda url=url: client.get(url))[0] * 1000)
        rows.append((url, statistics.median(cold), p95(cold), statistics.median(warm), p95(warm)))
    return rows


def session_for(user):
    """A logged-in session cookie for the load clients."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def server_env():
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "benchmarks.load.settings"
    env["PYTHONPATH"] = str(ROOT)
    env.setdefault("CACHE_URL", "locmem://")  # each worker its own cache: no Redis to flush by mistake
    env["DEBUG"] = "false"
    env["SECURE_SSL_REDIRECT"] = "false"  # plain HTTP on the loopback; TLS is the proxy's in production
    env["SECRET_KEY"] = settings.SECRET_KEY  # the sessions made here must read there
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    return env


def start_gunicorn(port):
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=server_env(), check=True
    )
    command = [
        sys.executable, "-m", "gunicorn", "wekker.wsgi:application", "--workers", "2",
        "--bind", f"127.0.0.1:{port}", "--timeout", "300", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=server_env(), start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection_ = HTTPConnection("127.0.0.1", port, timeout=5)
            connection_.request("GET", "/bench/trivial/")
            if connection_.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("gunicorn did not start")


def load(port, cookie, url, clients=CLIENTS, seconds=SECONDS):
    """Several clients on keep-alive connections for `seconds`: (requests, errors, rps, p50 ms, p95 ms)."""
    latencies, errors, lock = [], [0], threading.Lock()
    stop_at = time.monotonic() + seconds

    def client():
        conn = HTTPConnection("127.0.0.1", port, timeout=120)
        while time.monotonic() < stop_at:
            start = time.perf_counter()
            try:
                conn.request("GET", url, headers={"Cookie": cookie})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                conn, ok = HTTPConnection("127.0.0.1", port, timeout=120), False
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                (latencies.append(elapsed) if ok else errors.__setitem__(0, errors[0] + 1))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies), errors[0], len(latencies) / seconds, statistics.median(latencies), p95(latencies)


def peak_kib(pid):
    """The peak resident memory (VmHWM) of a live process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def children(pid):
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def import_csv(path, rows):
    """`rows` yearly and monthly observations of the Missions Locales from IMPORT_YEAR on, as i-Milo writes them."""
    territories = list(Territory.objects.filter(level="mission_locale").values_list("code", flat=True))
    domains = list(Domain.objects.filter(nomenclature="rome").values_list("code", flat=True))

    def keys():
        year = IMPORT_YEAR
        while True:
            for month in range(13):
                for stage in STAGE_ORDER:
                    for domain in domains:
                        for territory in territories:
                            yield (f"{year}-{month:02d}" if month else f"{year}"), territory, domain, stage
            year += 1

    with open(path, "w", encoding="utf-8") as f:
        f.write("période;niveau;territoire;domaine;étape;femmes;hommes;non_renseigne\n")
        for i, (period, territory, domain, stage) in zip(range(rows), keys(), strict=False):
            f.write(f"{period};mission locale;{territory};{domain};{stage};{i % 97};{i % 89};{i % 3}\n")
    return path.stat().st_size


def csrf(port, cookie):
    conn = HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/indicators/import/", headers={"Cookie": cookie})
    response = conn.getresponse()
    html = response.read().decode()
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    cookie_token = response.getheader("Set-Cookie").split("csrftoken=")[1].split(";")[0]
    return token, f"{cookie}; csrftoken={cookie_token}"


def post(port, cookie, path, fields, file=None):
    """A multipart POST; the file is streamed from disk. Returns (status, seconds, Location)."""
    boundary = uuid.uuid4().hex
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    )
    tail = f"--{boundary}--\r\n".encode()
    file_head = b""
    size = 0
    if file is not None:
        file_head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file.name}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        size = file.stat().st_size + 2
    length = len(head) + len(file_head) + size + len(tail)
    conn = HTTPConnection("127.0.0.1", port, timeout=600)
    start = time.perf_counter()
    conn.putrequest("POST", path)
    for name, value in (
        ("Cookie", cookie),
        ("Content-Type", f"multipart/form-data; boundary={boundary}"),
        ("Content-Length", str(length)),
    ):
        conn.putheader(name, value)
    conn.endheaders()
    conn.send(head)
    if file is not None:
        conn.send(file_head)
        with open(file, "rb") as f:
            while chunk := f.read(1 << 20):
                conn.send(chunk)
        conn.send(b"\r\n")
    conn.send(tail)
    response = conn.getresponse()
    response.read()
    return response.status, time.perf_counter() - start, response.getheader("Location")


def start_worker(tmp):
    command = [
        sys.executable, "-m", "celery", "-A", "wekker", "worker", "--pool=solo", "--without-gossip",
        "--without-mingle", "--without-heartbeat", "-n", f"bench-{uuid.uuid4().hex[:6]}@%h", "--loglevel=WARNING",
    ]  # fmt: skip
    log = open(tmp / "worker.log", "w")  # noqa: SIM115 – the worker writes to it until it stops
    return subprocess.Popen(
        command, cwd=ROOT, env=server_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_status(pk, statuses, timeout=3600):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        record = IndicatorImport.objects.get(pk=pk)
        if record.status in statuses:
            return record
        time.sleep(0.5)
    raise SystemExit(f"import {pk} still {record.status}")


def web_import(port, cookie, tmp):
    """Upload, check (task), confirm, write (task): timings and peak memory of the worker and of gunicorn."""
    ensure_missions_locales()
    path = tmp / "national.csv"
    size = import_csv(path, IMPORT_ROWS)
    worker = start_worker(tmp)
    try:
        token, with_csrf = csrf(port, cookie)
        status, upload_s, location = post(port, with_csrf, "/indicators/import/", {"csrfmiddlewaretoken": token}, path)
        if status != 302:
            raise SystemExit(f"upload answered {status}")
        pk = int(location.rstrip("/").rsplit("/", 1)[1])
        check_s, record = timed(lambda: wait_status(pk, {"checked", "rejected", "failed"}))
        if record.status != "checked":
            raise SystemExit(f"import {record.status}: {record.report[:5]}")
        status, confirm_s, _ = post(
            port, with_csrf, f"/indicators/import/{pk}/decide/", {"csrfmiddlewaretoken": token, "confirm": "1"}
        )
        write_s, record = timed(lambda: wait_status(pk, {"done", "failed"}))
        worker_peak = peak_kib(worker.pid)
    finally:
        benchutil.stop(worker, seconds=30)
    return {
        "rows": IMPORT_ROWS, "bytes": size, "upload_s": upload_s, "check_s": check_s, "confirm_s": confirm_s,
        "write_s": write_s, "status": record.status, "added": record.rows_added, "worker_peak_mib": worker_peak / 1024,
    }  # fmt: skip


def under_load(port, cookie):
    print(f"\nUnder load: gunicorn, 2 sync workers, {CLIENTS} clients, {SECONDS:.0f} s per URL\n")
    print("| url | requests | errors | req/s | p50 ms | p95 ms |\n| --- | --- | --- | --- | --- | --- |")
    results = {}
    for url in ("/bench/trivial/", *URLS):
        load(port, cookie, url, seconds=2)  # each worker warms its cache
        results[url] = load(port, cookie, url)
        n, errors, rps, p50, p95_ = results[url]
        print(f"| `{url}` | {n:,} | {errors} | {rps:.0f} | {p50:.1f} | {p95_:.1f} |")
    return results


def main():
    import tempfile

    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: DATABASE_URL=postgres://… (a database of its own; it writes into it).")
    call_command("migrate", verbosity=0)
    total, refresh_s = ensure_data()
    admin, _ = get_user_model().objects.get_or_create(username="bench-admin", defaults={"is_staff": True})
    admin.is_superuser = admin.is_staff = True
    admin.save()
    print(f"\n{total:,} observations on PostgreSQL; a full rollup refresh takes {refresh_s:.1f} s\n")
    print(f"In process (Django test client), {RUNS} requests each; cold = cache emptied before each request\n")
    print("| url | cold p50 ms | cold p95 ms | warm p50 ms | warm p95 ms |\n| --- | --- | --- | --- | --- |")
    for url, cold50, cold95, warm50, warm95 in in_process(admin):
        print(f"| `{url}` | {cold50:.0f} | {cold95:.0f} | {warm50:.1f} | {warm95:.1f} |")
    port = benchutil.free_port()
    server = start_gunicorn(port)
    cookie = session_for(admin)
    try:
        results = under_load(port, cookie)
        trivial = results["/bench/trivial/"]
        for url in URLS:
            print(f"\n`{url}` against the trivial view: {results[url][3] / trivial[3]:.1f}× its p50 latency, "
                  f"{trivial[2] / results[url][2]:.1f}× fewer requests per second")  # fmt: skip
        if IMPORT_ROWS:
            with tempfile.TemporaryDirectory() as tmp:
                result = web_import(port, cookie, Path(tmp))
            gunicorn_peak = max((peak_kib(pid) for pid in children(server.pid)), default=0) / 1024
            print(
                f"\nWeb import of {result['rows']:,} rows ({result['bytes'] / 1e6:.1f} MB): upload answered in "
                f"{result['upload_s']:.1f} s, checked by the task in {result['check_s']:.1f} s, confirmation answered "
                f"in {result['confirm_s']:.2f} s, written (with the rollup) in {result['write_s']:.1f} s; "
                f"status {result['status']}, {result['added']:,} added. Peak memory: Celery worker "
                f"{result['worker_peak_mib']:.0f} MiB, gunicorn worker {gunicorn_peak:.0f} MiB."
            )
    finally:
        benchutil.stop(server, seconds=30)
        years = sorted(set(Observation.objects.filter(year__gte=IMPORT_YEAR).values_list("year", flat=True)))
        Observation.objects.filter(year__gte=IMPORT_YEAR).delete()
        rollup.refresh(years)


if __name__ == "__main__":
    main()

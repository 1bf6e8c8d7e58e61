"""Pages under concurrent load, next to Django's own floor, in one run.

gunicorn (2 sync workers, production settings: DEBUG off, cached template loader) serves the
project plus one trivial view (`/bench/trivial/`, benchmarks/load/: a one-line HttpResponse, the floor of this
stack). wrk (2 threads, 4 connections, BENCH_SECONDS each) drives every page as the
coordinatrice of a national-scale group and as an admin, then the Django admin changelist
of the same model, so each page reads as a share of the floor and against the admin. With a
Redis cache, pages are measured twice: as kept for their reader (wekker/pagecache.py: what a
person who comes back to a page gets) and drawn with nothing kept (PAGE_CACHE_SECONDS=0: the
first view after a change); BENCH_DRAWN=0 skips the second.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wekker_bench CACHE_URL=redis://127.0.0.1:6379/1 \
        python benchmarks/bench_http.py

Needs `wrk` (Debian package) and data from `python manage.py seed_scale`.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wekker.settings")

import benchutil  # sets the SECRET_KEY the servers share, before the settings are read
import django

django.setup()

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from groups.models import Membership

SECONDS = int(os.getenv("BENCH_SECONDS", "10"))
# Also every page with nothing kept (PAGE_CACHE_SECONDS=0), the cost of its first view after a change.
DRAWN = os.getenv("BENCH_DRAWN", "1") != "0"
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %d, "seconds": %f, "p50": %f, "p95": %f, "p99": %f, "errors": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3, summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""

# Each page, and the admin changelist of the model it lists (None: no admin counterpart).
PAGES = [
    ("accueil", "/", None),
    ("groupes", "/groups/", "/admin/groups/workinggroup/"),
    ("page d’un groupe", "/groups/{group}/", None),
    ("réunion", "/meetings/{meeting}/", None),
    ("mon agenda", "/my/agenda/", "/admin/meetings/meeting/"),
    ("actions", "/actions/", "/admin/meetings/action/"),
    ("actions en retard", "/actions/?overdue=true", "/admin/meetings/action/"),
    ("partenaires", "/partners/", "/admin/stakeholders/contact/"),
    ("partenaires, recherche", "/partners/?q=martin", "/admin/stakeholders/contact/?q=martin"),
    ("indicateurs", "/indicators/", None),
    ("summary.json", "/indicators/summary.json", None),
]


def wrk(url, cookie=None):
    """req/s and latency percentiles (ms) of one URL under wrk; the page must answer 200 first."""
    if (code := benchutil.status(url, cookie)) != 200:
        sys.exit(f"{url} answered {code}, not 200: the benchmark would measure something else")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    command = ["wrk", "-t2", "-c4", f"-d{SECONDS}s", "--timeout", "10s", "-s", script.name, url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: sessionid={cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = json.loads(output.strip().splitlines()[-1])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def logins():
    """Session cookies of the coordinatrice of a scale group and of an admin, with that group."""
    membership = (
        Membership.objects.filter(role=Membership.Role.COORDINATOR, group__slug__startswith="scale-")
        .exclude(contact__user=None)
        .select_related("contact__user", "group")
        .order_by("pk")
        .first()
    )
    if membership is None:
        sys.exit("No scale data: run `python manage.py seed_scale` on this database first.")
    admin, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    cookies = {}
    for who, user in (("coordinatrice", membership.contact.user), ("admin", admin)):
        client = Client()
        client.force_login(user)
        cookies[who] = client.cookies["sessionid"].value
    meeting = membership.group.meetings.order_by("-starts_at").first()
    return cookies, {"group": membership.group.slug, "meeting": meeting.pk}


def report(kept, drawn, floor):
    print(f"Trivial view (mean): {floor['rps']:.0f} req/s, p50 {floor['p50']:.1f} ms, p95 {floor['p95']:.1f} ms")
    print("Kept: the page sent again, as kept for its reader (wekker/pagecache.py); drawn: with nothing kept.")
    print(
        f"{'login':14} {'page':24} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'% floor':>8} {'× admin':>8} {'err':>4}"
        f" | {'drawn':>6} {'p95 ms':>7} {'% floor':>8} {'× admin':>8}"
    )
    for (who, name), result, admin in kept:
        share = 100 * result["rps"] / floor["rps"]
        line = (
            f"{who:14} {name:24} {result['rps']:>7.0f} {result['p50']:>7.1f} {result['p95']:>7.1f} "
            f"{share:>7.1f}% {versus(result, admin):>8} {result['errors']:>4}"
        )
        if (who, name) in drawn:
            other = drawn[who, name]
            line += (
                f" | {other['rps']:>6.0f} {other['p95']:>7.1f} {100 * other['rps'] / floor['rps']:>7.1f}% "
                f"{versus(other, admin):>8}"
            )
        print(line)


def versus(result, admin):
    return f"{result['rps'] / admin['rps']:.2f}" if admin else "—"


def measure(base, cookies, ids, admin_results=None):
    """Every page for every login; and, when given a dict, the admin changelists into it."""
    rows = []
    for who, cookie in cookies.items():
        for name, path, admin_path in PAGES:
            result = wrk(base + path.format(**ids), cookie)
            if admin_results is not None and admin_path and admin_path not in admin_results:
                admin_results[admin_path] = wrk(base + admin_path, cookies["admin"])
            rows.append(((who, name), result, (admin_results or {}).get(admin_path)))
    return rows


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    cookies, ids = logins()
    env = benchutil.server_env()
    if not settings.PAGE_CACHE_SECONDS:
        print("No Redis cache (CACHE_URL or a redis:// CELERY_BROKER_URL): no page is kept in this run.")
    admin_results = {}
    drawn = {}
    port = benchutil.free_port()
    base = f"http://127.0.0.1:{port}"
    with benchutil.gunicorn(port, env):
        before = wrk(base + benchutil.TRIVIAL)
        kept = measure(base, cookies, ids, admin_results)
    if DRAWN and settings.PAGE_CACHE_SECONDS:
        with benchutil.gunicorn(port, {**env, "PAGE_CACHE_SECONDS": "0"}):
            drawn = {key: result for key, result, _admin in measure(base, cookies, ids)}
            # The floor before and after every page: on a shared machine it drifts during a run.
            after = wrk(base + benchutil.TRIVIAL)
    else:
        with benchutil.gunicorn(port, env):
            after = wrk(base + benchutil.TRIVIAL)
    floor = {key: (before[key] + after[key]) / 2 for key in ("rps", "p50", "p95")}
    print(f"\nTrivial view before the pages {before['rps']:.0f} req/s, after them {after['rps']:.0f} req/s")
    report(kept, drawn, floor)


if __name__ == "__main__":
    main()

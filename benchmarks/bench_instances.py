"""Several machines for real: two web instances and two Celery workers on one PostgreSQL and one Redis.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wekker_send_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/11 .venv/bin/python benchmarks/bench_instances.py

Uses bench_scaleout.py's data (it **empties the database it is given** when that data is
not there yet; the name must contain `bench`). All on 127.0.0.1, as two machines behind a
load balancer would be, without sticky sessions:

1. two gunicorn instances (2 workers each, production settings, the same SECRET_KEY);
2. BENCH_USERS people sign in through the login form of instance A, as many through B;
   every session is then used on the other instance: it must be signed in there (200, not
   a redirect to the login page);
3. wrk drives a few pages through one instance, then through both at once (one wrk each,
   half the connections each): total req/s, both against one;
4. two Celery workers (concurrency 2 each) send the 10,008 due reminders to an SMTP sink:
   time, duplicates, losses.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import bench_scaleout  # sets up Django, the data and the sink
import benchutil
from bench_http import WRK_SCRIPT
from django.contrib.auth import get_user_model

from groups.models import Membership

USERS = int(os.getenv("BENCH_USERS", "20"))
SECONDS = int(os.getenv("BENCH_SECONDS", "10"))
PASSWORD = "bench-instances-password-42"  # noqa: S105 – made up for the benchmark's own logins
PAGES = [("accueil", "/"), ("groupes", "/groups/"), ("mon agenda", "/my/agenda/"), ("actions", "/actions/")]


def people(count):
    """`count` logins of group coordinators (created once), for the sign-ins of the benchmark."""
    User = get_user_model()
    memberships = (
        Membership.objects.filter(role=Membership.Role.COORDINATOR)
        .select_related("contact")
        .order_by("group_id")[:count]
    )
    names = []
    for n, membership in enumerate(memberships):
        user, created = User.objects.get_or_create(username=f"bench-instances-{n}")
        if created:
            user.set_password(PASSWORD)
            user.save()
        contact = membership.contact
        if contact.user_id != user.pk:
            contact.user = user
            contact.save(update_fields=["user"])
        names.append(user.username)
    return names


def cookies_of(response, jar):
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def open_url(url, jar, data=None):
    """One request with these cookies (Secure cookies sent over plain HTTP, as a TLS load balancer
    in front would), redirects not followed; (status, body, jar)."""
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
    if data is not None:
        data = urllib.parse.urlencode(data).encode()
        headers["Referer"] = url
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 – local http URLs only
    opener = urllib.request.build_opener(benchutil.NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode(), cookies_of(response, jar)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), cookies_of(error, jar)


def sign_in(base, username):
    """Sign in through the login form of the instance at `base`; the session cookie it set."""
    status, body, jar = open_url(f"{base}/accounts/login/", {})
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    form = {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
    status, body, jar = open_url(f"{base}/accounts/login/", jar, form)
    if status != 302 or "sessionid" not in jar:
        sys.exit(f"signing in {username} through {base} answered {status}")
    return jar


def sessions_across(bases, usernames):
    """Sign half in through each instance, use each session on the other one: (survived, total)."""
    survived = 0
    for n, username in enumerate(usernames):
        home, other = bases[n % 2], bases[1 - n % 2]
        jar = sign_in(home, username)
        status, body, _ = open_url(f"{other}/", {"sessionid": jar["sessionid"]})
        survived += status == 200 and "accounts/logout" in body
    return survived, len(usernames)


def wrk_start(url, cookie, threads, connections):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{SECONDS}s", "--timeout", "10s", "-s", script.name]
    command += ["-H", f"Cookie: sessionid={cookie}", url]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)


def wrk_result(process):
    output, _ = process.communicate()
    return json.loads(output.strip().splitlines()[-1])


def throughput(bases, cookie):
    """Per page: req/s through instance A alone (2 threads, 4 connections), then through A and B
    at once (1 thread, 2 connections each), and the p95 of each run."""
    rows = []
    for name, path in PAGES:
        one = wrk_result(wrk_start(bases[0] + path, cookie, 2, 4))
        both = [wrk_result(p) for p in [wrk_start(base + path, cookie, 1, 2) for base in bases]]
        rows.append((name, one, both))
    return rows


def main():
    if "bench" not in str(bench_scaleout.connection.settings_dict["NAME"]):
        sys.exit("This benchmark may empty the database it is given: its name must contain 'bench'.")
    bench_scaleout.call_command("migrate", verbosity=0)
    bench_scaleout.prepare()
    usernames = people(USERS * 2)
    env = benchutil.server_env()
    ports = [benchutil.free_port(), benchutil.free_port()]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    with benchutil.gunicorn(ports[0], env), benchutil.gunicorn(ports[1], env):
        started = time.perf_counter()
        survived, total = sessions_across(bases, usernames)
        sign_ins = time.perf_counter() - started
        cookie = sign_in(bases[0], usernames[0])["sessionid"]
        rows = throughput(bases, cookie)
        reminders = bench_scaleout.two_workers_run()
    report(survived, total, sign_ins, rows, reminders)


def report(survived, total, sign_ins, rows, reminders):
    print(f"\nsessions signed in on one instance and used on the other: {survived} of {total} ({sign_ins:.1f} s)")
    print(f"\n{'page':<12} {'A alone req/s':>14} {'p95 ms':>7} {'A+B req/s':>10} {'p95 ms A/B':>12} {'× one':>6}")
    for name, one, both in rows:
        rps_one = one["requests"] / one["seconds"]
        rps_both = sum(r["requests"] / r["seconds"] for r in both)
        p95s = "/".join(f"{r['p95']:.0f}" for r in both)
        print(f"{name:<12} {rps_one:>14.0f} {one['p95']:>7.0f} {rps_both:>10.0f} {p95s:>12} {rps_both / rps_one:>6.2f}")
    seconds, sent, received, duplicates, losses = reminders
    print(
        f"\nreminders through two workers (2 processes each): {sent} sent in {seconds:.1f} s, "
        f"{received} received, {duplicates} duplicates, {losses} lost"
    )


if __name__ == "__main__":
    main()

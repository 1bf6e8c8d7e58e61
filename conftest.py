"""The shared cast of Wekker's tests, and the gates for tests that need real services.

Outside CI, a test whose service (PostgreSQL, Redis, Chromium, node) is absent skips
and says why. With CI=true nothing skips: a missing service fails the test.

Also here, for every app's tests (this file is outside the apps, so it may import any of
them; test modules import its plain helpers with `from conftest import …`): what each
role gets from a page and check(), which asserts it; and the helpers more than one test
module uses (meetings, mails, pages as read, indicators' rows, other processes).
"""

import contextlib
import datetime as dt
import os
import re
import shutil
import signal
import smtplib
import socket
import subprocess
import zoneinfo
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from groups.models import Membership
from groups.tests.factories import MembershipFactory, WorkingGroupFactory
from meetings.tests.factories import MeetingFactory
from stakeholders.tests.factories import ContactFactory, OrganisationFactory, UserFactory

BASE_DIR = Path(__file__).resolve().parent
IN_CI = os.getenv("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = os.getenv("CHROMIUM_PATH", "/usr/bin/chromium")
NODE_MODULES = BASE_DIR / "node_modules"


def _port_open(host, port):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _missing(marker_name):
    """Why a test with this marker cannot run here, or None."""
    if marker_name == "postgres":
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            return "needs PostgreSQL: set DATABASE_URL=postgres://…"
    elif marker_name == "redis":
        if not settings.CELERY_BROKER_URL.startswith("redis"):
            return "needs Redis: set CELERY_BROKER_URL=redis://…"
    elif marker_name == "browser":
        if not Path(CHROMIUM).exists():
            return f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
        if not (NODE_MODULES / "axe-core").exists():
            return "needs axe-core: run npm ci"
    elif marker_name == "node":
        if not shutil.which("node"):
            return "needs node"
        if not (NODE_MODULES / "ical.js").exists():
            return "needs ical.js: run npm ci"
    return None


SERVICE_MARKERS = ("postgres", "redis", "browser", "node")
# Why a test cannot run here, kept on the item for pytest_runtest_setup (CI only).
MISSING_SERVICE = pytest.StashKey[str]()


def pytest_collection_modifyitems(config, items):
    for item in items:
        for name in SERVICE_MARKERS:
            if item.get_closest_marker(name) is None:
                continue
            reason = _missing(name)
            if reason is None:
                continue
            if IN_CI:
                item.stash[MISSING_SERVICE] = reason
            else:
                item.add_marker(pytest.mark.skip(reason=reason))
            break


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """In CI, a test whose service is missing fails here, before any of its fixtures or its body runs.

    (A fixture added to the item by pytest_collection_modifyitems came too late: fixtures
    are resolved at collection, so the test ran as if nothing was missing.)
    """
    reason = item.stash.get(MISSING_SERVICE, None)
    if reason is not None:
        pytest.fail(f"CI=true and this test cannot run: {reason}", pytrace=False)


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    # Never the broker's Redis: clearing the cache between tests must not touch queued tasks.
    local = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    settings.CACHES = {
        "default": local,
        "fallback": {**local, "LOCATION": "fallback"},
        "pages": local,  # the same store as "default", as in production
        "template_fragments": local,
    }
    # Pages are kept as in production (wekker/pagecache.py): one process, so its memory is shared.
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture(autouse=True)
def _reference_data(request):
    """The ROME/FAP/territory rows come from a data migration; a transactional test's flush
    removes them, so they are loaded again for the tests that use the database."""
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    if not uses_db:
        return
    request.getfixturevalue("transactional_db" if marker and marker.kwargs.get("transaction") else "db")
    from reference.loading import load_reference_data
    from reference.models import Domain, Territory

    if not Territory.objects.filter(code="FR").exists():
        load_reference_data(Territory, Domain)


def closed_port():
    """A port on this machine where nobody listens (bound, then let go)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    """The shared cache on a Redis at a port where nothing answers: Redis stopped."""
    down = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
    }
    pages = {**down, "BACKEND": "wekker.cache.FailOpenRedisCache"}
    settings.CACHES = {**settings.CACHES, "default": down, "pages": pages, "template_fragments": pages}


@pytest.fixture(autouse=True)
def _clear_cache(_fast_settings):
    """After _fast_settings: the caches cleared are the test's own (a broker's Redis would be cleared otherwise)."""
    from django.core.cache import caches

    from wekker import cache, pagecache, throttle

    for name in ("default", "fallback"):
        caches[name].clear()
    throttle.reset_breaker()
    cache.reset_breakers()
    pagecache.reset()
    yield
    for name in ("default", "fallback"):
        with contextlib.suppress(throttle.CACHE_ERRORS):  # the test stopped it (redis_down)
            caches[name].clear()


# --- The cast -------------------------------------------------------------


@pytest.fixture
def bretagne(db):
    from reference.models import Territory

    return Territory.objects.get(code="53")


@pytest.fixture
def mixite(db, bretagne):
    """The flagship group: mixité des métiers."""
    return WorkingGroupFactory(name="Mixité des métiers", slug="mixite", theme="Mixité des métiers", territory=bretagne)


@pytest.fixture
def seniors(db, bretagne):
    """Another group, which membre and coordinatrice do not belong to."""
    return WorkingGroupFactory(
        name="Emploi des seniors", slug="seniors", theme="Emploi des seniors", territory=bretagne
    )


def _person(username, group=None, role=Membership.Role.MEMBER, organisation=None, **user_fields):
    user = UserFactory(username=username, **user_fields)
    contact = ContactFactory(
        user=user,
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
        **({"organisation": organisation} if organisation else {}),
    )
    if group is not None:
        MembershipFactory(group=group, contact=contact, role=role)
    return user


@pytest.fixture
def departement(db):
    return OrganisationFactory(name="Conseil départemental d'Ille-et-Vilaine")


@pytest.fixture
def coordinatrice(db, mixite):
    """Coordinates the mixité group."""
    return _person("coordinatrice", mixite, Membership.Role.COORDINATOR, first_name="Claire", last_name="Le Gall")


@pytest.fixture
def membre(db, mixite, departement):
    """A member of the mixité group only, from the département."""
    return _person("membre", mixite, organisation=departement, first_name="Yann", last_name="Morvan")


@pytest.fixture
def outsider(db):
    """Logged in, member of no group."""
    return _person("outsider", first_name="Olivier", last_name="Dehors")


@pytest.fixture
def other_coordinator(db, seniors):
    """Coordinates the seniors group, not the mixité group."""
    return _person("autrecoord", seniors, Membership.Role.COORDINATOR, first_name="Anne", last_name="Autre")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True, first_name="Ada", last_name="Admin")


ROLES = ["anonymous", "outsider", "membre", "other_coordinator", "coordinatrice", "admin_user"]


@pytest.fixture
def as_role(client, request):
    """Log the test client in as one of ROLES (by name) and return the user (None for anonymous)."""

    def login(role):
        client.logout()
        if role == "anonymous":
            return None
        user = request.getfixturevalue(role)
        client.force_login(user)
        return user

    return login


@pytest.fixture
def cast(coordinatrice, membre, outsider, other_coordinator, admin_user):
    """Everyone exists, whoever is logged in (so pages have a realistic crowd)."""


# --- What each role gets ----------------------------------------------------
# A status code, or "login" for a redirect to the login page.

EVERYONE = {
    "anonymous": "login",
    "outsider": 200,
    "membre": 200,
    "other_coordinator": 200,
    "coordinatrice": 200,
    "admin_user": 200,
}
# Whoever coordinates a group, any group, and admins: creating a group, the directory, imports.
COORDINATORS = {**EVERYONE, "outsider": 404, "membre": 404}
# A page of the mixité group: its members and admins; the others do not even see it exists.
MEMBERS_OF_MIXITE = {**EVERYONE, "outsider": 404, "other_coordinator": 404}
# A page of the mixité group that only its coordinators (and admins) may use.
COORDINATORS_OF_MIXITE = {**MEMBERS_OF_MIXITE, "membre": 403}


def posted(expected):
    """The same table for a form that is sent: where the page would open, the post redirects."""
    return {role: 302 if status == 200 else status for role, status in expected.items()}


def check(client, as_role, role, url, expected, method="get", data=None):
    """Log in as `role`, ask for `url`, assert what `expected` (a table by role, or one status)
    says, and return the response."""
    as_role(role)
    response = getattr(client, method)(url, data or {})
    wanted = expected[role] if isinstance(expected, dict) else expected
    what = f"{role}: {method.upper()} {url}"
    if wanted == "login":
        assert response.status_code == 302, f"{what} answered {response.status_code}, not the login page"
        assert response["Location"].startswith("/accounts/login/"), f"{what} went to {response['Location']}"
    else:
        assert response.status_code == wanted, f"{what} answered {response.status_code}, not {wanted}"
    return response


# --- Meetings -----------------------------------------------------------------

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def paris(*args):
    """An aware datetime, Paris wall-clock time."""
    return dt.datetime(*args, tzinfo=PARIS)


def meeting_of(group, *, days=10, hours=2.5, **kwargs):
    """A meeting created the way the app creates them (invitations, action review item)."""
    from meetings.planning import services as planning_services

    starts = (timezone.now() + dt.timedelta(days=days)).replace(microsecond=0)
    return planning_services.create_meeting(
        group=group,
        title=kwargs.pop("title", ""),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=hours),
        place=kwargs.pop("place", "Maison de l'emploi, Rennes"),
        **kwargs,
    )


def event_of(group, start, end):
    """An event of several days, from 9:00 on its first day to 17:00 on its last."""
    from meetings.models import Meeting
    from meetings.planning import services as planning_services

    return planning_services.create_meeting(
        group=group,
        title="Semaine de la mixité des métiers",
        kind=Meeting.Kind.EVENT,
        starts_at=planning_services.paris_datetime(start, dt.time(9)),
        ends_at=planning_services.paris_datetime(end, dt.time(17)),
    )


def members(group, count, *, organisation=None):
    """Add count members (from count organisations unless one is given)."""
    contacts = []
    for _ in range(count):
        contact = ContactFactory(organisation=organisation or OrganisationFactory())
        MembershipFactory(group=group, contact=contact, role=Membership.Role.MEMBER)
        contacts.append(contact)
    return contacts


def record(meeting, contact, **fields):
    """Write what the register or an answer would: the contact's row for the meeting, with these fields."""
    from meetings.models import Attendance

    return Attendance.objects.update_or_create(meeting=meeting, contact=contact, defaults=fields)[0]


def make_group(members=2, coordinators=1, offsets=(7, 1), **fields):
    """A group of its own (not the cast's), with reminder offsets: (group, [coordinators..., members...])."""
    group = WorkingGroupFactory(reminder_offsets=list(offsets), **fields)
    people = []
    for _ in range(coordinators):
        people.append(MembershipFactory(group=group, role=Membership.Role.COORDINATOR).contact)
    for _ in range(members):
        people.append(MembershipFactory(group=group).contact)
    return group, people


def make_meeting(group, starts_at, **fields):
    return MeetingFactory(
        group=group, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2, minutes=30), **fields
    )


def recipients(outbox):
    return sorted(address for message in outbox for address in message.to)


class FailingBackend(BaseEmailBackend):
    """An SMTP server that refuses everything."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def past(mixite, coordinatrice, membre):
    """A meeting of the mixité group, three days ago."""
    return meeting_of(mixite, days=-3)


@pytest.fixture
def upcoming(mixite, coordinatrice, membre):
    """A meeting of the mixité group, in ten days."""
    return meeting_of(mixite, days=10)


@pytest.fixture
def nudges(monkeypatch):
    """The passes asked of a worker once something is committed: recorded, not queued (no worker here)."""
    from meetings import tasks

    asked = []
    monkeypatch.setattr(tasks, "dispatch_soon", lambda: asked.append(True))
    return asked


# --- Indicators ---------------------------------------------------------------


def obs(territory, domain, stage, women, men, *, year=2024, month=0, unknown=0, nomenclature="rome"):
    """One row of figures, by the codes of its territory and domain."""
    from indicators import rollup
    from indicators.models import Observation
    from reference.models import Domain, Territory

    row = Observation.objects.create(
        year=year,
        month=month,
        territory=Territory.objects.get(code=territory),
        domain=Domain.objects.get(nomenclature=nomenclature, code=domain),
        stage=stage,
        women=women,
        men=men,
        unknown=unknown,
    )
    rollup.refresh([year])  # as an import does
    return row


# --- Reading pages ------------------------------------------------------------


def text_of(response):
    """The page as a person reads it: tags dropped, entities decoded, spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def header_cells(html):
    """The column headings of an admin changelist's table (the selection checkbox aside)."""
    table = html.split('id="result_list"')[1].split("</thead>")[0]
    return [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)][1:]


# --- Other processes ----------------------------------------------------------


def free_port():
    """A TCP port nothing listens on (yet)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(process):
    """Stop a process started with start_new_session=True, and everything it started:
    SIGTERM to its process group, SIGKILL if it is still there 20 seconds later."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- The browser ----------------------------------------------------------


@pytest.fixture(scope="session")
def chromium():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def watch_csp(page):
    """Collect what the Content-Security-Policy refused, as Chromium logs it on the console."""
    page.csp_violations = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and page.csp_violations.append(message.text),
    )
    return page


def assert_no_csp_violation(page):
    assert page.csp_violations == [], "\n".join(page.csp_violations)


@pytest.fixture
def page(chromium, live_server):
    """A desktop page; the test fails if the Content-Security-Policy refused anything on it."""
    context = chromium.new_context(locale="fr-FR", timezone_id="Europe/Paris", base_url=live_server.url)
    page = watch_csp(context.new_page())
    page.set_default_timeout(15000)
    yield page
    context.close()
    assert_no_csp_violation(page)


@pytest.fixture
def phone_page(chromium, live_server):
    """A phone-sized screen (iPhone SE-like viewport, touch)."""
    context = chromium.new_context(
        locale="fr-FR",
        timezone_id="Europe/Paris",
        base_url=live_server.url,
        viewport={"width": 375, "height": 667},
        is_mobile=True,
        has_touch=True,
    )
    page = watch_csp(context.new_page())
    page.set_default_timeout(15000)
    yield page
    context.close()
    assert_no_csp_violation(page)


@pytest.fixture
def browser_login():
    """Log a Playwright page in as a user through the real login form."""

    def login(page, user, password="wekker-test"):
        page.goto("/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("main button[type=submit]")
        page.wait_for_load_state()

    return login


@pytest.fixture
def axe():
    """Run axe-core in the page; fail on any serious or critical violation."""
    source = (NODE_MODULES / "axe-core" / "axe.min.js").read_text()

    def check(page):
        page.evaluate(source)  # not a <script> tag: the Content-Security-Policy refuses inline scripts
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        bad = [v for v in result["violations"] if v.get("impact") in ("serious", "critical")]
        details = [f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:5]}" for v in bad]
        assert not bad, f"axe-core on {page.url}:\n" + "\n".join(details)
        return result

    return check

"""Pages kept whole, per person, until a table they were drawn from is written to.

Drawing a page at national scale costs 20–60 ms, mostly templates; sending the same page back
costs the session and account queries and a cache read. A page of settings.PAGE_CACHE_VIEWS is
kept per person, language, URL and day, with the tables its view read while it was drawn
(every statement of the request is looked at) and, for each table, the generation it had then.
Every write to a table, from any process (web, worker, command, admin), moves that table's
generation on, once the statement ran and again once its transaction commits. A page whose
tables all still have the generations it was drawn at is still true and is sent back; any
other is drawn again.

What a page shows that is not in the database moves on by itself: the date is in the key, and
no page is kept longer than settings.PAGE_CACHE_SECONDS (what depends on the hour, "en cours",
is at most that late; so is a page whose tables were written to by hand in SQL). The parts of
a page that belong to the request are not kept: its CSRF tokens are put back fresh, and a
request with messages to show is drawn, not kept. Only a shared cache (Redis) may hold pages:
with each process's own memory, a write in one process would not reach the others.
"""

import functools
import hashlib
import logging
import os
import re
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import connection
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.functional import cached_property

logger = logging.getLogger(__name__)

GENERATION = "pagegen:"
PAGE = "page:"
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+(")')
# NUL never reaches a page (RefuseNulMiddleware, and PostgreSQL cannot store it).
CSRF_MARK = b"\x00csrf\x00"
CSRF_PLACEHOLDER = rb"\1" + CSRF_MARK + rb"\2"
# What a statement writes: the table of an INSERT, UPDATE or DELETE as Django writes them; any
# other statement that is not a read (WITH … UPDATE, TRUNCATE, DDL…) counts as writing every
# table it names.
LEADING_COMMENTS = re.compile(r"\s*(?:(?:--[^\n]*(?:\n|$)|/\*.*?\*/)\s*)*", re.DOTALL)
WRITE = re.compile(
    r'(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?',
    re.IGNORECASE,
)
READ = re.compile(r"(?:SELECT|SAVEPOINT|RELEASE|ROLLBACK|COMMIT|BEGIN|SET|RESET|SHOW|EXPLAIN|PRAGMA)\b", re.IGNORECASE)
WORD = re.compile(r"[a-z_][a-z0-9_]*")
# Not a table: moved on when this process could not move a table on (Redis unreachable), so
# that every page kept before is drawn again once Redis answers.
ANY_TABLE = "*"
# Written at every login; no page shows it.
LAST_LOGIN = 'UPDATE "auth_user" SET "last_login" = '


def store():
    return caches["pages"]


class Tables:
    @cached_property
    def names(self):
        """Every table of every model, many-to-many tables included."""
        return frozenset(model._meta.db_table for model in apps.get_models(include_auto_created=True))

    def named_in(self, sql):
        return self.names.intersection(WORD.findall(sql.lower()))

    def written_by(self, sql):
        """The tables a statement may write to (none for a read)."""
        start = LEADING_COMMENTS.match(sql).end()
        if match := WRITE.match(sql, start):
            return {match.group(1)}
        if READ.match(sql, start):
            return set()
        return self.named_in(sql)


TABLES = Tables()


# --- Writes move generations on -------------------------------------------------------------

_missed = False


def reset():
    """Forget a missed move (tests that stopped Redis)."""
    global _missed
    _missed = False


def bump(tables):
    """Move each table's generation on: pages drawn from it are drawn again. A write never
    fails because the cache did; a move that could not be made moves every page on next time."""
    global _missed
    cache = store()
    keys = [GENERATION + table for table in tables]
    if _missed:
        keys.append(GENERATION + ANY_TABLE)
    if not keys:
        return
    if hasattr(cache, "advance"):  # Redis: one round trip; False when unreachable
        _missed = not cache.advance(keys, start=time.time_ns())
        return
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:  # never set since the cache started, or evicted
            cache.set(key, time.time_ns(), None)
    _missed = False


class _AtCommit:
    """The tables a transaction wrote to, moved on once more when it commits: a page drawn
    between the statement and the commit read the data from before."""

    def __init__(self):
        self.tables = set()

    def __call__(self):
        bump(self.tables)


def _pending(conn):
    at_commit = getattr(conn, "_page_generations_at_commit", None)
    if at_commit is None or not any(func is at_commit for _, func, _ in conn.run_on_commit):
        at_commit = conn._page_generations_at_commit = _AtCommit()
        conn.on_commit(at_commit)
    return at_commit


def _kept_anywhere():
    """Pages may be kept: by this process, or by others sharing its Redis (a worker keeps none,
    but its writes must reach the web processes')."""
    return settings.PAGE_CACHE_SECONDS > 0 or hasattr(store(), "advance")


def track_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if not _kept_anywhere():
        return result
    tables = TABLES.written_by(sql)
    if tables and not sql.startswith(LAST_LOGIN):
        conn = context["connection"]
        if conn.in_atomic_block:
            _pending(conn).tables.update(tables)
        bump(tables)
    return result


def install(connection, **kwargs):
    """connection_created: every connection of every process reports its writes."""
    if track_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(track_writes)


# --- Pages ----------------------------------------------------------------------------------


class _Reads:
    def __init__(self):
        self.tables = set()

    def __call__(self, execute, sql, params, many, context):
        self.tables |= TABLES.named_in(sql)
        return execute(sql, params, many, context)


@functools.cache
def release():
    """A digest of the code, templates, translations and static manifest this process serves:
    a page kept by an earlier release is not sent back by this one."""
    skip = {"node_modules", "var", "__pycache__", Path(settings.STATIC_ROOT).name}
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(settings.BASE_DIR):
        dirs[:] = sorted(name for name in dirs if not name.startswith(".") and name not in skip)
        for name in sorted(files):
            if name.endswith((".py", ".html", ".txt", ".mo")):
                digest.update(Path(root, name).read_bytes())
    manifest = Path(settings.STATIC_ROOT, "staticfiles.json")
    if manifest.exists():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


_settings_changes = 0


@receiver(setting_changed)
def _new_settings(**kwargs):
    """Settings change with a release; in tests, with override_settings: pages are drawn anew."""
    global _settings_changes
    _settings_changes += 1


def _key(request):
    parts = [
        release(),
        str(_settings_changes),
        str(request.user.pk),
        request.LANGUAGE_CODE,
        timezone.localdate().isoformat(),
        request.get_full_path(),
    ]
    return PAGE + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _generations(tables):
    found = store().get_many([GENERATION + table for table in tables])
    return {table: found.get(GENERATION + table) for table in tables}


def _generations_before_drawing():
    """Every table's generation; one that has none yet (or was evicted) is given one, so that a
    page never depends on "no generation", which an eviction would bring back."""
    cache = store()
    generations = _generations([*TABLES.names, ANY_TABLE])
    for table in [table for table, generation in generations.items() if generation is None]:
        cache.add(GENERATION + table, time.time_ns(), None)
        generations[table] = cache.get(GENERATION + table)
    return generations


# The tables each view was seen to read, in this process: a kept page and the generations of
# its tables are then read in one round trip.
_read_by_view = {}


def _still_true(key, view_name):
    """The kept page, if every table it was drawn from still has the same generation."""
    seen = _read_by_view.get(view_name, frozenset())
    found = store().get_many([key, *(GENERATION + table for table in seen)])
    page = found.get(key)
    if page is None:
        return None
    kept = page["generations"]
    if kept.keys() <= seen:
        now = {table: found.get(GENERATION + table) for table in kept}
    else:
        _read_by_view[view_name] = seen | kept.keys()
        now = _generations(kept)
    return page if now == kept else None


def _cacheable(request, view_name):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and view_name in settings.PAGE_CACHE_VIEWS
        and request.user.is_authenticated
        and not len(messages.get_messages(request))  # to be shown once: drawn, not kept
    )


def _response(page, request):
    body = page["body"].replace(CSRF_MARK, get_token(request).encode())
    response = HttpResponse(body, status=200)
    for header, value in page["headers"]:
        response[header] = value
    return response


def _keep(key, response, tables, generations):
    if response.status_code != 200 or response.streaming or response.cookies:
        return
    headers = [(header, value) for header, value in response.items() if header.lower() != "content-length"]
    body = CSRF_INPUT.sub(CSRF_PLACEHOLDER, response.content)
    page = {"body": body, "headers": headers, "generations": {table: generations.get(table) for table in tables}}
    store().set(key, page, settings.PAGE_CACHE_SECONDS)


class PageCacheMiddleware:
    """Sends back a kept page while it is still true; else draws it and keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        view_name = request.resolver_match.view_name
        if not _cacheable(request, view_name):
            return None
        if _missed:
            bump(())  # Redis may answer again: pages kept before a missed move must go
        key = _key(request)
        page = _still_true(key, view_name)
        if page is not None:
            return _response(page, request)
        # Generations before drawing: a write during the drawing makes the page stale at once.
        generations = _generations_before_drawing()
        reads = _Reads()
        with connection.execute_wrapper(reads):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
        # The person is part of every page (name, roles): a change to the account redraws it. Some
        # views read tables through caches of their own (settings.PAGE_CACHE_VIEWS).
        reads.tables |= {"auth_user", ANY_TABLE, *settings.PAGE_CACHE_VIEWS[view_name]}
        if not messages.get_messages(request).used:
            _keep(key, response, reads.tables, generations)
            _read_by_view[view_name] = _read_by_view.get(view_name, frozenset()) | reads.tables
        return response

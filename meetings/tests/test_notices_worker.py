"""End to end: a real Celery worker (with its beat) sends reminders through a real SMTP server.

On SQLite with the filesystem broker by default; on PostgreSQL and Redis when
DATABASE_URL / CELERY_BROKER_URL say so. `transactional_db`: the worker, another
process, must see committed rows. Safe under pytest-xdist, and with two runs at once: each
test process queues on a queue of its own, which the Celery workers it starts consume
(see `own_queue`).
"""

import datetime as dt
import email
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from email import policy
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.utils import timezone

from conftest import PARIS, free_port, make_group, make_meeting, stop_process
from meetings import tasks
from meetings.minutes import services as minutes_services
from meetings.models import Delivery
from meetings.notices import dispatch

BASE_DIR = Path(__file__).resolve().parents[2]


class Inbox:
    """What the SMTP server received: one parsed message per recipient envelope."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.messages.append((rcpt, message))
        return "250 OK"

    def recipients(self):
        with self.lock:
            return sorted(rcpt for rcpt, _ in self.messages)

    def wait_for(self, count, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                return True
            time.sleep(0.2)
        return False


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{port}"
    yield inbox
    controller.stop()


def database_url():
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        # With this process's options (IMMEDIATE transactions, a busy timeout, WAL): with the
        # URL's defaults, a dispatcher's read upgraded to a write fails at once with "database
        # is locked" when another process writes.
        return f"sqlite:///{Path(db['NAME']).resolve()}?{urlencode(db.get('OPTIONS', {}))}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def service_env(smtp, broker_url=None, **extra):
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EMAIL_URL": smtp.url,
        "CELERY_BROKER_URL": broker_url if broker_url is not None else os.getenv("CELERY_BROKER_URL", ""),
        "REMINDER_DISPATCH_INTERVAL": "1",
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "wekker.settings",
        **extra,
    }


@pytest.fixture
def own_queue(worker_id):
    """A Celery queue of this test process's own (wekker-test-gw0-<pid>: one per pytest-xdist
    worker and per run), which the Celery workers it starts consume.

    What this process queues (a pass asked once minutes are committed) goes there: a worker
    that another test, or another run in this checkout, started at the same moment on the
    same broker cannot take it and run the pass on its own database. Deleted afterwards, so
    that runs do not pile up queues in Redis or under var/.
    """
    name = f"wekker-test-{worker_id}-{os.getpid()}"
    app = tasks.dispatch_reminders.app
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = name
    yield name
    app.conf.task_default_queue = previous
    with app.connection_for_write() as broker:
        queue = app.amqp.queues[name](broker.default_channel)
        queue.declare()  # a connection deletes only the bindings it knows
        queue.delete()
    # The filesystem transport keeps a queue's binding in a file of its own.
    control = app.conf.broker_transport_options.get("control_folder")
    if control:
        Path(control, f"{name}.exchange").unlink(missing_ok=True)


def start_worker(env, tmp_path, queue, name="w1"):
    """A worker with its beat: the schedule fires a dispatch every second.

    It consumes `queue` and the default one, where its own beat sends the periodic passes
    (a pass is a pass: whichever worker takes one dispatches what is due in its own database).
    """
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 – the worker writes to it until it stops
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "wekker",
            "worker",
            "-B",
            "-s",
            str(tmp_path / f"{name}-beat"),
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            f"celery,{queue}",
            "-n",
            f"{name}-{queue.removeprefix('wekker-test-')}@%h",
            "--loglevel=INFO",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    process.log_path = tmp_path / f"{name}.log"
    return process


def due_in(seconds, offset=1):
    """A meeting start whose `offset`-day reminder falls due in `seconds`."""
    due = (timezone.now() + dt.timedelta(seconds=seconds)).astimezone(PARIS)
    return (due.replace(tzinfo=None) + dt.timedelta(days=offset)).replace(tzinfo=PARIS)


@pytest.mark.celery
def test_it_sends_reminders_through_a_real_worker_and_smtp_server(transactional_db, smtp_server, own_queue, tmp_path):
    group, people = make_group(members=2, offsets=[1])
    meeting = make_meeting(group, timezone.now() + dt.timedelta(hours=3), title="Forum des métiers")
    worker = start_worker(service_env(smtp_server), tmp_path, own_queue)
    try:
        assert smtp_server.wait_for(3, timeout=90), worker.log_path.read_text()[-3000:]
        time.sleep(3)  # a few more passes: nothing more goes out
    finally:
        stop_process(worker)
    assert smtp_server.recipients() == sorted(c.email for c in people)
    rcpt, message = smtp_server.messages[0]
    assert message["To"] == rcpt
    assert str(message["Subject"]).strip().startswith("Rappel : ")
    assert "Forum des métiers" in message["Subject"]
    kinds = {part.get_content_type() for part in message.walk()}
    assert {"text/plain", "text/html", "text/calendar"} <= kinds
    assert Delivery.objects.filter(meeting=meeting, status="sent").count() == 3


def run_two_dispatchers(smtp):
    """Two `send_reminders` processes started at the same moment on this test's database; their outputs."""
    env = service_env(smtp)
    command = [sys.executable, "manage.py", "send_reminders"]
    dispatchers = [
        subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [d.communicate(timeout=180) for d in dispatchers]
    assert all(d.returncode == 0 for d in dispatchers), outputs
    return outputs


@pytest.mark.celery
def test_it_sends_each_message_once_with_two_dispatchers_at_the_same_moment(transactional_db, smtp_server):
    group, people = make_group(members=40, coordinators=1, offsets=[1])
    make_meeting(group, timezone.now() + dt.timedelta(hours=3))
    make_meeting(group, timezone.now() + dt.timedelta(hours=5))
    outputs = run_two_dispatchers(smtp_server)
    expected = sorted(c.email for c in people) * 2
    assert sorted(smtp_server.recipients()) == sorted(expected)
    assert Delivery.objects.filter(status="sent").count() == 82
    printed = sum(out.count("envoyé : ") for out, _err in outputs)
    assert printed == 82


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of our own on a free port, which the test may stop and start again."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is needed for the broker-down test") if os.getenv("CI") else pytest.skip(
            "needs redis-server"
        )
    port = free_port()

    class Server:
        url = f"redis://127.0.0.1:{port}/0"
        process = None

        def start(self):
            self.process = subprocess.Popen(
                [
                    binary,
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(tmp_path),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    return
                except OSError:
                    time.sleep(0.1)
            raise RuntimeError("redis-server did not start")

        def stop(self):
            if self.process and self.process.poll() is None:
                self.process.terminate()
                self.process.wait(timeout=10)

    server = Server()
    server.start()
    yield server
    server.stop()


@pytest.mark.celery
@pytest.mark.redis
def test_it_loses_nothing_while_the_broker_is_down(transactional_db, smtp_server, own_redis, own_queue, tmp_path):
    group, people = make_group(members=0, coordinators=1, offsets=[1])
    worker = start_worker(service_env(smtp_server, broker_url=own_redis.url), tmp_path, own_queue)
    try:
        time.sleep(6)  # the worker and its beat are up and passing
        own_redis.stop()
        meeting = make_meeting(group, due_in(4))
        time.sleep(10)  # the reminder falls due while the broker is down
        assert smtp_server.messages == []
        own_redis.start()
        assert smtp_server.wait_for(1, timeout=120), worker.log_path.read_text()[-3000:]
        time.sleep(4)
    finally:
        stop_process(worker)
    assert smtp_server.recipients() == [people[0].email]
    assert Delivery.objects.get(meeting=meeting).status == "sent"


@pytest.mark.postgres
def test_it_never_hands_the_same_row_to_two_claims_at_once(transactional_db):
    """Two claims in open transactions: the second skips the rows the first holds, without waiting."""
    from django.db import connections

    group, people = make_group(members=9, coordinators=1, offsets=[1])
    make_meeting(group, timezone.now() + dt.timedelta(hours=3))
    now = timezone.now()
    dispatch.plan(now)
    results = {}
    holding = threading.Event()
    release = threading.Event()

    def first():
        from django.db import transaction

        with transaction.atomic():
            pks = list(
                Delivery.objects.select_for_update(skip_locked=True)
                .filter(status="pending")
                .order_by("pk")
                .values_list("pk", flat=True)[:5]
            )
            results["first"] = pks
            holding.set()
            release.wait(10)
        connections.close_all()

    thread = threading.Thread(target=first)
    thread.start()
    holding.wait(10)
    started = time.monotonic()
    results["second"] = dispatch.claim_batch(now)
    results["waited"] = time.monotonic() - started
    release.set()
    thread.join()
    assert len(results["first"]) == 5 and len(results["second"]) == 5
    assert not set(results["first"]) & set(results["second"])
    assert results["waited"] < 2


def wait_until_ready(worker, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if "ready." in worker.log_path.read_text():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.celery
def test_it_sends_minutes_as_soon_as_they_are_committed_through_a_real_worker(
    transactional_db, smtp_server, own_queue, tmp_path
):
    """The periodic pass is an hour away: only the pass asked on commit can send them."""

    group, people = make_group(members=2, coordinators=1, offsets=[])
    meeting = make_meeting(group, timezone.now() - dt.timedelta(days=1), title="Forum des métiers")
    minutes_services.save_minutes(meeting, text="## Décisions\n\n- Forum en mars")
    worker = start_worker(service_env(smtp_server, REMINDER_DISPATCH_INTERVAL="3600"), tmp_path, own_queue)
    try:
        assert wait_until_ready(worker), worker.log_path.read_text()[-3000:]
        assert minutes_services.send_minutes(meeting) == 3  # autocommit: on_commit runs at once
        assert smtp_server.wait_for(3, timeout=60), worker.log_path.read_text()[-3000:]
    finally:
        stop_process(worker)
    assert smtp_server.recipients() == sorted(c.email for c in people)
    _rcpt, message = smtp_server.messages[0]
    assert str(message["Subject"]).strip().startswith("Compte rendu : ")
    assert {"text/plain", "text/html"} <= {part.get_content_type() for part in message.walk()}
    assert Delivery.objects.filter(meeting=meeting, kind="minutes", status="sent").count() == 3


class SlowInbox(Inbox):
    """An SMTP relay that takes `delay` seconds to accept each message."""

    delay = 0.15

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.postgres
def test_it_sends_nothing_twice_when_the_relay_is_slower_than_the_lease(transactional_db, settings):
    """One batch takes about 4 s to send; the lease is 1.5 s. A second dispatcher passing every
    0.3 s takes over nothing the first still holds, and the first sends nothing the second took."""
    from aiosmtpd.controller import Controller
    from django.db import connections

    inbox, port = SlowInbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_TIMEOUT, settings.DELIVERY_LEASE_SECONDS = 1, 1.5
    group, people = make_group(members=24, coordinators=1, offsets=[1])
    make_meeting(group, timezone.now() + dt.timedelta(hours=3))
    dispatch.plan(timezone.now())
    done = threading.Event()

    def first():
        dispatch.send_due()
        connections.close_all()

    def second():
        while not done.is_set():
            dispatch.send_due()
            time.sleep(0.3)
        connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    try:
        for thread in threads:
            thread.start()
            time.sleep(0.3)
        deadline = time.monotonic() + 60
        while Delivery.objects.filter(status="pending").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        done.set()
        for thread in threads:
            thread.join(30)
        controller.stop()
    sent = inbox.recipients()
    assert len(sent) == 25 and len(set(sent)) == 25  # 0 duplicates
    assert Delivery.objects.filter(status="sent").count() == 25

"""Sending that scales out, with real Celery workers and a real SMTP server: the periodic pass
fans out into chunk tasks that any worker takes, and a worker killed with `kill -9` mid-run
neither loses a mail nor sends one twice.

Each worker here consumes only this test process's own queue (CELERY_QUEUE): its beat's
passes and the chunks they queue stay among the workers of this test.
"""

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from django.utils import timezone

from conftest import free_port, make_group, make_meeting, stop_process
from meetings.models import Delivery
from meetings.tests.test_notices_worker import BASE_DIR, Inbox, own_queue, service_env  # noqa: F401 – a fixture

VICTIM = "victim@wekker.test"


@pytest.fixture
def queue(request):
    """This test process's own queue (test_notices_worker's fixture, deleted afterwards)."""
    return request.getfixturevalue("own_queue")


class KillInbox(Inbox):
    """An SMTP server that takes `delay` seconds over each message. Once `arm`ed, it holds the
    `after`-th message from VICTIM for 3 s and tells the test (`holding`); a message whose
    sender went away meanwhile is refused (never delivered): what a relay does with a client
    gone before the end of its DATA."""

    delay = 0.02
    after = 5

    def __init__(self):
        super().__init__()
        self.holding = threading.Event()
        self.from_victim = 0

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        if envelope.mail_from == VICTIM and not self.holding.is_set():
            self.from_victim += 1
            if self.from_victim > self.after:
                self.holding.set()
                await asyncio.sleep(3)
        if server.transport is None or server.transport.is_closing():
            return "451 sender gone"
        return await super().handle_DATA(server, session, envelope)

    def senders(self):
        with self.lock:
            return [message["From"] for _rcpt, message in self.messages]


@pytest.fixture
def kill_inbox():
    from aiosmtpd.controller import Controller

    inbox, port = KillInbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{port}"
    yield inbox
    controller.stop()


def start_worker(env, tmp_path, queue, name, *, beat=False):
    """A worker on `queue` only (solo pool); with `beat`, it also runs the periodic pass every second."""
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 – the worker writes to it until it stops
    command = [sys.executable, "-m", "celery", "-A", "wekker", "worker", "--pool=solo", "-Q", queue]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"]
    command += ["-n", f"{name}-{queue.removeprefix('wekker-test-')}@%h"]
    if beat:
        command += ["-B", "-s", str(tmp_path / f"{name}-beat")]
    process = subprocess.Popen(
        command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    process.log_path = tmp_path / f"{name}.log"
    return process


def wait_for_log(worker, text, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in worker.log_path.read_text():
            return True
        time.sleep(0.2)
    return False


def wait_until_all_sent(count, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Delivery.objects.filter(status="sent").count() >= count:
            return True
        time.sleep(0.3)
    return False


def worker_env(inbox, queue, **extra):
    settings = {"CELERY_QUEUE": queue, "DELIVERY_CHUNK_SIZE": "10", "EMAIL_TIMEOUT": "2"}
    return service_env(inbox, **settings, DELIVERY_LEASE_SECONDS="6", **extra)


def logs(*workers):
    return "\n".join(w.log_path.read_text()[-3000:] for w in workers)


@pytest.mark.celery
def test_a_pass_fans_out_into_chunk_tasks_and_sends_every_mail_once(transactional_db, kill_inbox, queue, tmp_path):
    group, people = make_group(members=29, coordinators=1, offsets=[1])
    make_meeting(group, timezone.now() + dt.timedelta(hours=3))
    worker = start_worker(worker_env(kill_inbox, queue), tmp_path, queue, "w1", beat=True)
    try:
        assert wait_until_all_sent(len(people), 90), logs(worker)
        time.sleep(3)  # a few more passes: nothing more goes out
    finally:
        stop_process(worker)
    assert kill_inbox.recipients() == sorted(c.email for c in people)
    log = worker.log_path.read_text()
    assert log.count("Task meetings.tasks.send_chunk[") >= 3 * 2  # received and succeeded, per chunk of 10


@pytest.mark.celery
def test_two_workers_one_killed_mid_run_send_every_mail_once(transactional_db, kill_inbox, queue, tmp_path):
    """The victim is killed (SIGKILL, with its process group) while the SMTP server holds one
    of its messages: the rows of its chunk come back once their 6 s lease has run out, and the
    other worker sends them. 0 duplicates, 0 losses."""
    group, people = make_group(members=59, coordinators=1, offsets=[1])
    make_meeting(group, timezone.now() + dt.timedelta(hours=3))
    make_meeting(group, timezone.now() + dt.timedelta(hours=5))
    expected = sorted(c.email for c in people) * 2
    victim = start_worker(
        worker_env(kill_inbox, queue, DEFAULT_FROM_EMAIL=f"Victim <{VICTIM}>"), tmp_path, queue, "victim"
    )
    survivor = None
    try:
        assert wait_for_log(victim, "ready."), logs(victim)
        survivor = start_worker(worker_env(kill_inbox, queue), tmp_path, queue, "survivor", beat=True)
        assert kill_inbox.holding.wait(90), logs(victim, survivor)
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait(10)
        assert Delivery.objects.exclude(status="sent").exists()  # mid-run: mails were left to send
        assert wait_until_all_sent(len(expected), 120), logs(victim, survivor)
        time.sleep(3)  # a few more passes: nothing more goes out
    finally:
        stop_process(victim)
        if survivor:
            stop_process(survivor)
    sent = kill_inbox.recipients()
    assert len(sent) == len(expected)  # 0 duplicates…
    assert sorted(sent) == sorted(expected)  # …and 0 losses
    senders = kill_inbox.senders()
    assert sum(VICTIM in s for s in senders) == KillInbox.after  # the victim did its share until killed
    assert Delivery.objects.filter(status="sent").count() == len(expected)

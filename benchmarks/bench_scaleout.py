"""Reminders that scale out: 10,000 due mails through real Celery workers to a local SMTP sink.

    createdb -h 127.0.0.1 -U postgres wekker_send_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wekker_send_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/11 .venv/bin/python benchmarks/bench_scaleout.py

It **empties the database it is given** (it refuses one without `bench` in its name) and
fills it with bench_reminders.py's national-size data (4,000 groups, 50,000 contacts,
30,000 meetings), whose own backlog it marks sent, plus 834 meetings of 12 members each
starting in 12 hours: 10,008 reminders due. Then, each time from the same state:

- one worker of concurrency 2, then two workers of concurrency 2 each: the time from
  queuing one pass (it plans, then fans out chunk tasks) to the last row marked sent;
- two workers, one killed with SIGKILL (its whole process group) a third of the way in:
  the benchmark queues a pass every 2 s (the beat's job) until everything is sent, and
  counts what the SMTP sink received twice (duplicates) and never (losses);
- the idle pass (nothing due), timed in this process.

The sink (aiosmtpd, in this process) accepts every message at once, or after
BENCH_SMTP_DELAY_MS (a relay's latency). `BENCH_REUSE=1` keeps the data of a previous run;
`BENCH_INLINE=1` sends the due reminders in this process instead (no worker, no SMTP: the
per-mail cost), `BENCH_PROFILE=1` prints the cProfile of one 1,000-mail chunk,
`BENCH_ONLY_IDLE=1` times only the idle pass (the due reminders marked sent in this process
first, as the workers would leave them).
"""

import collections
import contextlib
import logging
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import bench_reminders  # sets up Django (its data generator)
import benchutil  # the SECRET_KEY the workers share
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from meetings import tasks
from meetings.models import Delivery, Meeting
from meetings.notices import dispatch

QUEUE = f"wekker-bench-{os.getpid()}"
DELAY = float(os.getenv("BENCH_SMTP_DELAY_MS", "0")) / 1000
LEASE, EMAIL_TIMEOUT = "15", "5"


class Sink:
    """An SMTP server that counts what each address received."""

    def __init__(self):
        self.received = collections.Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if DELAY:
            import asyncio

            await asyncio.sleep(DELAY)
        with self.lock:
            self.received.update(envelope.rcpt_tos)
        return "250 OK"

    def reset(self):
        with self.lock:
            self.received.clear()

    def counts(self, expected):
        with self.lock:
            duplicates = sum(n - 1 for n in self.received.values() if n > 1)
            losses = len(expected - set(self.received))
            return sum(self.received.values()), duplicates, losses


def prepare():
    """National data, its backlog settled, and the meetings whose 10,008 reminders are due."""
    if os.getenv("BENCH_REUSE") and Meeting.objects.filter(title="Réunion due").exists():
        return
    groups = bench_reminders.generate()
    now = dispatch.wall_clock()
    dispatch.plan(now)  # what a year of data has due now: sent long ago, as far as this benchmark goes
    Delivery.objects.update(status=Delivery.Status.SENT, sent_at=now)
    start = now + bench_reminders.dt.timedelta(hours=12)
    due = groups[: -(-bench_reminders.DUE_REMINDERS // bench_reminders.MEMBERS_PER_GROUP)]
    Meeting.objects.bulk_create(
        Meeting(
            group=g,
            title="Réunion due",
            starts_at=start,
            ends_at=start + bench_reminders.dt.timedelta(hours=2),
            agenda_published_at=now,
        )
        for g in due
    )
    meetings = Meeting.objects.filter(title="Réunion due")
    bench_reminders.AgendaItem.objects.bulk_create(
        bench_reminders.AgendaItem(meeting=m, position=p, title=f"Point {p}") for m in meetings for p in range(3)
    )
    bench_reminders.analyze()


def due_rows():
    return Delivery.objects.filter(meeting__title="Réunion due")


def expected_recipients():
    meetings = Meeting.objects.filter(title="Réunion due").values("group")
    members = bench_reminders.Membership.objects.filter(group__in=meetings)
    return set(members.values_list("contact__email", flat=True))


def worker_env(sink_port):
    return {
        **benchutil.server_env(),
        "CELERY_QUEUE": QUEUE,
        "EMAIL_URL": f"smtp://127.0.0.1:{sink_port}",
        "DELIVERY_LEASE_SECONDS": LEASE,
        "EMAIL_TIMEOUT": EMAIL_TIMEOUT,
    }


def start_worker(name, env, concurrency=2):
    command = [sys.executable, "-m", "celery", "-A", "wekker", "worker", "-c", str(concurrency), "-Q", QUEUE]
    command += ["-n", f"{name}-{QUEUE}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    log = open(f"/tmp/{QUEUE}-{name}.log", "w")  # noqa: SIM115, S108 – the worker writes to it until it stops
    process = subprocess.Popen(
        [*command, "--loglevel=INFO"],
        cwd=benchutil.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    process.log = log.name
    return process


def wait_ready(workers, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all("ready." in Path(w.log).read_text() for w in workers):
            return
        time.sleep(0.2)
    raise RuntimeError("the workers did not start: see " + ", ".join(w.log for w in workers))


def purge():
    with tasks.dispatch_reminders.app.connection_for_write() as broker:
        broker.default_channel.queue_purge(QUEUE)


def drop_queue():
    """Delete this run's queue and its binding from the broker (runs must not pile them up)."""
    app = tasks.dispatch_reminders.app
    with app.connection_for_write() as broker:
        queue = app.amqp.queues[QUEUE](broker.default_channel)
        queue.declare()  # a connection deletes only the bindings it knows
        queue.delete()


def run(sink, expected, workers, *, kill_at=None):
    """Queue a pass with the rows deleted, time until all of them are sent; optionally kill the
    first worker once `kill_at` of them are sent (then queue a pass every 2 s, as the beat would)."""
    due_rows().delete()
    purge()
    sink.reset()
    wait_ready(workers)
    started = time.perf_counter()
    tasks.dispatch_reminders.apply_async()
    killed_at, last_pass = None, started
    while (sent := due_rows().filter(status="sent").count()) < len(expected):
        if kill_at and killed_at is None and sent >= kill_at:
            os.killpg(workers[0].pid, signal.SIGKILL)
            killed_at = time.perf_counter() - started
        if killed_at is not None and time.perf_counter() - last_pass > 2:
            tasks.dispatch_reminders.apply_async()
            last_pass = time.perf_counter()
        if time.perf_counter() - started > 1200:
            break
        time.sleep(0.2)
    elapsed = time.perf_counter() - started
    time.sleep(2)  # what a late duplicate would take to arrive
    return elapsed, sent, killed_at, *sink.counts(expected)


def idle_pass_ms(runs=7):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        summary = tasks.dispatch_reminders.run()
        times.append(1000 * (time.perf_counter() - started))
        if summary["chunks"]:
            sys.exit(f"the idle pass found something due: {summary}")
    return statistics.median(times), max(times)


def profile(size=1000):
    """cProfile of one chunk of `size` reminders sent in this process (to Django's in-memory
    backend): where the per-mail time goes. BENCH_PROFILE=1."""
    import cProfile
    import pstats

    due_rows().delete()
    now = dispatch.wall_clock()
    dispatch.plan(now)
    pks = list(due_rows().order_by("pk").values_list("pk", flat=True)[:size])
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    result = dispatch.send_chunk(pks, now)
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(f"one chunk of {len(result.sent)} mails in one process: {1000 * elapsed / len(result.sent):.2f} ms/mail")
    pstats.Stats(profiler).sort_stats(os.getenv("BENCH_PROFILE_SORT", "cumulative")).print_stats(40)


@contextlib.contextmanager
def sink_running():
    """The SMTP sink on a free port, and the environment of workers that send to it."""
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO
    sink, port = Sink(), benchutil.free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, worker_env(port)
    finally:
        controller.stop()
        drop_queue()


def two_workers_run():
    """The due reminders through two workers of concurrency 2: (seconds, sent, received, duplicates, losses)."""
    tasks.dispatch_reminders.app.conf.task_default_queue = QUEUE
    expected = expected_recipients()
    with sink_running() as (sink, env):
        workers = [start_worker(name, env) for name in ("a", "b")]
        try:
            seconds, sent, _killed, received, duplicates, losses = run(sink, expected, workers)
        finally:
            benchutil.stop(*workers)
    return seconds, sent, received, duplicates, losses


def inline():
    """The due reminders sent in this process, no worker (Django's in-memory backend): Wekker's
    own per-mail cost, without Celery or SMTP. BENCH_INLINE=1."""
    due_rows().delete()
    now = dispatch.wall_clock()
    dispatch.plan(now)
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        sent = len(dispatch.send_due(now).sent)
        elapsed = time.perf_counter() - started
    print(f"in one process: {sent} sent in {elapsed:.1f} s, {1000 * elapsed / sent:.2f} ms/mail, {queries} queries")


def only_idle():
    """The idle pass alone, from the state the workers leave: every due reminder sent. BENCH_ONLY_IDLE=1."""
    due_rows().delete()
    now = dispatch.wall_clock()
    dispatch.plan(now)
    Delivery.objects.filter(status=Delivery.Status.PENDING).update(status=Delivery.Status.SENT, sent_at=now)
    runs = int(os.getenv("BENCH_IDLE_RUNS", "11"))
    median, longest = idle_pass_ms(runs)
    print(f"idle pass: median {median:.1f} ms, max {longest:.1f} ms over {runs} passes")


def main():
    if "bench" not in str(connection.settings_dict["NAME"]):
        sys.exit("This benchmark empties the database it is given: its name must contain 'bench'.")
    tasks.dispatch_reminders.app.conf.task_default_queue = QUEUE
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    prepare()
    expected = expected_recipients()
    print(f"data ready in {time.perf_counter() - started:.0f} s: {len(expected)} reminders due", flush=True)
    if os.getenv("BENCH_PROFILE"):
        return profile()
    if os.getenv("BENCH_INLINE"):
        return inline()
    if os.getenv("BENCH_ONLY_IDLE"):
        return only_idle()
    rows = []
    with sink_running() as (sink, env):
        for label, names, kill in (
            ("1 worker × 2 processes", ["a"], None),
            ("2 workers × 2 processes", ["a", "b"], None),
            ("2 workers × 2, one killed (kill -9)", ["victim", "b"], len(expected) // 3),
        ):
            workers = [start_worker(name, env) for name in names]
            try:
                rows.append((label, *run(sink, expected, workers, kill_at=kill)))
            finally:
                benchutil.stop(*workers)
            print(f"{label}: {rows[-1][1]:.1f} s", flush=True)
    idle = idle_pass_ms()
    report(rows, idle, len(expected))


def report(rows, idle, due):
    print(f"\n{due} reminders due, chunks of {settings.DELIVERY_CHUNK_SIZE}, SMTP sink delay {DELAY * 1000:.0f} ms")
    columns = ("seconds", "mails/s", "ms/mail", "sent", "dup", "lost", "killed at")
    print(f"{'workers':<38} " + " ".join(f"{c:>9}" for c in columns))
    for label, seconds, sent, killed_at, received, duplicates, losses in rows:
        killed = f"{killed_at:.1f} s" if killed_at is not None else "–"
        print(
            f"{label:<38} {seconds:>9.1f} {sent / seconds:>9.0f} {1000 * seconds / sent:>9.2f} {received:>9} "
            f"{duplicates:>9} {losses:>9} {killed:>9}"
        )
    one, two = rows[0][1], rows[1][1]
    print(f"two workers / one: {two / one:.2f}×")
    print(f"idle pass: median {idle[0]:.1f} ms, max {idle[1]:.1f} ms")


if __name__ == "__main__":
    main()

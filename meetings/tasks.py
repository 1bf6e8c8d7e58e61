"""Celery tasks: thin wrappers around meetings.notices.dispatch.

The periodic pass (`dispatch_reminders`) plans what is due, then fans it out: one
`send_chunk` task per DELIVERY_CHUNK_SIZE due deliveries, which any worker may take. Each
chunk claims its own rows (SKIP LOCKED, under a lease), so N worker processes or machines
send about N times faster and never send a row twice. A chunk lost with its worker (kill
-9, a machine gone) loses nothing: its lease runs out and a later pass fans the rows out
again. The pass itself claims nothing: `manage.py send_reminders` sends inline instead.
"""

import logging

from celery import shared_task
from django.utils.dateparse import parse_datetime

from .notices import dispatch

logger = logging.getLogger(__name__)


@shared_task(name="meetings.tasks.dispatch_reminders", ignore_result=True)
def dispatch_reminders():
    """One pass: plan what is due, then one chunk task per slice of it. What is due is read
    from the database, so a missed pass loses nothing.

    With task_always_eager (no worker) the chunks run inline and their outcome adds up here.
    """
    now = dispatch.wall_clock()
    summary = {"planned": dispatch.plan(now), "chunks": 0}
    for chunk in dispatch.due_chunks(now):
        outcome = _queue_chunk(chunk, now)
        summary["chunks"] += 1
        for name, count in (outcome or {}).items():
            summary[name] = summary.get(name, 0) + count
    return summary


def _queue_chunk(chunk, now):
    """Queue one chunk; its outcome when it ran here (eager mode, or the broker unreachable)."""
    if send_chunk.app.conf.task_always_eager:
        return send_chunk.apply((chunk, now.isoformat())).get()
    try:
        send_chunk.apply_async((chunk, now.isoformat()), retry=False)
    except Exception:  # the broker went away mid-pass (kombu OperationalError, socket errors…)
        logger.warning("could not queue a chunk of %s deliveries: sending it here", len(chunk), exc_info=True)
        return send_chunk(chunk, now.isoformat())
    return None


@shared_task(name="meetings.tasks.send_chunk", ignore_result=True)
def send_chunk(pks, now):
    """Claim and send these deliveries (those still pending, due at `now` and free), on one SMTP connection."""
    return dispatch.send_chunk(pks, parse_datetime(now)).as_dict()


def dispatch_soon():
    """Ask a worker for a pass now (minutes just sent, say), without waiting for the periodic one.

    Only a nudge: with the broker unreachable it logs and returns, and the periodic pass
    sends what is due all the same. Never fails the request that asked.
    """
    try:
        # One attempt to reach the broker, no retries: a request must not wait on it.
        with dispatch_reminders.app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=0)
            dispatch_reminders.apply_async(connection=connection, retry=False)
    except Exception:  # broker down or misconfigured: kombu raises OperationalError, sockets OSError…
        logger.warning("could not queue a dispatch pass; the periodic pass will send", exc_info=True)
        return False
    return True

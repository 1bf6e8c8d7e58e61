"""Celery tasks: thin wrappers around meetings.notices.dispatch."""

import logging

from celery import shared_task

from .notices import dispatch

logger = logging.getLogger(__name__)


@shared_task(name="meetings.tasks.dispatch_reminders", ignore_result=True)
def dispatch_reminders():
    """One reminder pass; what is due is read from the database, so a missed run loses nothing."""
    return dispatch.dispatch_due().as_dict()


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

"""Celery tasks: thin wrappers around meetings.reminders."""

from celery import shared_task
from django.utils import timezone

from . import reminders


@shared_task(name="meetings.tasks.dispatch_reminders", ignore_result=True)
def dispatch_reminders():
    """One reminder pass; what is due is read from the database, so a missed run loses nothing."""
    return reminders.dispatch_due(now=timezone.now()).as_dict()

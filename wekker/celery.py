"""The Celery application: configuration from Django settings, and the beat schedule."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wekker.settings")

app = Celery("wekker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def setup_periodic_tasks(sender, **kwargs):
    from django.conf import settings

    # Every pass reads what is due from the database: a missed pass (worker or broker
    # down) loses nothing, the next one catches up. Each message is claimed in the
    # database, so overlapping passes never send twice.
    sender.add_periodic_task(
        settings.REMINDER_DISPATCH_INTERVAL,
        sender.signature("meetings.tasks.dispatch_reminders", options={"expires": settings.REMINDER_DISPATCH_INTERVAL}),
        name="dispatch reminders",
    )
    # The weekly digest falls due on Monday at 8:00 Paris time (CELERY_TIMEZONE): a pass
    # right then sends it without waiting for the next interval.
    sender.add_periodic_task(
        crontab(minute=1, hour=8, day_of_week="mon"),
        sender.signature("meetings.tasks.dispatch_reminders"),
        name="weekly digest (Monday morning)",
    )

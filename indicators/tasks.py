"""Celery tasks: thin wrappers around indicators.uploads."""

from celery import shared_task

from . import uploads


@shared_task(name="indicators.tasks.check_import", ignore_result=True)
def check_import(pk):
    """Check an uploaded file: the dry run its page shows."""
    return uploads.check(pk)


@shared_task(name="indicators.tasks.write_import", ignore_result=True)
def write_import(pk):
    """Write a confirmed import in one transaction, with the rollup."""
    return uploads.write(pk)

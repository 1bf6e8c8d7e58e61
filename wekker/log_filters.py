"""Filters for the project's logging (settings.LOGGING)."""

import logging


class ForbiddenWithoutTraceback(logging.Filter):
    """A 403 is an answer, not a fault: its line stays in the log, its traceback goes.

    Django logs every PermissionDenied on `django.request` with the exception, so each
    member who opens a coordinator's page wrote a full traceback.
    """

    def filter(self, record):
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True

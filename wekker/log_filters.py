"""Filters for the project's logging (settings.LOGGING)."""

import logging


class ClientErrorWithoutTraceback(logging.Filter):
    """A 403 or a 404 is an answer, not a fault: its line stays in the log, its traceback goes.

    Django logs every PermissionDenied and Http404 on `django.request` with the exception,
    so each member who opened a coordinator's page wrote a full traceback. A 500 keeps it.
    """

    def filter(self, record):
        if 400 <= getattr(record, "status_code", 0) < 500:
            record.exc_info = None
            record.exc_text = None
        return True

import logging
import sys

import pytest

pytestmark = pytest.mark.django_db


def test_it_logs_a_403_in_one_line_without_a_traceback(client, membre, mixite, caplog):
    client.force_login(membre)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/groups/mixite/edit/").status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /groups/mixite/edit/"
    assert record.exc_info is None and "Traceback" not in caplog.text


def test_it_logs_a_404_in_one_line_without_a_traceback(client, membre, caplog):
    client.force_login(membre)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/groups/nope/").status_code == 404
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Not Found: /groups/nope/" and record.exc_info is None


def test_it_keeps_the_traceback_of_a_500():
    from wekker.log_filters import ClientErrorWithoutTraceback

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        exc_info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error", (), exc_info)
    record.status_code = 500
    assert ClientErrorWithoutTraceback().filter(record) and record.exc_info == exc_info

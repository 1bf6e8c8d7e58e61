import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators import tasks
from meetings.tests.test_notices_worker import own_queue  # noqa: F401 – the worker tests' own queue, shared


class WebImport:
    """Upload a file through the import page and follow it to its page, the tasks run at once."""

    def __init__(self, capture):
        self.capture = capture

    def __call__(self, client, name, content):
        data = content.encode() if isinstance(content, str) else content
        with self.capture(execute=True):
            response = client.post("/indicators/import/", {"file": SimpleUploadedFile(name, data, "text/csv")})
        assert response.status_code == 302, response.content.decode()[:500]
        return client.get(response.url)

    def confirm(self, client, record):
        with self.capture(execute=True):
            response = client.post(f"/indicators/import/{record.pk}/decide/", {"confirm": "1"})
        return client.get(response.url)


@pytest.fixture
def eager_tasks():
    """The Celery tasks run in the process that queues them (when its transaction commits)."""
    app = tasks.check_import.app

    before = {"task_always_eager": app.conf.task_always_eager, "task_eager_propagates": app.conf.task_eager_propagates}
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    app.conf.update(before)


@pytest.fixture
def web_import(django_capture_on_commit_callbacks, eager_tasks):
    """Uploads through the page, the tasks run at once."""
    return WebImport(django_capture_on_commit_callbacks)

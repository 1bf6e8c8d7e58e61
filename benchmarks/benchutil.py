"""What the HTTP benchmarks share: a free port, production-like settings, a gunicorn server."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


# What Django costs with nothing to do (benchmarks/load/urls.py): the floor pages are compared with.
TRIVIAL = "/bench/trivial/"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# One key for the sessions this process creates and the servers that read them.
SECRET_KEY = os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")


def status(url, cookie=None):
    """The status of one GET, redirects not followed (a login redirect must not pass for a page)."""
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 – local http URLs only
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def server_env():
    """The environment of a production server on 127.0.0.1 (no TLS in front of it here)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.load.settings",  # the project plus the trivial view
        "PYTHONPATH": str(ROOT),
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }


@contextlib.contextmanager
def gunicorn(port, env, workers=2):
    """gunicorn serving the project (plus the trivial view) on 127.0.0.1:port until the block ends."""
    manage = [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"]
    subprocess.run(manage, cwd=ROOT, env=env, check=True)  # production serves hashed static files
    command = [sys.executable, "-m", "gunicorn", "wekker.wsgi:application", "--workers", str(workers)]
    command += ["--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        wait_until_up(f"http://127.0.0.1:{port}{TRIVIAL}")
        yield server
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_until_up(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2):  # noqa: S310 – local URL
            return
        time.sleep(0.3)
    raise RuntimeError(f"the server did not answer at {url}")


def stop(*processes, seconds=60):
    """Stop processes started with start_new_session=True, and all they started: SIGTERM to each
    process group at once, SIGKILL to any still there `seconds` later."""
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

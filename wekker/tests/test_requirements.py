"""requirements.txt alone is enough for production: a fresh venv installed from it with
hashes runs a Celery worker on Redis.

The suite's own .venv also has the dev requirements, which once hid a missing runtime
dependency (kombu's Redis transport imports `packaging`). This test builds a venv of its
own from requirements.txt only, so it sees what a production machine would get.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings

from conftest import stop_process

BASE_DIR = Path(__file__).resolve().parents[2]
# The test's own Redis database (the cache then goes to the next one, 13): never 0 or 1,
# which other tests use, nor 14 and 15, which the suite is often pointed at.
REDIS_DATABASE = 12
INSTALL_TIMEOUT = 600
READY_TIMEOUT = 60


def broker_url():
    """The Redis server the suite was given, on this test's own database."""
    return urlparse(settings.CELERY_BROKER_URL)._replace(path=f"/{REDIS_DATABASE}").geturl()


def fresh_venv(path):
    """A venv with requirements.txt installed, hash-checked, and nothing else."""
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=120)
    result = subprocess.run(
        [
            str(path / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-input",
            "--disable-pip-version-check",
            "--require-hashes",
            "-r",
            str(BASE_DIR / "requirements.txt"),
        ],
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
    )
    assert result.returncode == 0, f"pip install --require-hashes -r requirements.txt failed:\n{result.stderr[-3000:]}"
    return path


def worker_env(venv, var_dir):
    leaking = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "DATABASE_URL", "CACHE_URL", "EMAIL_URL")
    env = {k: v for k, v in os.environ.items() if k not in leaking and not k.startswith("CELERY_")}
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        CELERY_BROKER_URL=broker_url(),
        DJANGO_SETTINGS_MODULE="wekker.settings",
        WEKKER_VAR_DIR=str(var_dir),  # SQLite and mails in the test's tmp dir
        PYTHONUNBUFFERED="1",
    )
    return env


def wait_until_ready(process, log_path):
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if " ready." in log_path.read_text():
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.2)
    return False


@pytest.mark.redis
@pytest.mark.celery
def test_a_venv_from_requirements_txt_alone_runs_a_worker_on_redis(tmp_path):
    venv = fresh_venv(tmp_path / "venv")
    env = worker_env(venv, tmp_path / "var")
    node = f"requirements-{uuid.uuid4().hex[:8]}@wekker-test"
    # A queue of its own, which nothing sends to: the worker must not take tasks other tests
    # left on this Redis. One fixed name, so that runs do not pile up queue bindings there.
    queue = "wekker-requirements-test"
    log_path = tmp_path / "worker.log"
    with open(log_path, "w") as log:
        worker = subprocess.Popen(
            [
                str(venv / "bin" / "celery"),
                "-A",
                "wekker",
                "worker",
                "--pool=solo",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-n",
                node,
                "-Q",
                queue,
                "--loglevel=INFO",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        ready = wait_until_ready(worker, log_path)
        assert ready, f"the worker did not get ready (exit code {worker.poll()}):\n{log_path.read_text()[-3000:]}"
        ping = subprocess.run(
            [str(venv / "bin" / "celery"), "-A", "wekker", "inspect", "ping", "-d", node, "--timeout", "10"],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert ping.returncode == 0 and "pong" in ping.stdout, ping.stdout + ping.stderr
        assert worker.poll() is None, log_path.read_text()[-3000:]
    finally:
        stop_process(worker)
    output = log_path.read_text()
    assert "redis://" in output, output[-3000:]
    assert "Traceback" not in output, output[-3000:]

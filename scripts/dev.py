"""`make run`: the web app, a Celery worker and the beat scheduler, stopped together on Ctrl-C."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PY = sys.executable


def main():
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    commands = [
        [PY, "manage.py", "runserver", "127.0.0.1:8000", "--noreload"],
        [
            PY,
            "-m",
            "celery",
            "-A",
            "wekker",
            "worker",
            "-B",
            "--loglevel=INFO",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
        ],
    ]
    processes = [subprocess.Popen(command, cwd=BASE_DIR, env=env) for command in commands]
    print("Wekker: http://127.0.0.1:8000  (logins admin / coordinatrice / membre, password wekker-demo)")
    print("Mails are written to var/mail/. Ctrl-C stops everything.")

    def stop(*_):
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while all(process.poll() is None for process in processes):
        time.sleep(0.5)
    print("A process stopped: stopping the others.", file=sys.stderr)
    stop()


if __name__ == "__main__":
    main()

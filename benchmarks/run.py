"""Run every benchmark of this folder (bench_*.py) one after the other, against DATABASE_URL."""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Benchmarks that empty their database and fill it with their own data (never the seed_scale one).
OWN_DATA = {"bench_reminders.py", "bench_scaleout.py", "bench_instances.py"}


def main():
    if not os.getenv("DATABASE_URL", "").startswith("postgres"):
        print("Benchmarks are meant for PostgreSQL: set DATABASE_URL=postgres://… (seeded with seed_scale).")
    failures = 0
    for script in sorted(HERE.glob("bench_*.py")):
        env = dict(os.environ)
        if script.name in OWN_DATA:
            # It empties its database and fills it with its own data: never the seed_scale one.
            if not os.getenv("REMINDERS_BENCH_DATABASE_URL"):
                print(f"\n== {script.name} skipped: set REMINDERS_BENCH_DATABASE_URL to a database it may empty")
                continue
            env["DATABASE_URL"] = os.environ["REMINDERS_BENCH_DATABASE_URL"]
        print(f"\n== {script.name}", flush=True)
        failures += subprocess.call([sys.executable, str(script)], env=env) != 0
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

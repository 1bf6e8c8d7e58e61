"""Run every benchmark of this folder (bench_*.py) one after the other, against DATABASE_URL."""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main():
    if not os.getenv("DATABASE_URL", "").startswith("postgres"):
        print("Benchmarks are meant for PostgreSQL: set DATABASE_URL=postgres://… (seeded with seed_scale).")
    failures = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"\n== {script.name}", flush=True)
        failures += subprocess.call([sys.executable, str(script)]) != 0
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

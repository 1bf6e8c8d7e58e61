"""Two test runs in one checkout never share a SQLite test database (it was var/test.sqlite3:
a second run destroyed the first's)."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
CODE = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.DATABASES['default']['TEST']['NAME'])"
)


def name_in_one_run():
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment["DJANGO_SETTINGS_MODULE"] = "wekker.settings"
    result = subprocess.run(
        [sys.executable, "-c", CODE], cwd=BASE_DIR, env=environment, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_it_names_the_sqlite_test_database_after_each_run():
    first, second = name_in_one_run(), name_in_one_run()
    assert first != second
    assert Path(first).name.startswith("test-") and Path(first).suffix == ".sqlite3"

"""The gates of conftest.py: a test whose service is missing skips outside CI and fails in CI,
without running."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
SAMPLE = Path(__file__).with_name("service_marker_sample.py")
NO_CHROMIUM = "/nonexistent/chromium"


def run_sample(ci):
    """pytest on the sample alone, with no Chromium where conftest.py looks for it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "CI"))}
    env.update(CHROMIUM_PATH=NO_CHROMIUM, CI="true" if ci else "")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:xdist", "-rA", str(SAMPLE)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_skips_a_test_whose_service_is_missing_outside_ci():
    result = run_sample(ci=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert f"needs Chromium at {NO_CHROMIUM}" in result.stdout
    assert "the test body ran" not in result.stdout


def test_it_fails_a_test_whose_service_is_missing_in_ci_without_running_it():
    result = run_sample(ci=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"CI=true and this test cannot run: needs Chromium at {NO_CHROMIUM}" in result.stdout
    assert "skipped" not in result.stdout
    assert "the test body ran" not in result.stdout

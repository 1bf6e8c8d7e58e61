"""`make lint` holds the layers: it passes on the code as it is and fails on an upward import."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(sys.prefix)
PLANTED = """

def _planted():
    from meetings import selectors  # a lower layer reaching up

    return selectors
"""


@pytest.fixture
def copy(tmp_path):
    """The project's files (tracked or not ignored), with their times, in a folder of their own."""
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in files:
        source = ROOT / name
        if source.is_file():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, tmp_path / name)
    return tmp_path


def make_lint(folder):
    """`make lint` in the folder, with this test run's virtualenv (already installed)."""
    marks = [str(VENV / ".installed"), str(VENV / ".installed-dev")]
    command = ["make", "-s", "lint", f"VENV={VENV}", *[flag for mark in marks for flag in ("-o", mark)]]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=300)


def test_it_passes_on_the_code_and_fails_on_an_upward_import(copy):
    clean = make_lint(copy)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    with open(copy / "groups" / "services.py", "a") as module:
        module.write(PLANTED)
    planted = make_lint(copy)
    assert planted.returncode != 0
    assert "groups is not allowed to import meetings" in planted.stdout
    assert "groups.services -> meetings.selectors" in planted.stdout


def test_it_fails_on_a_noqa_that_does_not_say_why(copy):
    with open(copy / "groups" / "services.py", "a") as module:
        module.write("\n\ndef _planted():\n    import os  # noqa: F401\n")
    result = make_lint(copy)
    assert result.returncode != 0
    assert "says what it silences but not why" in result.stdout

"""The CLI on a home it cannot write: one line naming the place, never a
traceback, and nothing already saved is lost."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, readonly_view


def drill(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, DRILL_HOME=str(home), PYTHONPATH=str(ROOT / "src"))
    return subprocess.run([sys.executable, "-m", "drill", *args], capture_output=True, text=True,
                          env=env, timeout=300, stdin=subprocess.DEVNULL)


@pytest.fixture
def readonly_home(tmp_path):
    """A home with a trainee's store in it, then mounted read-only (a bind mount:
    as root, file permissions deny nothing)."""
    home = tmp_path / "home"
    home.mkdir()
    made = drill(home, "settings", "--user", "lin", "--retention", "0.9")
    assert made.returncode == 0, made.stderr
    with readonly_view(home, tmp_path / "readonly") as view:
        yield view


def test_settings_on_a_readonly_home_is_one_line(readonly_home):
    before = (readonly_home / "progress" / "lin" / "trainee.json").read_bytes()
    done = drill(readonly_home, "settings", "--user", "lin", "--retention", "0.85")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "progress/lin" in done.stderr and "Read-only file system" in done.stderr
    assert (readonly_home / "progress" / "lin" / "trainee.json").read_bytes() == before
    shown = drill(readonly_home, "settings", "--user", "lin")  # reading still works
    assert shown.returncode == 0 and "0.9" in shown.stdout


def test_stats_on_a_readonly_home_reads(readonly_home):
    done = drill(readonly_home, "stats", "--user", "lin")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr

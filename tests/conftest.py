from __future__ import annotations

from pathlib import Path

import time

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DECKS = ROOT / "decks"


def seed(prefix: str) -> Path:
    """The seed speech whose file name starts with ``prefix`` (000 … 004)."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path


@pytest.fixture(autouse=True)
def drill_home(tmp_path, monkeypatch) -> Path:
    """Everything drill writes goes to a fresh folder in every test."""
    home = tmp_path / "drill-home"
    monkeypatch.setenv("DRILL_HOME", str(home))
    return home


async def until(pilot, condition, timeout: float = 60.0, what: str = "the condition") -> None:
    """Let the app run until ``condition()`` holds: a wait on what the test
    needs, however loaded the machine, never a fixed sleep."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)

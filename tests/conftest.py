from __future__ import annotations

import contextlib
import inspect
import os
import subprocess
import time
from pathlib import Path

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


def asked_cold(user: str = "lin") -> None:
    """The trainee turned the learning steps off: new cards are asked cold,
    recall first (for tests of recall itself; test_learning.py has the steps)."""
    from drill.core.store import Store

    store = Store.open(user)
    store.update_settings(learn_first=False)
    store.close()


async def until(pilot, condition, timeout: float = 60.0, what: str = "the condition") -> None:
    """Let the app run until ``condition()`` holds: a wait on what the test
    needs, however loaded the machine, never a fixed sleep."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


# Markers, set from what each test does (pyproject.toml declares them):
#   tui   runs a Textual app (App.run_test or a snapshot)
#   slow  starts other processes (drill's command, writers killed mid-answer),
#         or is marked slow by hand (whole sessions in the app)
#   unit  everything else: the core, in this process
_STARTS_PROCESSES = ("subprocess.", "Popen", "multiprocessing", "os.kill", "_run_drill", "sys.executable")


_helpers: dict[str, set[str]] = {}


@contextlib.contextmanager
def readonly_view(folder: Path, view: Path):
    """``folder`` seen read-only at ``view`` (a read-only bind mount: as root,
    file permissions deny nothing); the test is skipped where mounting is not
    allowed."""
    view.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "--bind", str(folder), str(view)],
                                           capture_output=True).returncode != 0:
        pytest.skip("a read-only bind mount needs root and mount permission")
    try:
        if subprocess.run(["mount", "-o", "remount,ro,bind", str(view)], capture_output=True).returncode != 0:
            pytest.skip("remounting read-only is not allowed here")
        yield view
    finally:
        subprocess.run(["umount", "-l", str(view)], capture_output=True)


def _process_helpers(module) -> set[str]:
    """The functions of a test module that start other processes."""
    if module is None:
        return set()
    if module.__name__ not in _helpers:
        found = set()
        for name, value in vars(module).items():
            if inspect.isfunction(value) and value.__module__ == module.__name__ and not name.startswith("test"):
                try:
                    body = inspect.getsource(value)
                except (OSError, TypeError):
                    continue
                if any(word in body for word in _STARTS_PROCESSES):
                    found.add(name)
        _helpers[module.__name__] = found
    return _helpers[module.__name__]


def pytest_collection_modifyitems(config, items):
    for item in items:
        function = getattr(item, "function", None)
        try:
            source = inspect.getsource(function) if function is not None else ""
        except (OSError, TypeError):
            source = ""
        fixtures = getattr(item, "fixturenames", ())
        tui = "run_test(" in source or "snap_compare" in fixtures
        if tui:
            item.add_marker(pytest.mark.tui)
        if any(word in source for word in _STARTS_PROCESSES) or \
                any(f"{name}(" in source for name in _process_helpers(item.module)):
            item.add_marker(pytest.mark.slow)
        if not tui and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.unit)

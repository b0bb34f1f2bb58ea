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
    """Everything drill writes goes to a fresh folder in every test (and
    progress to TinyDB files there, unless the test asks for a server)."""
    home = tmp_path / "drill-home"
    monkeypatch.setenv("DRILL_HOME", str(home))
    monkeypatch.delenv("DRILL_STORE", raising=False)
    return home


# The engines a store test runs on (the engine_kind fixture): a test marked
# tinydb_only runs on TinyDB's alone (it is about TinyDB's files).
ENGINES = ("tinydb", "postgresql")


def pytest_generate_tests(metafunc):
    if "engine_kind" in metafunc.fixturenames:
        kinds = ["tinydb"] if metafunc.definition.get_closest_marker("tinydb_only") else list(ENGINES)
        metafunc.parametrize("engine_kind", kinds, indirect=True)


def pg_server():
    """This test process's PostgreSQL server (tests/pg.py); the test is skipped
    when there are no PostgreSQL binaries, except under CI, where it fails."""
    import pg

    found = pg.server()
    if isinstance(found, str):
        if os.environ.get("CI", "").lower() in ("1", "true", "yes") or pg.binaries() is not None:
            pytest.fail(found, pytrace=False)
        pytest.skip(found)
    return found


@pytest.fixture
def engine_kind(request, monkeypatch, drill_home) -> str:
    """The engine the test's stores are on: "tinydb" (files under DRILL_HOME)
    or "postgresql" (DRILL_STORE names a fresh schema on a real server)."""
    if request.param == "postgresql":
        monkeypatch.setenv("DRILL_STORE", pg_server().fresh_schema())
    return request.param


def pytest_sessionfinish(session, exitstatus):
    import sys

    if "pg" in sys.modules:
        sys.modules["pg"].stop()


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

"""The drill screen under store faults: a store held by another process, a
full disk. The app shows what is wrong, keeps the typed answer, never shows
a traceback, and saves when the trouble is gone."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import readonly_view, until, asked_cold

from drill.core import tinydb_engine as store
from drill.core.store import Store, store_dir
from drill.tui.app import make_app
from drill.tui.screens.drill import AnswerArea, DrillScreen

SIZE = (100, 30)


async def to_first_card(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, DrillScreen), what="the drill screen")


def status_text(app) -> str:
    widget = app.screen.query_one("#store-status")
    return str(widget.render()) if widget.display else ""


def hold_lock(path: Path) -> subprocess.Popen:
    """Another process holding the store's lock until its stdin closes."""
    code = textwrap.dedent(f"""
        import fcntl, os, sys
        fd = os.open({str(path)!r}, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        print("held", flush=True)
        sys.stdin.read()
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


async def test_a_store_held_by_another_drill_keeps_the_answer_and_saves_on_retry(drill_home, monkeypatch):
    monkeypatch.setattr(store, "BUSY_WAIT_S", 0.5)
    asked_cold()  # typed answers to recall cards
    holder = hold_lock(store_dir("lin") / ".lock")
    app = make_app(user="lin")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await to_first_card(app, pilot)
            screen = app.screen
            typed = "不知道这一项"
            await pilot.press(*typed)
            await pilot.press("ctrl+s")
            await until(pilot, lambda: "not saved" in status_text(app), what="the not-saved message")
            assert "busy" in status_text(app)
            area = screen.query_one(AnswerArea)
            assert area.text == typed and not area.read_only and screen.phase == "answering"
            holder.stdin.close()
            holder.wait(timeout=30)
            await pilot.press("ctrl+s")
            await until(pilot, lambda: screen.phase == "judged", what="the answer to be saved")
            assert status_text(app) == ""
            assert len(app.session.answered) == 1
    finally:
        if holder.poll() is None:
            holder.kill()
    assert len(list(Store.open("lin").reviews())) == 1


def fill(path: Path) -> None:
    """Fill the disk ``path`` is on to its last byte."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 1):
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError:
                    break
    finally:
        os.close(fd)


def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir(parents=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True)
    return done.returncode == 0


async def test_a_full_disk_keeps_the_answer_and_says_so(tmp_path, monkeypatch):
    home = tmp_path / "small"
    if os.geteuid() != 0 or not _mount_tmpfs(home, "2m"):
        pytest.skip("mounting a small tmpfs needs root and mount permission")
    try:
        monkeypatch.setenv("DRILL_HOME", str(home))
        asked_cold()  # typed answers to recall cards
        app = make_app(user="lin")
        async with app.run_test(size=SIZE) as pilot:
            await to_first_card(app, pilot)
            screen = app.screen
            filler = home / "filler"
            fill(filler)
            typed = "不知道这一项"
            await pilot.press(*typed)
            await pilot.press("ctrl+s")
            await until(pilot, lambda: "not saved" in status_text(app) or screen.phase == "judged",
                        what="the answer to land or fail")
            assert "not saved" in status_text(app)
            assert screen.query_one(AnswerArea).text == typed and screen.phase == "answering"
            filler.unlink()
            await pilot.press("ctrl+s")
            await until(pilot, lambda: screen.phase == "judged", what="the answer to be saved")
    finally:
        subprocess.run(["umount", "-l", str(home)], capture_output=True)


async def test_a_readonly_home_opens_drills_and_keeps_the_typed_answer(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("DRILL_HOME", str(home))
    asked_cold()  # typed answers to recall cards
    with readonly_view(home, tmp_path / "readonly") as view:
        monkeypatch.setenv("DRILL_HOME", str(view))
        app = make_app(user="lin")
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await to_first_card(app, pilot)
            screen = app.screen
            typed = "不知道这一项"
            await pilot.press(*typed)
            await pilot.press("ctrl+s")
            await until(pilot, lambda: "not saved" in status_text(app) or screen.phase == "judged",
                        what="the answer to fail")
            assert "Read-only file system" in status_text(app)
            assert screen.query_one(AnswerArea).text == typed and screen.phase == "answering"

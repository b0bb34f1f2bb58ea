"""A store cleans up after a drill killed mid-compaction (its temporary
files go, those of a drill still running stay), and follows no links."""

from __future__ import annotations

import subprocess
import sys

from drill.core.store import Store, store_dir


def test_temporary_files_of_a_killed_writer_are_removed_on_open(drill_home):
    Store.open("lin").close()
    folder = store_dir("lin")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_pid = int(gone.stdout)
    running = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        dead = folder / f".trainee.json.{dead_pid}.tmp"
        live = folder / f".trainee.json.{running.pid}.tmp"
        other = folder / "notes.tmp"  # not drill's: never touched
        for path in (dead, live, other):
            path.write_text("half a compaction", "utf-8")
        Store.open("lin").close()
        assert not dead.exists()
        assert live.exists() and other.exists()
    finally:
        running.stdin.close()
        running.wait(timeout=30)


def test_a_link_inside_a_store_is_refused_and_nothing_is_written_through_it(drill_home, tmp_path):
    import pytest

    from drill.core.store import StoreError

    Store.open("lin").close()
    folder = store_dir("lin")
    outside = tmp_path / "outside"
    outside.mkdir()
    (folder / ".lock").unlink()
    (folder / ".lock").symlink_to(outside / "planted")
    with pytest.raises(StoreError, match="symbolic link"):
        Store.open("lin")
    assert not (outside / "planted").exists()


def test_a_store_folder_that_is_a_link_is_refused(drill_home, tmp_path):
    import pytest

    from drill.core.store import StoreError

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root = drill_home / "progress"
    root.mkdir(parents=True)
    (root / "lin").symlink_to(elsewhere)
    with pytest.raises(StoreError, match="symbolic link"):
        Store.open("lin")
    assert list(elsewhere.iterdir()) == []

"""Rotating backups of a trainee's progress store, and restoring one.

A backup is a zip of the store's files (trainee.json and every month's
review log, packed or plain), taken under the store's lock so it is one moment of the
store, in ``$DRILL_HOME/backups/NAME/`` (NAME the store's folder name),
outside the store, so it never counts in the store's size. One is made
when a store that was written to is closed, unless the newest is younger
than ``BACKUP_EVERY_S``; the newest ``BACKUPS_KEPT`` are kept.

Restoring checks the backup as a store first (every record, every log);
the store it replaces is moved aside into the backups folder, never
deleted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

from drill.core.errors import DrillError
from drill.core.files import fsync_dir

BACKUP_EVERY_S = 30 * 60
BACKUPS_KEPT = 10
_MEMBER = re.compile(r"^(trainee\.json|reviews-\d{4}-\d{2}\.json(\.gz)?)$")
_BACKUP = re.compile(r"^\d{8}-\d{6}-\d{6}\.zip$")


def backup_dir(folder: Path) -> Path:
    from drill import paths

    return paths.home() / "backups" / folder.name


def backups(folder: Path) -> list[Path]:
    """The store's backups, newest first."""
    root = backup_dir(folder)
    if not root.is_dir():
        return []
    return sorted((p for p in root.iterdir() if _BACKUP.match(p.name) and p.is_file()
                   and not p.is_symlink()), key=lambda p: p.name, reverse=True)


def due(folder: Path, now: float | None = None) -> bool:
    """Whether a backup may be made now: none yet, or the newest older than BACKUP_EVERY_S."""
    found = backups(folder)
    if not found:
        return True
    with contextlib.suppress(OSError):
        return (now or time.time()) - found[0].stat().st_mtime >= BACKUP_EVERY_S
    return True


def make(store, now: float | None = None) -> Path:
    """Back ``store`` up now; drop all but the newest BACKUPS_KEPT."""
    from drill.core.store import StoreError

    folder = store.folder
    root = backup_dir(folder)
    stamp = dt.datetime.fromtimestamp(now or time.time()).strftime("%Y%m%d-%H%M%S-%f")
    target = root / f"{stamp}.zip"
    try:
        root.mkdir(parents=True, exist_ok=True)
        if root.is_symlink():
            raise StoreError("is a symbolic link; drill follows no links to a backup", root)
        tmp = root / f".{stamp}.{os.getpid()}.tmp"
        with store.lock:
            names = sorted(p.name for p in folder.iterdir() if _MEMBER.match(p.name) and p.is_file()
                           and not p.is_symlink())
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
                for name in names:  # a packed month's log is stored as it is: it is gzipped already
                    zf.write(folder / name, name,
                             zipfile.ZIP_STORED if name.endswith(".gz") else zipfile.ZIP_DEFLATED)
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, target)
            fsync_dir(root)
        for old in backups(folder)[BACKUPS_KEPT:]:
            with contextlib.suppress(OSError):
                old.unlink()
    except OSError as exc:
        with contextlib.suppress(OSError, UnboundLocalError):
            tmp.unlink()
        raise StoreError(f"cannot write a backup: {exc.strerror or exc}", root) from None
    return target


def unpack(backup: Path, into: Path) -> None:
    """The store files of ``backup`` in the folder ``into``; a file that is
    not a drill backup is an error naming it."""
    try:
        with zipfile.ZipFile(backup) as zf:
            members = zf.infolist()
            if not members or any(not _MEMBER.match(m.filename) for m in members):
                raise DrillError("not a drill backup (a zip of trainee.json and review logs)", backup)
            if not any(m.filename == "trainee.json" for m in members):
                raise DrillError("not a drill backup: it holds no trainee.json", backup)
            for m in members:
                with zf.open(m) as src, open(into / m.filename, "wb") as dst:
                    shutil.copyfileobj(src, dst)
    except (zipfile.BadZipFile, EOFError):
        raise DrillError("not a drill backup (not a zip file)", backup) from None
    except OSError as exc:
        raise DrillError(f"cannot read the backup: {exc.strerror or exc}", backup) from None


def restore(folder: Path, backup: Path, check) -> Path:
    """Replace the store in ``folder`` by ``backup`` when ``check(folder)``
    finds no problem in it; the replaced store goes to the backups folder.
    Returns where the replaced store went."""
    from drill.core.store import StoreError

    root = backup_dir(folder)
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=folder.parent))
    try:
        unpack(backup, staging)
        problems = check(staging)
        if problems:
            raise StoreError(f"the backup is not a sound store ({problems[0]})", backup)
        aside = root / f"replaced-{dt.datetime.now().strftime('%Y%m%d-%H%M%S-%f')}"
        if folder.exists():
            os.replace(folder, aside)
        os.replace(staging, folder)
        fsync_dir(folder.parent)
        fsync_dir(root)
        return aside
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)

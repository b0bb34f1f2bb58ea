"""Files: writing one so that a crash leaves the old file or the new one, never half of
either, and reading one no larger than drill reads."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from drill.core.errors import DrillError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable: a power loss after it keeps the
    new name (POSIX asks for the directory's own fsync)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # a file system that cannot fsync a directory: the rename stands as it is
    finally:
        os.close(fd)


def write_atomically(path: Path, write: Callable[[str], None]) -> None:
    """Call ``write(temporary path)``, then move the result over ``path``.

    The file gets the permissions a plain ``open()`` would give it (decks and
    packages are meant to be shared), is fsynced before the rename, and a
    failure leaves the old file, or none, in place.
    """
    path = Path(path)
    if path.is_dir():
        raise DrillError("is a directory", path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise DrillError(f"cannot write here: {exc.strerror or exc}", path) from None
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as exc:
        raise DrillError(f"cannot write the file: {exc.strerror or exc}", path) from None
    finally:
        Path(tmp).unlink(missing_ok=True)


# A speech is tens of kilobytes and a deck file less; anything past this is neither.
MAX_BYTES = 8 * 1024 * 1024


def read_limited(path: str | Path, limit: int | None = None, what: str = "a text file") -> bytes:
    """A file's bytes, refusing what is missing, a folder, not a regular file
    (a FIFO, /dev/zero), a kernel's file (/proc, /sys) or larger than ``limit`` (default :data:`MAX_BYTES`):
    a large file is refused by its size without being opened, and no more
    than ``limit`` + 1 bytes are ever read."""
    p = Path(path)
    limit = MAX_BYTES if limit is None else limit

    def too_big(size: int | None) -> DrillError:
        most = f"drill reads at most {limit / 1048576:.3g} MB"
        if size is None:
            return DrillError(f"the file is larger than {limit:,} bytes; {most}", p)
        shown = f"{size / 1048576:.1f} MB"
        if float(shown.split()[0]) <= limit / 1048576:  # 8.0 MB against 8 MB says nothing
            shown = f"{size:,} bytes"
        return DrillError(f"the file is {shown}; {most}", p)

    try:
        if not p.exists():
            raise DrillError("no such file", p)
        if p.is_dir():
            raise DrillError(f"is a directory, not {what}", p)
        if not p.is_file():
            raise DrillError(f"is not a regular file, not {what}", p)
        size = p.stat().st_size
        if size > limit:
            raise too_big(size)
        with p.open("rb") as fh:
            data = fh.read(limit + 1)
        if size == 0 and data:
            # a kernel's file (/proc/self/environ) says it is empty and is not
            raise DrillError(f"is a system file, not {what}", p)
    except OSError as exc:
        raise DrillError(f"cannot read the file: {exc.strerror or exc}", p) from None
    if len(data) > limit:  # it grew, or its size lied
        raise too_big(None)
    return data

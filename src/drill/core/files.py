"""Writing a file so that a crash leaves the old file or the new one, never half of either."""

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

"""Errors the user can act on: one line, naming the file (and line)."""

from __future__ import annotations

from pathlib import Path


class DrillError(Exception):
    """A problem with the user's input, reported as ``FILE[:LINE]: message``."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class StoreError(DrillError):
    """A progress store that cannot be read or written as asked."""


class ServerAway(StoreError):
    """The progress server cannot be reached (down, restarting, the network
    gone), or dropped the connection in the middle of a change, whose outcome
    is then unknown: an answer is kept in the local journal (journal.py)."""

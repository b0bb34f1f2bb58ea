"""The one place that decides where drill reads decks and writes progress.

Everything drill writes lives under :func:`home`; ``DRILL_HOME`` (or
``--home DIR`` on the command line, which sets it) redirects all of it.
Nothing here is computed at import time.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "drill"
HOME_ENV = "DRILL_HOME"


def home() -> Path:
    """The directory for everything drill writes (decks folder, progress)."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Where drill keeps what it can make again from the decks (the deck
    cache): under DRILL_HOME when it is set, else the user's cache folder."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser() / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def user_decks_dir() -> Path:
    """The trainee's or instructor's own decks folder."""
    return home() / "decks"


def bundled_decks_dir() -> Path | None:
    """The decks shipped with drill, installed or in a source checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "data" / "decks", package.parent.parent / "decks"):
        if candidate.is_dir():
            return candidate
    return None


def deck_dirs(extra: list[Path] | None = None) -> list[Path]:
    """Where to look for decks, in order: bundled, the user's folder, ``--decks``."""
    dirs: list[Path] = []
    bundled = bundled_decks_dir()
    if bundled is not None:
        dirs.append(bundled)
    user = user_decks_dir()
    if user.is_dir():
        dirs.append(user)
    for path in extra or []:
        dirs.append(Path(path))
    seen: set[Path] = set()
    unique = []
    for d in dirs:
        key = d.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(d)
    return unique

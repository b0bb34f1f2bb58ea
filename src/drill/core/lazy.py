"""Modules and regular expressions made when first used, not when the module
that names them is imported: a start pays only for what its first screen uses.

After the first use an attribute is the real one, kept on the stand-in
itself, so later uses cost a plain attribute lookup.
"""

from __future__ import annotations

import importlib
import re


class LazyModule:
    """The module ``name``, imported when one of its attributes is first read."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str):
        if attr.startswith("__"):
            raise AttributeError(attr)
        value = getattr(importlib.import_module(self._name), attr)
        setattr(self, attr, value)
        return value

    def __repr__(self) -> str:
        return f"<lazy module {self._name}>"


class LazyPattern:
    """``re.compile(pattern, flags)``, compiled when first used."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._pattern = pattern
        self._flags = flags

    def __getattr__(self, attr: str):
        if attr.startswith("__"):
            raise AttributeError(attr)
        value = getattr(re.compile(self._pattern, self._flags), attr)  # (re keeps what it compiled)
        setattr(self, attr, value)
        return value

    def __repr__(self) -> str:
        return f"<lazy pattern {self._pattern!r}>"

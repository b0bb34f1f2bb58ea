"""A class's roster: a CSV file of the people to add, one a row.

The first row names the columns: ``name`` and ``role`` (``trainee`` or
``instructor``), and optionally ``password`` (a first password; without
one, drill makes one and prints it once). Cells are text, read as written:
a cell such as ``=cmd|…`` is a name like any other, never a formula.
"""

from __future__ import annotations

import csv
import enum
import io
from dataclasses import dataclass
from pathlib import Path

from drill.core.errors import DrillError

COLUMNS = ("name", "role", "password")
MIN_PASSWORD = 8
NAME_MAX_BYTES = 63  # a PostgreSQL role's name


class Role(enum.StrEnum):
    TRAINEE = "trainee"
    INSTRUCTOR = "instructor"


@dataclass(frozen=True)
class Entry:
    name: str
    role: Role
    password: str | None
    line: int


def name_problem(name: str) -> str | None:
    """What is wrong with a person's name (it is their login role), or None."""
    if not name:
        return "a person needs a name"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return f"the name {name!r} holds a control character"
    if len(name.encode("utf-8")) > NAME_MAX_BYTES:
        return f"the name {name!r} is too long: a login holds at most {NAME_MAX_BYTES} bytes"
    if name.lower().startswith("pg_"):
        return f"the name {name!r} begins with pg_, which PostgreSQL keeps for its own roles"
    return None


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD:
        return f"the password is too short: at least {MIN_PASSWORD} characters"
    if any(ord(c) < 32 or ord(c) == 127 for c in password):
        return "the password holds a control character"
    return None


def read(path: Path) -> tuple[list[Entry], list[DrillError]]:
    """The roster's entries and every problem in it (FILE:LINE: message)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return [], [DrillError(f"cannot read the roster: {exc.strerror or exc}", path)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        return [], [DrillError("the roster is not UTF-8 text", path, line)]
    problems: list[DrillError] = []
    entries: list[Entry] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
        if header is None:
            return [], [DrillError("the roster is empty: its first row names the columns name, role[, password]",
                                   path, 1)]
        columns = [cell.strip().lower() for cell in header]
        at = reader.line_num
        unknown = [c for c in columns if c not in COLUMNS]
        missing = [c for c in ("name", "role") if c not in columns]
        if unknown or missing or len(set(columns)) != len(columns):
            said = (f"unknown column {unknown[0]!r}" if unknown else
                    f"no {missing[0]!r} column" if missing else "a column is named twice")
            return [], [DrillError(f"{said}: the first row names the columns name, role[, password]", path, at)]
        seen: dict[str, int] = {}
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(columns):
                problems.append(DrillError(f"{len(row)} cells, but the roster has {len(columns)} columns",
                                           path, line))
                continue
            cells = dict(zip(columns, (cell.strip() for cell in row)))
            name = cells.get("name", "")
            role_text = cells.get("role", "").lower()
            password = cells.get("password") or None
            problem = name_problem(name)
            if problem is None and role_text not in tuple(Role):
                problem = (f"the role {cells.get('role', '')!r} is neither trainee nor instructor"
                           if role_text else f"{name}: no role (trainee or instructor)")
            if problem is None and password is not None:
                problem = password_problem(password)
            if problem is None and name in seen:
                problem = f"{name} is on line {seen[name]} already"
            if problem is not None:
                problems.append(DrillError(problem, path, line))
                continue
            seen[name] = line
            entries.append(Entry(name, Role(role_text), password, line))
    except csv.Error as exc:
        problems.append(DrillError(f"not a CSV row drill can read: {exc}", path, reader.line_num))
    if not entries and not problems:
        problems.append(DrillError("the roster names no one", path))
    return entries, problems

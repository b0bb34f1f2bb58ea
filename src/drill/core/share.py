"""Sharing decks: an Anki package for trainees who use Anki, and a
spreadsheet (CSV or TSV) that instructors can write and edit by hand.

The Anki package carries the deck's own cards (:meth:`Deck.cards`): recall,
name-the-abbreviation and put-in-order cards as notes of a "drill 提法"
note type, cloze cards as notes of a "drill 提法 填空" cloze note type.
Every id in it is derived, never random: the note types have fixed ids,
the Anki deck's id comes from the drill deck's id and each note's guid from
the deck's id and the card's id, so importing a re-exported deck updates
the notes already in Anki instead of adding copies. Every field is
HTML-escaped: what the deck says is what Anki shows, markup included.

The spreadsheet has one framework per row under a header naming the
columns (:data:`COLUMNS`); rows above the header may give the deck's
``title``, ``source``, ``encoding`` and ``note`` as ``key, value``. Items are
separated by 、, or written one per line in the cell (which the export does
when an item itself holds a 、). Reading a sheet reports every bad row with
its line in the file and builds the deck from the good ones; the caller
decides whether a sheet with bad rows may be imported.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from drill.core.deck import ID_RULE, BLANK, Card, Deck, Problem, _check_content, order_shown, valid_id
from drill.core.errors import DrillError
from drill.core.files import write_atomically
from drill.core.frameworks import DEFAULT_ORDERED, KINDS, Framework, framework_id

# --------------------------------------------------------------------------
# Anki

# Fixed ids: every drill deck shares the two note types, so a trainee's
# Anki holds one "drill 提法" note type however many decks they import.
_BASIC_MODEL = ("drill 提法", "drill/basic/1")
_CLOZE_MODEL = ("drill 提法 填空", "drill/cloze/1")

_CSS = """\
.card { font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif;
        font-size: 22px; text-align: left; color: black; background-color: white; }
.prompt { font-weight: bold; }
.context { margin-top: .6em; }
.quote, .note { margin-top: .8em; font-size: 17px; color: #555; }
.cloze { font-weight: bold; color: #0645ad; }
.nightMode .card { color: #eee; background-color: #222; }
.nightMode .quote, .nightMode .note { color: #aaa; }
"""

_BACK_EXTRA = ('{{#Quote}}<div class="quote">原文：{{Quote}}</div>{{/Quote}}'
               '{{#Note}}<div class="note">{{Note}}</div>{{/Note}}')


def anki_id(*parts: str) -> int:
    """A stable Anki id for a note type or deck, in the range Anki and genanki expect."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return (1 << 30) + int(digest[:8], 16) % (1 << 30)


def _models():
    import genanki

    basic = genanki.Model(
        anki_id(_BASIC_MODEL[1]), _BASIC_MODEL[0],
        fields=[{"name": "Prompt"}, {"name": "Context"}, {"name": "Answer"}, {"name": "Quote"},
                {"name": "Note"}, {"name": "Card"}],
        templates=[{
            "name": "drill",
            "qfmt": '<div class="prompt">{{Prompt}}</div>'
                    '{{#Context}}<div class="context">{{Context}}</div>{{/Context}}',
            "afmt": '{{FrontSide}}<hr id="answer"><div class="answer">{{Answer}}</div>' + _BACK_EXTRA,
        }],
        css=_CSS,
    )
    cloze = genanki.Model(
        anki_id(_CLOZE_MODEL[1]), _CLOZE_MODEL[0],
        fields=[{"name": "Text"}, {"name": "Prompt"}, {"name": "Answer"}, {"name": "Quote"},
                {"name": "Note"}, {"name": "Card"}],
        templates=[{
            "name": "drill 填空",
            "qfmt": '<div class="prompt">{{Prompt}}</div><div class="context">{{cloze:Text}}</div>',
            "afmt": '<div class="prompt">{{Prompt}}</div><div class="context">{{cloze:Text}}</div>'
                    + _BACK_EXTRA,
        }],
        css=_CSS,
        model_type=genanki.Model.CLOZE,
    )
    return basic, cloze


def _text(text: str) -> str:
    """Plain text as an Anki field: shown literally, line breaks kept."""
    return html.escape(text, quote=False).replace("\r\n", "\n").replace("\n", "<br>")


def _cloze_text(text: str) -> str:
    """Plain text inside a cloze field: also hide the braces and colons
    that Anki's cloze syntax ({{c1::…::hint}}) would read."""
    return _text(text).replace("{", "&#123;").replace("}", "&#125;").replace(":", "&#58;")


def _answer(items: list[str], ordered: bool) -> str:
    if len(items) == 1:
        return _text(items[0])
    tag = "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(f"<li>{_text(item)}</li>" for item in items) + f"</{tag}>"


def cloze_text(card: Card) -> str:
    """A cloze card's context as the Text of an Anki cloze note: the blank
    becomes ``{{c1::item}}``, everything else is escaped."""
    before, blank, after = card.context.partition(BLANK)
    if not blank:  # no blank to fill: show the item in its list
        before, after = "", ""
    return f"{_cloze_text(before)}{{{{c1::{_cloze_text(card.answer[0])}}}}}{_cloze_text(after)}"


def _tags(fw: Framework, card: Card) -> list[str]:
    """Anki tags hold no spaces; the card's kind is a tag too (drill::cloze…)."""
    tags = ["_".join(tag.split()) for tag in fw.tags if tag.strip()]
    return [*dict.fromkeys(tags), f"drill::{card.kind}"]


def anki_deck(deck: Deck):
    """The deck as a genanki Deck: one note per card of the drill deck."""
    import genanki

    basic, cloze = _models()
    out = genanki.Deck(anki_id("drill/deck", deck.id), deck.title)
    frameworks = {fw.id: fw for fw in deck.frameworks}
    for card in deck.cards():
        fw = frameworks[card.framework]
        guid = genanki.guid_for("drill", deck.id, card.id)
        # where the items were stated (the reference deck's) leads the note
        note = _text("\n".join(part for part in (card.stated_in, fw.note) if part))
        quote, card_id = _text(fw.quote), _text(anki_key(deck, card))
        if card.kind == "cloze":
            fields = [cloze_text(card), _text(card.prompt), _text(card.answer[0]), quote, note, card_id]
            model = cloze
        else:
            context = ""
            if card.kind == "order":
                context = _answer(order_shown(card), ordered=False)
            fields = [_text(card.prompt), context, _answer(card.answer, card.ordered), quote, note, card_id]
            model = basic
        out.add_note(genanki.Note(model=model, fields=fields, tags=_tags(fw, card), guid=guid))
    return out


def anki_key(deck: Deck, card: Card) -> str:
    """What a card's note holds in its Card field: ``<deck id>/<card id>``."""
    return f"{deck.id}/{card.id}"


def anki_keys(deck: Deck) -> list[str]:
    """The Card keys of the notes a package of the deck holds now."""
    return [anki_key(deck, card) for card in deck.cards()]


def anki_gone(deck: Deck) -> list[str]:
    """The notes the last package held (``deck.anki_exported``) whose cards
    have left the deck since: Anki keeps them, for a package cannot delete."""
    now = set(anki_keys(deck))
    return [key for key in deck.anki_exported if key not in now]


def _search_value(text: str) -> str:
    """Text as the value of an Anki search term: as the field stores it
    (escaped HTML), with Anki's wildcards and quotes escaped."""
    text = _text(text)
    for ch in ("\\", "*", "_", '"'):
        text = text.replace(ch, "\\" + ch)
    return text


def anki_search(keys: list[str], keep: list[str] | tuple = ()) -> str:
    """A search for Anki's browser that finds exactly the notes with these
    Card keys and none of those in ``keep`` (the notes still exported): a
    framework all of whose notes are gone is found by its prefix
    (``<deck id>/<framework id>/*``), any other note by its key. The field
    is written ``c_rd`` (``_`` matches one character): ``card:`` is Anki's
    own keyword for a card's template."""
    groups: dict[str, list[str]] = {}
    for key in keys:
        deck_id, _, rest = key.partition("/")
        groups.setdefault(f"{deck_id}/{rest.split('/')[0]}/", []).append(key)
    terms = []
    for prefix, members in groups.items():
        if len(members) > 1 and not any(k.startswith(prefix) for k in keep):
            terms.append(f'"c_rd:{_search_value(prefix)}*"')
        else:
            terms.extend(f'"c_rd:{_search_value(key)}"' for key in members)
    return " or ".join(terms)


def export_anki(deck: Deck, out: str | Path, timestamp: float | None = None) -> int:
    """Write the deck as an Anki package (.apkg); returns the number of notes.

    ``timestamp`` is the notes' modification time (now by default): Anki
    updates a note already in a collection only from a newer package."""
    import genanki

    package = anki_deck(deck)
    write_atomically(Path(out), lambda tmp: genanki.Package(package).write_to_file(tmp, timestamp))
    return len(package.notes)


# --------------------------------------------------------------------------
# spreadsheets

COLUMNS = ("id", "kind", "name", "items", "ordered", "tags", "note", "quote", "start", "end")
# Where a framework was stated, what else it is called, and whether its items
# come from the reference deck: written only when some framework has them.
STATED_COLUMNS = ("document", "year", "url", "aliases", "origin")
# What `drill author` recorded of a framework (own wording, candidates merged
# into it, the extraction fingerprint): written only when some framework has it.
REVIEW_COLUMNS = ("own", "merged", "extracted")
OPTIONAL_COLUMNS = STATED_COLUMNS + REVIEW_COLUMNS
REQUIRED_COLUMNS = ("kind", "name", "items")
# Deck rows above the header; ``rejected`` and ``anki_exported`` hold ids
# separated by spaces or line breaks.
DECK_KEYS = ("title", "id", "source", "encoding", "note", "reference", "rejected", "anki_exported")
ID_LIST_KEYS = ("rejected", "anki_exported")  # may be given on several rows
IDS_PER_ROW = 100
ITEM_SEPARATOR = "、"

# Spreadsheet safety (OWASP's CSV injection rule): a cell that starts with
# one of these is read by a spreadsheet as a formula (or pasted as one), so
# the export writes it after a single quote, which the import takes off
# again. A cell that starts with quotes and then one of these gets one quote
# more, so a quote an author typed ('abc, or '=abc) comes back as typed. A
# line feed counts too: the import reads a carriage return as one.
RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
ESCAPE = "'"

_TRUE = {"true", "yes", "y", "1", "是", "对", "√", "✓"}
_FALSE = {"false", "no", "n", "0", "否", "不", "×", "✗"}
_TAG_SPLIT = re.compile(r"[\s,，、;；]+")
_LINE_SPLIT = re.compile(r"\r\n|\r|\n")


def neutralise(cell: str) -> str:
    """A cell as the export writes it: one quote before a cell a
    spreadsheet would run, and before a quote that precedes such a start."""
    return ESCAPE + cell if cell.lstrip(ESCAPE).startswith(RISKY_STARTS) else cell


def restore(cell: str) -> str:
    """A cell as the export was given it: the quote :func:`neutralise` added
    taken off; a quote before anything else is the author's and stays."""
    if cell.startswith(ESCAPE) and cell.lstrip(ESCAPE).startswith(RISKY_STARTS):
        return cell[1:]
    return cell


def is_formula(cell: str) -> bool:
    """A cell a spreadsheet saved as a formula (=…), not as its text."""
    return cell.startswith("=")


def _ids(cell: str) -> list[str]:
    return list(dict.fromkeys(cell.split()))


def _delimiter_for(path: Path) -> str:
    return "\t" if path.suffix.lower() in (".tsv", ".tab") else ","


def _relative(target: Path, folder: Path) -> str:
    """``target`` relative to ``folder``; absolute when they share no more than the root."""
    target, folder = target.resolve(), folder.resolve()
    try:
        common = Path(os.path.commonpath([target, folder]))
        rel = os.path.relpath(target, folder) if common != Path(common.anchor) else str(target)
    except ValueError:  # another drive
        rel = str(target)
    return rel.replace("\\", "/")


def items_cell(items: list[str]) -> str:
    """Items joined by 、, or one per line when an item holds a 、 itself."""
    if any(ITEM_SEPARATOR in item or "\n" in item for item in items):
        return "\n".join(items) + ("\n" if len(items) == 1 else "")
    return ITEM_SEPARATOR.join(items)


def split_items(cell: str) -> list[str]:
    """A cell's items: one per line if the cell has several lines, else split at 、."""
    pieces = _LINE_SPLIT.split(cell) if _LINE_SPLIT.search(cell) else cell.split(ITEM_SEPARATOR)
    return [piece.strip() for piece in pieces if piece.strip()]


def table_rows(deck: Deck, out: Path | None = None) -> list[list[str]]:
    """The deck as spreadsheet rows: the deck's own rows, the header, one row per framework.
    The source path is written relative to ``out``'s folder, as it is read back."""
    source = deck.source
    src = deck.source_path()
    if src is not None and out is not None:
        source = _relative(src, out.parent)
    rows = [["title", deck.title], ["id", deck.id]]
    if deck.reference:
        rows.append(["reference", "true"])
    if source or not deck.reference:
        rows.append(["source", source])
    if deck.encoding and deck.encoding != "utf-8":
        rows.append(["encoding", deck.encoding])
    if deck.note:
        rows.append(["note", deck.note])
    for key, ids in (("rejected", deck.rejected), ("anki_exported", deck.anki_exported)):
        # a row per IDS_PER_ROW ids: a spreadsheet cell holds 32,767 characters at most
        for at in range(0, len(ids), IDS_PER_ROW):
            rows.append([key, "\n".join(ids[at:at + IDS_PER_ROW])])
    stated = [column for column in OPTIONAL_COLUMNS
              if any(_stated_cell(fw, column) for fw in deck.frameworks)]
    rows.append(list(COLUMNS) + stated)
    for fw in deck.frameworks:
        rows.append([fw.id, fw.kind, fw.name, items_cell(fw.items), "true" if fw.ordered else "false",
                     " ".join(fw.tags), fw.note, fw.quote, str(fw.start), str(fw.end)]
                    + [_stated_cell(fw, column) for column in stated])
    return rows


def _stated_cell(fw: Framework, column: str) -> str:
    if column == "year":
        return str(fw.year) if fw.year is not None else ""
    if column in ("aliases", "own", "merged"):
        values = getattr(fw, column)
        return items_cell(values) if values else ""
    return getattr(fw, column)


def export_table(deck: Deck, out: str | Path) -> int:
    """Write the deck as CSV (UTF-8 with a BOM, as Excel reads it) or, for
    a .tsv name, tab-separated; returns the number of rows of frameworks."""
    out = Path(out)
    buffer = io.StringIO()
    rows = [[neutralise(cell) for cell in row] for row in table_rows(deck, out)]
    csv.writer(buffer, delimiter=_delimiter_for(out), lineterminator="\r\n").writerows(rows)

    text = buffer.getvalue()
    def write(tmp: str) -> None:
        Path(tmp).write_text(text, encoding="utf-8-sig", newline="")

    write_atomically(out, write)
    return len(deck.frameworks)


@dataclass
class Imported:
    """What reading a spreadsheet found: the deck of its good rows, and the problems."""

    deck: Deck
    bad: list[Problem] = field(default_factory=list)  # rows left out, and why
    warnings: list[Problem] = field(default_factory=list)  # rows kept, with something to look at
    rows: int = 0  # rows of frameworks read, good and bad
    # Rows for a deck they are added to (``into``) whose id it already has:
    # reported, not added.
    present: list[Problem] = field(default_factory=list)


def _sniff(text: str, path: Path) -> str:
    """The delimiter: a tab for .tsv; otherwise the commonest of tab, comma
    and semicolon in the header line (Excel in some locales writes ';')."""
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    lines = [line for line in text.split("\n")[:20] if line.strip()]
    header = next((line for line in lines if "items" in line.lower()), lines[0] if lines else "")
    counts = {d: header.count(d) for d in ("\t", ",", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _records(text: str, delimiter: str, path: Path) -> list[tuple[int, list[str]]]:
    """(first line, cells) for each record; a record may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return records
        except csv.Error as exc:
            reason = str(exc)
            if "end of data" in reason:
                reason = 'a quoted cell is not closed (a " is missing)'
            elif "expected after" in reason:
                reason = 'text after the closing " of a quoted cell (write a " inside a quoted cell as "")'
            raise DrillError(f"cannot read the row: {reason}", path, line) from None
        records.append((line, cells))
        line = reader.line_num + 1


def _read_sheet(path: Path) -> str:
    """The sheet's text; a file in no encoding it may be in is reported at
    the line of its first byte that is not UTF-8."""
    from drill.core.extract.source import read_text

    try:
        return read_text(path)[0]
    except DrillError as exc:
        if exc.line is not None or "decode" not in exc.message:
            raise
        try:
            path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as bad:
            if isinstance(bad, UnicodeDecodeError):
                line = bad.object[:bad.start].count(b"\n") + 1
                raise DrillError(f"{exc.message} (byte {bad.start} is not UTF-8; save the sheet as "
                                 "CSV UTF-8)", path, line) from None
        raise


def read_table(path: str | Path, deck_path: Path | None = None, into: Deck | None = None) -> Imported:
    """Read a CSV or TSV sheet of frameworks into a deck for ``deck_path``.

    Raises :class:`DrillError` for a file that cannot be a sheet at all
    (missing, empty, binary, undecodable, without a header row, without a
    framework row, a formula in a deck row). A bad row is left out and
    reported in ``bad``, each as ``FILE:LINE: message`` with the line where
    the row starts in the file.

    With ``into`` (a deck the rows are to be added to, see :func:`append`)
    the items are checked against that deck's speech, a row whose id the
    deck has is reported in ``present``, and an id made for a row is unique
    in both."""
    from drill.core.extract.source import read_text

    path = Path(path)
    text = _read_sheet(path)
    name = str(path)
    delimiter = _sniff(text, path)
    records = _records(text, delimiter, path)

    meta: dict[str, str] = {}
    meta_lines: dict[str, int] = {}
    header: dict[str, int] | None = None
    header_line = 0
    rows: list[tuple[int, list[str]]] = []
    for line, cells in records:
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            names = [c.strip().lower() for c in cells]
            if "name" in names and "items" in names:
                header, header_line = _header(names, path, line), line
                continue
            if names[0] in DECK_KEYS and not any(c.strip() for c in cells[2:]):
                value = cells[1] if len(cells) > 1 else ""
                if is_formula(value):
                    raise DrillError(f"the {names[0]} is a spreadsheet formula ({value[:30]}), not text; "
                                     "write it as text (a ' before the = keeps it)", path, line)
                value = restore(value)
                if names[0] in ID_LIST_KEYS and names[0] in meta:
                    value = meta[names[0]] + "\n" + value
                meta[names[0]], meta_lines[names[0]] = value, line
                continue
            raise DrillError("expected the header row naming the columns ("
                             + ", ".join(COLUMNS) + "), or a deck row (" + ", ".join(DECK_KEYS) + ")",
                             path, line)
        rows.append((line, cells))
    if header is None:
        raise DrillError("no header row naming the columns (" + ", ".join(COLUMNS) + ")", path)
    if not rows:
        raise DrillError("no frameworks: nothing below the header row", path, header_line)

    source = written = meta.get("source", "").strip()
    source_text = None
    src = None
    if source:
        src = Path(source)
        if not src.is_absolute():
            src = path.parent / src
        source = _relative(src, deck_path.parent if deck_path is not None else Path.cwd())
    if into is not None:
        # the rows join a deck of its speech: they are checked against that one
        own_src = into.source_path()
        if src is not None and (own_src is None or own_src.resolve() != src.resolve()):
            raise DrillError(f"the sheet's source {written} is not the deck's "
                             f"({into.source or 'it has none'}); rows are added to a deck of the same speech",
                             path, meta_lines["source"])
        src, source, written = own_src, into.source, into.source
    if src is not None and src.is_file():
        try:
            source_text, _ = read_text(src)
        except DrillError:
            source_text = None
    title = meta.get("title", "").strip() or path.stem
    ident = meta.get("id", "").strip()
    if ident and not valid_id(ident):
        raise DrillError(ID_RULE, path, meta_lines["id"])
    reference = meta.get("reference", "").strip().lower() in _TRUE
    if into is not None:
        reference = into.reference
    deck = Deck(deck_path, title, source, meta.get("encoding", "").strip() or "utf-8",
                meta.get("note", ""), reference=reference, ident=ident,
                rejected=_ids(meta.get("rejected", "")), anki_exported=_ids(meta.get("anki_exported", "")))
    result = Imported(deck, rows=len(rows))
    there = {fw.id for fw in into.frameworks} if into is not None else set()

    ids: dict[str, int] = {}
    pending: list[tuple[int, Framework, bool]] = []  # (line, framework, id given)
    for line, cells in rows:
        problems: list[str] = []
        fw = _row(cells, header, problems)
        if fw is not None:
            _content(fw, line, name, problems, result.warnings, source_text, written)
        if fw is not None and reference:
            missing = [c for c in ("document", "year", "url") if not _stated_cell(fw, c)]
            if missing:
                problems.append(f"'{fw.name}' of a reference deck needs " + ", ".join(missing)
                                + " (where it was stated)")
        if fw is not None and fw.id:
            if fw.id in ids:
                problems.append(f"duplicate id '{fw.id}' (also at line {ids[fw.id]})")
            elif not problems:
                ids[fw.id] = line
        if problems or fw is None:
            result.bad.extend(Problem(name, line, message) for message in problems)
            continue
        pending.append((line, fw, bool(fw.id)))
    # Rows without an id get the id extraction would give them, unique in the
    # deck; added to a deck, a row whose kind and name make the id of one of
    # its frameworks is that framework.
    for line, fw, given in pending:
        if not given:
            base = framework_id(fw.kind, fw.name)
            if base in there:
                fw.id = base
            else:
                new, n = base, 1
                while new in ids or new in there:
                    n += 1
                    new = f"{base}-{n}"
                fw.id = new
                ids[new] = line
        if fw.id in there:
            how = "its id" if given else "its kind and name"
            result.present.append(Problem(name, line, f"'{fw.name}' ({fw.id}) is in the deck already "
                                          f"({how}); not added again", warning=True))
            continue
        deck.frameworks.append(fw)
    return result


def append(deck: Deck, imported: Imported) -> int:
    """Add the frameworks of a sheet read ``into`` the deck after its own
    (whose comments, order and decisions stay); the sheet's rejected ids join
    the deck's, and an id added as a framework leaves them. Returns how many
    frameworks were added."""
    added = imported.deck.frameworks
    deck.frameworks.extend(added)
    taken = {fw.id for fw in deck.frameworks} | {m for fw in deck.frameworks for m in fw.merged}
    deck.rejected = [r for r in dict.fromkeys(deck.rejected + imported.deck.rejected) if r not in taken]
    return len(added)


def _header(names: list[str], path: Path, line: int) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, column in enumerate(names):
        if not column:
            continue
        if column not in COLUMNS and column not in OPTIONAL_COLUMNS:
            raise DrillError(f"unknown column '{column}' (the columns are "
                             f"{', '.join(COLUMNS + OPTIONAL_COLUMNS)})", path, line)
        if column in columns:
            raise DrillError(f"column '{column}' is named twice", path, line)
        columns[column] = index
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise DrillError("no column " + ", ".join(f"'{c}'" for c in missing), path, line)
    return columns


def _row(cells: list[str], header: dict[str, int], problems: list[str]) -> Framework | None:
    """A row as a framework, or None with the reasons in ``problems``."""
    width = max(header.values()) + 1
    if any(c.strip() for c in cells[width:]):
        problems.append(f"{len(cells)} cells, but the header names {width} columns")
    columns = {index: column for column, index in header.items()}
    for index, value in enumerate(cells[:width]):
        if index in columns and is_formula(value):
            problems.append(f"the {columns[index]} cell is a spreadsheet formula ({value[:30]}), not text; "
                            "write it as text (a ' before the = keeps it)")

    def cell(column: str) -> str:
        index = header.get(column)
        return restore(cells[index]) if index is not None and index < len(cells) else ""

    kind = cell("kind").strip().lower()
    if not kind:
        problems.append(f"no kind (one of {', '.join(KINDS)})")
    elif kind not in KINDS:
        problems.append(f"unknown kind '{cell('kind').strip()}' (one of {', '.join(KINDS)})")
    name = cell("name").strip()
    if not name:
        problems.append("no name")
    items = split_items(cell("items"))
    if not items and kind != "abbreviation":  # as `drill deck check`: a name without its items yet
        problems.append("no items")
    ordered_cell = cell("ordered").strip()
    ordered = DEFAULT_ORDERED.get(kind, True)
    if ordered_cell:
        if ordered_cell.lower() in _TRUE:
            ordered = True
        elif ordered_cell.lower() in _FALSE:
            ordered = False
        else:
            problems.append(f"ordered must be true or false (or yes/no, 1/0, 是/否), not '{ordered_cell}'")
    numbers = {}
    for column in ("start", "end"):
        value = cell(column).strip()
        try:
            numbers[column] = int(value) if value else 0
        except ValueError:
            problems.append(f"{column} must be a whole number, not '{value}'")
            numbers[column] = 0
    year_cell = cell("year").strip()
    year = None
    if year_cell:
        try:
            year = int(year_cell)
        except ValueError:
            problems.append(f"year must be a year (a whole number), not '{year_cell}'")
    origin = cell("origin").strip().lower()
    if origin and origin != "reference":
        problems.append(f"unknown origin '{cell('origin').strip()}' (the one known is reference)")
    if problems:
        return None
    tags = [tag for tag in _TAG_SPLIT.split(cell("tags")) if tag]
    return Framework(kind=kind, name=name, items=items, start=numbers["start"], end=numbers["end"],
                     quote=cell("quote"), id=cell("id").strip(), ordered=ordered,
                     tags=list(dict.fromkeys(tags)), note=cell("note"),
                     document=cell("document").strip(), year=year, url=cell("url").strip(),
                     aliases=split_items(cell("aliases")), origin=origin,
                     own=split_items(cell("own")), merged=split_items(cell("merged")),
                     extracted=cell("extracted").strip())


class _RowLines:
    """Every key of a framework read from a sheet is on its row's line."""

    def __init__(self, line: int):
        self.line = line

    def framework(self, index: int, key: str | None = None) -> int:
        return self.line

    def items(self, index: int) -> list[int]:
        return []


def _content(fw: Framework, line: int, name: str, problems: list[str], warnings: list[Problem],
             source_text: str | None, source: str) -> None:
    """The checks `drill deck check` makes of a framework's items, on a row."""

    def problem(_line, message, warning=False):
        if warning:
            warnings.append(Problem(name, line, message, warning=True))
        else:
            problems.append(message)

    _check_content(fw, 0, _RowLines(line), problem, None)
    if source_text is not None and fw.origin != "reference":  # those items are the reference's
        for item in fw.items:
            if item not in source_text and item not in fw.own:  # own wording need not be the speech's
                problems.append(f"item '{item}' is not in the source {source}"
                                + (" (an item in your own wording goes in the 'own' column too)"
                                   if not fw.own else ""))

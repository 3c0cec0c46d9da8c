"""Readers for event data and decision calendars; pure functions over file text.

EventRow formats, told apart by their content, not their names:

- ACLED exports (CSV with ACLED's own column names: ``event_id_cnty``,
  ``event_date``, ``actor1``, ``event_type``, ``sub_event_type``, ``location``,
  ``notes``, ``source``, ``fatalities``);
- GDELT 2.0 event files (tab-separated, 61 columns, no header). CAMEO 036 ("express
  intent to meet or negotiate") and 046 ("engage in negotiation") are statements of
  intent: they become official-channel claims. Root code 19 ("fight") rows are
  actions. Other rows are skipped, as they are neither;
- plain CSVs such as ../shared/data/events (``event_date`` or ``date``, ``actor1`` or
  ``actor``, ``event_type`` or ``type``, ``sub_event_type``, ``location`` or
  ``place``, ``notes`` or ``description``, optional ``event_id`` and ``source``).

DecisionRow calendars are CSVs with ``date``, ``audience``, ``decision``, ``kind``.

A row that cannot be read becomes a ``RejectedRow`` naming the file, the line, each bad
field and why; the rows around it are read on. One rule for every format's cells:

- a cell is at most ``MAX_CELL`` characters (the csv module's own default limit);
- a date is a whole day: ``YYYY-MM-DD`` (a time after it is allowed), a day in words
  with its month and year ("24 May 2024", ACLED's older exports), or GDELT's
  ``YYYYMMDD``; never a year or a month alone, a Unix time, or a date with text after it;
- a count (``fatalities``) is empty (unknown) or a whole number from 0 to
  ``MAX_COUNT`` (the store's INTEGER) in ASCII digits;
- numbers and dates are written in ASCII digits only: int() reads "٣" as 3 and
  str.isdigit() takes "²", which int() refuses, so neither is trusted.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Final

from feint.ingest.dates import parse_date
from feint.store.records import DecisionRow, EventRow

GDELT_COLUMNS: Final = 61
# The csv module's default field limit. A longer cell is no event's field but a
# broken export (an unclosed quote that swallowed the rows after it) or an attack.
MAX_CELL: Final = 131_072
# events.fatalities is a DuckDB INTEGER (32-bit signed).
MAX_COUNT: Final = 2**31 - 1
# GLOBALEVENTID is an INT64 in GDELT's own tables.
MAX_GDELT_ID: Final = 2**63 - 1
# CAMEO codes (GDELT's EventCode) that state an intent to talk.
CAMEO_INTENT: Final = {
    "036": "expresses intent to meet or negotiate with",
    "046": "engages in negotiation with",
}
CAMEO_FIGHT_ROOT: Final = "19"
_CAMEO_FIGHT: Final = {
    "190": "uses conventional military force against",
    "191": "imposes a blockade on",
    "192": "occupies territory of",
    "193": "fights with small arms against",
    "194": "fights with artillery and tanks against",
    "195": "employs aerial weapons against",
    "196": "violates a ceasefire with",
}
# GDELT 2.0 column positions (0-based), from the GDELT 2.0 event codebook.
_G_ID, _G_DATE, _G_A1, _G_A2, _G_CODE, _G_ROOT = 0, 1, 6, 16, 26, 28
_G_PLACE, _G_URL = 52, 60
# The codebook's names, to say which cell of a GDELT row is bad.
_G_NAMES: Final = {
    _G_ID: "GLOBALEVENTID", _G_DATE: "SQLDATE", _G_A1: "Actor1Name", _G_A2: "Actor2Name",
    _G_CODE: "EventCode", _G_ROOT: "EventRootCode", _G_PLACE: "ActionGeo_FullName",
    _G_URL: "SOURCEURL",
}  # fmt: skip

_DIGITS: Final = re.compile(r"[0-9]+")
_ISO_DAY: Final = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
)
# "24 May 2024", "24 May. 2024", "May 24, 2024": day, month and year, read by parse_date.
_WORDS_DAY: Final = re.compile(
    r"[0-9]{1,2} [A-Za-z]+\.? [0-9]{4}|[A-Za-z]+\.? [0-9]{1,2},? [0-9]{4}"
)
_SHOWN: Final = 40  # characters of a bad value a reason repeats


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row that could not be read."""

    origin: str
    reason: str


def _id(prefix: str, *parts: str) -> str:
    return f"{prefix}-" + hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:12]


def _shown(value: str) -> str:
    """A bad value as a reason repeats it: quoted, control characters escaped, a long
    one cut short with its length."""
    if len(value) <= _SHOWN:
        return repr(value)
    return f"{value[:_SHOWN]!r}... ({len(value):,} characters)"


def _foreign_digits(value: str) -> bool:
    """Whether ``value`` has a digit or numeral other than ASCII 0-9 ("٣", "²", "３")."""
    return any(c.isnumeric() and not c.isascii() for c in value)


def _cell_too_long(field: str, value: str) -> str | None:
    if len(value) <= MAX_CELL:
        return None
    return (
        f"{field} {_shown(value)} is over the {MAX_CELL:,}-character limit of a cell; "
        "an unclosed quote may have run on into the rows after it"
    )


def _full_date(field: str, raw: str, problems: list[str]) -> date | None:
    """The day ``raw`` names (see the module's rule), or None with the reason appended."""
    fix = "write the day as YYYY-MM-DD"
    if not raw:
        problems.append(f"{field} is empty; {fix}")
        return None
    if _foreign_digits(raw):
        problems.append(f"{field} {_shown(raw)} has digits other than ASCII 0-9; {fix}")
        return None
    if m := _ISO_DAY.fullmatch(raw):
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            problems.append(f"{field} {_shown(raw)} is not a day of the calendar; {fix}")
            return None
    when = parse_date(raw) if _WORDS_DAY.fullmatch(raw) else None
    if when is None:
        problems.append(
            f"{field} {_shown(raw)} is not a date with day, month and year; {fix} "
            "(or in words: 24 May 2024)"
        )
    return when


def _count(field: str, raw: str, problems: list[str]) -> int | None:
    """A count from 0 to MAX_COUNT, None when empty (unknown) or bad (reason appended)."""
    if not raw:
        return None
    if raw.startswith("-") and _DIGITS.fullmatch(raw[1:]):
        problems.append(f"{field} {_shown(raw)} is negative; a count is 0 or more")
        return None
    if not _DIGITS.fullmatch(raw):
        problems.append(
            f"{field} {_shown(raw)} is not a whole number in ASCII digits 0-9; "
            "leave it empty when unknown"
        )
        return None
    # Length first: int() refuses strings of more than 4,300 digits.
    if len(raw.lstrip("0")) > len(str(MAX_COUNT)) or int(raw) > MAX_COUNT:
        problems.append(f"{field} {_shown(raw)} is over {MAX_COUNT:,}, the most the store holds")
        return None
    return int(raw)


def detect_format(text: str) -> str:
    """ "gdelt", "acled" or "csv" from a file's first line."""
    if text.lstrip("\ufeff").split("\n", 1)[0].count("\t") == GDELT_COLUMNS - 1:
        return "gdelt"
    if {"event_id_cnty", "event_date"} <= set(_header(text)):
        return "acled"
    return "csv"


@contextmanager
def _csv_cells_up_to(n: int) -> Iterator[None]:
    """Let the csv module read cells of up to ``n`` characters while the body runs.

    At its default limit the reader raises in the middle of a row and cannot go on,
    so one huge cell lost the rest of the file; raised, the reader reads the row
    whole and ``MAX_CELL`` rejects it by field. The limit is process-wide (the csv
    module has no other), so it is put back afterwards; it is only ever raised, and
    no larger than the text being read, which is already in memory.
    """
    before = csv.field_size_limit()
    csv.field_size_limit(max(before, n))
    try:
        yield
    finally:
        csv.field_size_limit(before)


def _header(text: str) -> list[str]:
    """The lower-case column names on a CSV's first line."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    with _csv_cells_up_to(len(first) + 1):
        return [h.strip().lower() for h in next(csv.reader([first]), [])]


def _column(header: list[str], i: int) -> str:
    return header[i] if i < len(header) and header[i] else f"column {i + 1}"


def _rows(text: str, name: str) -> Iterator[tuple[str, dict[str, str]] | RejectedRow]:
    """(origin, row by lower-case column name), or a RejectedRow, for each row of a CSV.

    The origin is ``name:line`` with the line the row starts on. A row with a cell over
    ``MAX_CELL``, or with more filled cells than the header has columns (an unquoted
    comma shifts every cell after it), is rejected; rows with no filled cell are
    skipped, as blank lines are.
    """
    text = text.lstrip("\ufeff")
    with _csv_cells_up_to(len(text) + 1):
        reader = csv.reader(io.StringIO(text, newline=""))
        header = [h.strip().lower() for h in next(reader, [])]
        start = reader.line_num + 1
        while True:
            try:
                cells = next(reader, None)
            except csv.Error as e:  # not expected with the limit raised; never fatal
                yield RejectedRow(f"{name}:{start}", f"malformed CSV ({e})")
                start = reader.line_num + 1
                continue
            if cells is None:
                return
            origin, start = f"{name}:{start}", reader.line_num + 1
            values = [c.strip() for c in cells]
            if not any(values):
                continue
            problems = [
                p
                for i, value in enumerate(values)
                if len(value) > MAX_CELL and (p := _cell_too_long(_column(header, i), value))
            ]
            extra = [v for v in values[len(header) :] if v]
            if extra:
                problems.append(
                    f"the row has {len(extra)} filled cell(s) past the header's "
                    f"{len(header)} columns; quote cells that hold a comma"
                )
            if problems:
                yield RejectedRow(origin, "; ".join(problems))
                continue
            # A short row lacks its last columns: row.get() finds them empty.
            yield origin, dict(zip(header, values, strict=False))


def _pick(row: dict[str, str], *names: str) -> tuple[str, str]:
    """(column, value) for the first of ``names`` filled in, else the first present."""
    for n in names:
        if row.get(n):
            return n, row[n]
    return next((n for n in names if n in row), names[0]), ""


def _first(row: dict[str, str], *names: str) -> str:
    return _pick(row, *names)[1]


def read_events(text: str, name: str) -> Iterator[EventRow | RejectedRow]:
    """Events (or rejections) from an ACLED, GDELT or plain CSV file's text."""
    fmt = detect_format(text)
    if fmt == "gdelt":
        yield from _gdelt(text, name)
        return
    header = set(_header(text))
    if not header & {"event_date", "date"}:
        yield RejectedRow(
            name,
            "no date column: an events file needs event_date (ACLED) or date, "
            "or must be a GDELT 2.0 event file (61 tab-separated columns)",
        )
        return
    for item in _rows(text, name):
        if isinstance(item, RejectedRow):
            yield item
            continue
        origin, row = item
        problems: list[str] = []
        when = _full_date(*_pick(row, "event_date", "date"), problems)
        actor = _first(row, "actor1", "actor")
        kind_of = _first(row, "event_type", "type")
        notes = _first(row, "notes", "description")
        if not (actor and (kind_of or notes)):
            problems.append("an event needs an actor (actor1) and a type or notes")
        fatalities = _count("fatalities", row.get("fatalities", ""), problems)
        if problems or when is None:
            yield RejectedRow(origin, "; ".join(problems))
            continue
        place = _first(row, "location", "place", "admin1", "country") or None
        sub = _first(row, "sub_event_type", "sub_type") or None
        given = _first(row, "event_id_cnty", "event_id")
        yield EventRow(
            event_id=given
            or _id("ev", when.isoformat(), actor, kind_of, sub or "", place or "", notes),
            date=when,
            actor=actor,
            type=kind_of or "event",
            sub_type=sub,
            description=notes or f"{actor}: {kind_of}",
            source=_first(row, "source") or None,
            place=place,
            fatalities=fatalities,
            kind="action",
            origin=origin,
        )


def _gdelt_problems(cols: list[str], code: str) -> list[str]:
    """What is wrong with the cells of a GDELT row feint keeps; empty when nothing."""
    problems = [
        p
        for i, value in enumerate(cols)
        if len(value) > MAX_CELL
        and (p := _cell_too_long(_G_NAMES.get(i, f"column {i + 1}"), value))
    ]
    event_id, raw_date = cols[_G_ID].strip(), cols[_G_DATE].strip()
    if not (_DIGITS.fullmatch(event_id) and len(event_id) <= 19 and int(event_id) <= MAX_GDELT_ID):
        problems.append(
            f"GLOBALEVENTID {_shown(event_id)} is not GDELT's event number "
            f"(ASCII digits, at most {MAX_GDELT_ID})"
        )
    if not (_DIGITS.fullmatch(raw_date) and len(raw_date) == 8):
        problems.append(f"SQLDATE {_shown(raw_date)} is not YYYYMMDD (8 ASCII digits)")
    else:
        try:
            date(int(raw_date[:4]), int(raw_date[4:6]), int(raw_date[6:]))
        except ValueError:
            problems.append(f"SQLDATE {_shown(raw_date)} is not a day of the calendar")
    # An action row is kept for its root code 19: its full code must be a CAMEO code
    # under that root (190-196, or a four-digit refinement), as it names the event type.
    if code not in CAMEO_INTENT and not (
        _DIGITS.fullmatch(code) and len(code) in (3, 4) and code.startswith(CAMEO_FIGHT_ROOT)
    ):
        problems.append(f"EventCode {_shown(code)} is not a CAMEO code under root 19 (fight)")
    return problems


def _gdelt(text: str, name: str) -> Iterator[EventRow | RejectedRow]:
    # Lines end at "\n" only: str.splitlines() would also break a row at a "\x1c" or
    # "\u2028" inside a cell and misnumber every row after it.
    for line, raw in enumerate(text.split("\n"), start=1):
        raw = raw.removesuffix("\r")
        if not raw.strip():
            continue
        origin = f"{name}:{line}"
        cols = raw.split("\t")
        if len(cols) != GDELT_COLUMNS:
            yield RejectedRow(
                origin,
                f"a GDELT 2.0 event row has {GDELT_COLUMNS} tab-separated "
                f"columns, this one {len(cols)}",
            )
            continue
        code, root = cols[_G_CODE].strip(), cols[_G_ROOT].strip()
        if code not in CAMEO_INTENT and root != CAMEO_FIGHT_ROOT:
            continue  # neither a statement of intent nor an action: not context
        problems = _gdelt_problems(cols, code)
        if problems:
            yield RejectedRow(origin, "; ".join(problems))
            continue
        raw_date = cols[_G_DATE].strip()
        actor = cols[_G_A1].strip() or "unknown actor"
        target = cols[_G_A2].strip() or "another party"
        statement = code in CAMEO_INTENT
        verb = CAMEO_INTENT.get(code) or _CAMEO_FIGHT.get(code, "fights")
        yield EventRow(
            event_id=f"gdelt-{cols[_G_ID].strip()}",
            date=date(int(raw_date[:4]), int(raw_date[4:6]), int(raw_date[6:])),
            actor=actor,
            type=f"CAMEO {code}",
            sub_type=None,
            description=f"{actor} {verb} {target}",
            source=cols[_G_URL].strip() or None,
            place=cols[_G_PLACE].strip() or None,
            fatalities=None,
            kind="statement" if statement else "action",
            origin=origin,
        )


def read_decisions(text: str, name: str) -> Iterator[DecisionRow | RejectedRow]:
    """Decisions (or rejections) from a calendar CSV: date, audience, decision, kind."""
    header = set(_header(text))
    missing = {"date", "decision"} - header
    if missing:
        yield RejectedRow(
            name,
            f"a decision calendar needs the columns date, audience, decision, "
            f"kind; missing: {', '.join(sorted(missing))}",
        )
        return
    for item in _rows(text, name):
        if isinstance(item, RejectedRow):
            yield item
            continue
        origin, row = item
        problems: list[str] = []
        when = _full_date("date", row.get("date", ""), problems)
        if not row.get("decision"):
            problems.append("the decision is empty: say what was decided")
        if problems or when is None:
            yield RejectedRow(origin, "; ".join(problems))
            continue
        audience = row.get("audience") or "unknown"
        yield DecisionRow(
            decision_id=_id("dec", when.isoformat(), audience, row["decision"]),
            date=when,
            audience=audience,
            decision=row["decision"],
            kind=row.get("kind") or None,
            origin=origin,
        )

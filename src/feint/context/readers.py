"""Readers for event data and decision calendars; pure functions over file text.

Event formats, told apart by their content, not their names:

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

Decision calendars are CSVs with ``date``, ``audience``, ``decision``, ``kind``.
A row that cannot be read becomes a ``Rejected`` naming the file, the line and why.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Final

from feint.ingest.dates import parse_date

GDELT_COLUMNS: Final = 61
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


@dataclass(frozen=True, slots=True)
class Event:
    """One row of ``events``: an action, or (kind "statement") a coded statement."""

    event_id: str
    date: date
    actor: str
    type: str
    sub_type: str | None
    description: str
    source: str | None
    place: str | None
    fatalities: int | None
    kind: str  # "action" or "statement"
    origin: str  # file:line


@dataclass(frozen=True, slots=True)
class Decision:
    """One row of ``decisions``."""

    decision_id: str
    date: date
    audience: str
    decision: str
    kind: str | None
    origin: str


@dataclass(frozen=True, slots=True)
class Rejected:
    """A row that could not be read."""

    origin: str
    reason: str


def _id(prefix: str, *parts: str) -> str:
    return f"{prefix}-" + hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:12]


def detect_format(text: str) -> str:
    """ "gdelt", "acled" or "csv" from a file's first line."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    if first.count("\t") == GDELT_COLUMNS - 1:
        return "gdelt"
    header = {h.strip().lower() for h in next(csv.reader([first]), [])}
    if {"event_id_cnty", "event_date"} <= header:
        return "acled"
    return "csv"


def _rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    reader.fieldnames = [f.strip().lower() for f in reader.fieldnames or []]
    for row in reader:
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None}


def _first(row: dict[str, str], *names: str) -> str:
    return next((row[n] for n in names if row.get(n)), "")


def read_events(text: str, name: str) -> Iterator[Event | Rejected]:
    """Events (or rejections) from an ACLED, GDELT or plain CSV file's text."""
    fmt = detect_format(text)
    if fmt == "gdelt":
        yield from _gdelt(text, name)
        return
    header = {
        h.strip().lower() for h in next(csv.reader([text.lstrip("\ufeff").split("\n", 1)[0]]), [])
    }
    if not header & {"event_date", "date"}:
        yield Rejected(
            name,
            "no date column: an events file needs event_date (ACLED) or date, "
            "or must be a GDELT 2.0 event file (61 tab-separated columns)",
        )
        return
    for line, row in _rows(text):
        origin = f"{name}:{line}"
        raw_date = _first(row, "event_date", "date")
        when = parse_date(raw_date)
        if when is None:
            yield Rejected(origin, f"event date {raw_date!r} is not a date; use YYYY-MM-DD")
            continue
        actor = _first(row, "actor1", "actor")
        kind_of = _first(row, "event_type", "type")
        notes = _first(row, "notes", "description")
        if not (actor and (kind_of or notes)):
            yield Rejected(origin, "an event needs an actor (actor1) and a type or notes")
            continue
        place = _first(row, "location", "place", "admin1", "country") or None
        sub = _first(row, "sub_event_type", "sub_type") or None
        given = _first(row, "event_id_cnty", "event_id")
        fatalities = _first(row, "fatalities")
        yield Event(
            event_id=given
            or _id("ev", when.isoformat(), actor, kind_of, sub or "", place or "", notes),
            date=when,
            actor=actor,
            type=kind_of or "event",
            sub_type=sub,
            description=notes or f"{actor}: {kind_of}",
            source=_first(row, "source") or None,
            place=place,
            fatalities=int(fatalities) if fatalities.isdigit() else None,
            kind="action",
            origin=origin,
        )


def _gdelt(text: str, name: str) -> Iterator[Event | Rejected]:
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        origin = f"{name}:{line}"
        cols = raw.split("\t")
        if len(cols) != GDELT_COLUMNS:
            yield Rejected(
                origin,
                f"a GDELT 2.0 event row has {GDELT_COLUMNS} tab-separated "
                f"columns, this one {len(cols)}",
            )
            continue
        code, root = cols[_G_CODE].strip(), cols[_G_ROOT].strip()
        if code not in CAMEO_INTENT and root != CAMEO_FIGHT_ROOT:
            continue  # neither a statement of intent nor an action: not context
        raw_date = cols[_G_DATE].strip()
        when = (
            parse_date(f"{raw_date[:4]}-{raw_date[4:6]}-{raw_date[6:8]}")
            if len(raw_date) == 8
            else None
        )
        if when is None:
            yield Rejected(origin, f"SQLDATE {raw_date!r} is not YYYYMMDD")
            continue
        actor = cols[_G_A1].strip() or "unknown actor"
        target = cols[_G_A2].strip() or "another party"
        statement = code in CAMEO_INTENT
        verb = CAMEO_INTENT.get(code) or _CAMEO_FIGHT.get(code, "fights")
        yield Event(
            event_id=f"gdelt-{cols[_G_ID].strip()}",
            date=when,
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


def read_decisions(text: str, name: str) -> Iterator[Decision | Rejected]:
    """Decisions (or rejections) from a calendar CSV: date, audience, decision, kind."""
    header = {
        h.strip().lower() for h in next(csv.reader([text.lstrip("\ufeff").split("\n", 1)[0]]), [])
    }
    missing = {"date", "decision"} - header
    if missing:
        yield Rejected(
            name,
            f"a decision calendar needs the columns date, audience, decision, "
            f"kind; missing: {', '.join(sorted(missing))}",
        )
        return
    for line, row in _rows(text):
        origin = f"{name}:{line}"
        when = parse_date(row.get("date"))
        if when is None:
            yield Rejected(origin, f"date {row.get('date')!r} is not a date; use YYYY-MM-DD")
            continue
        if not row.get("decision"):
            yield Rejected(origin, "the decision is empty: say what was decided")
            continue
        audience = row.get("audience") or "unknown"
        yield Decision(
            decision_id=_id("dec", when.isoformat(), audience, row["decision"]),
            date=when,
            audience=audience,
            decision=row["decision"],
            kind=row.get("kind") or None,
            origin=origin,
        )

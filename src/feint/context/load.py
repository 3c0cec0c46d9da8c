"""Loading events and decision calendars into the store.

Idempotent: events keep their source's id (ACLED ``event_id_cnty``, GDELT
``GLOBALEVENTID``) or a hash of their fields, decisions a hash of theirs, so loading
a file twice adds nothing. Each file is written in one transaction. A file or row
that cannot be read is a ``context_rejects`` row with the reason; the rest load.
Those rows describe each file as it was last loaded: loading a file replaces its
rejects, so a re-run adds no copies and a fixed row's reject goes. (A row with a bad
cell is rejected whole rather than loaded without the cell, since a row once loaded
is never rewritten: fixing the cell later would not reach the store.)

GDELT statements of intent (CAMEO 036, 046) are coded speech, not deeds: they are
stored as events of kind "statement" and as official-channel claims (claim id
``c-<event id>``, attr_id the event id), so the say-do analysis weighs them with
the claims found in documents.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from feint.context.readers import RejectedRow, read_decisions, read_events
from feint.store import Store
from feint.store.records import ClaimRow, ContextRejectRow, DecisionRow, EventRow

ProgressFn = Callable[[int, int], None]


@dataclass(slots=True)
class ContextReport:
    """What one ``load_context`` call did."""

    events: int = 0
    statements: int = 0
    decisions: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)


def _read_text(path: str) -> str | RejectedRow:
    try:
        return Path(path).read_text("utf-8")
    except FileNotFoundError:
        return RejectedRow(path, "no such file; check the path")
    except IsADirectoryError:
        return RejectedRow(path, "a folder, not a file; name the CSV or TSV inside")
    except UnicodeDecodeError:
        return RejectedRow(path, "not UTF-8 text; export the file as UTF-8 CSV")
    except OSError as e:
        return RejectedRow(path, f"cannot be read ({e.strerror})")


def load_context(
    store: Store,
    events: Sequence[str] = (),
    decisions: Sequence[str] = (),
    *,
    progress: ProgressFn | None = None,
) -> ContextReport:
    """Load event files and decision calendars into ``events`` and ``decisions``."""
    report = ContextReport()
    jobs = [(p, "events") for p in events] + [(p, "decisions") for p in decisions]
    for done, (path, what) in enumerate(jobs, start=1):
        text = _read_text(path)
        rows: list[EventRow | DecisionRow | RejectedRow]
        if isinstance(text, RejectedRow):
            rows = [text]
        elif what == "events":
            rows = list(read_events(text, path))
        else:
            rows = list(read_decisions(text, path))
        rejected = [r for r in rows if isinstance(r, RejectedRow)]
        with store.transaction() as conn:
            _load_events(store, [r for r in rows if isinstance(r, EventRow)], report)
            _load_decisions(store, [r for r in rows if isinstance(r, DecisionRow)], report)
            _replace_rejects(conn, store, path, rejected)
        report.rejected += rejected
        if progress is not None:
            progress(done, len(jobs))
    return report


def _replace_rejects(
    conn: duckdb.DuckDBPyConnection, store: Store, path: str, rejected: list[RejectedRow]
) -> None:
    """The file's rejects from this reading in place of those from the last (inside a
    transaction). Its rejects are those whose origin is the path, or the path and a line."""
    conn.execute(
        "DELETE FROM context_rejects WHERE origin = ? OR starts_with(origin, ?)",
        [path, f"{path}:"],
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    store.insert([ContextRejectRow(r.origin, r.reason, now) for r in rejected])


def _count(store: Store, sql: str) -> int:
    return int(store.query(sql).rows[0][0])


def _load_events(store: Store, good: list[EventRow], report: ContextReport) -> None:
    """Store the events and the claims of the coded statements (inside a transaction)."""
    if not good:
        return
    statements = [e for e in good if e.kind == "statement"]
    kinds = "SELECT count(*) FILTER (WHERE kind = 'statement'), count(*) FROM events"
    before = store.query(kinds).rows[0]
    store.insert(good, on_conflict_skip=True)
    after = store.query(kinds).rows[0]
    store.insert(
        [ClaimRow(f"c-{e.event_id}", e.event_id, None, "public_official") for e in statements],
        on_conflict_skip=True,
    )
    new_statements, added = after[0] - before[0], after[1] - before[1]
    report.statements += new_statements
    report.events += added - new_statements
    report.unchanged += len(good) - added


def _load_decisions(store: Store, good: list[DecisionRow], report: ContextReport) -> None:
    """Store the decisions (inside a transaction)."""
    if not good:
        return
    before = _count(store, "SELECT count(*) FROM decisions")
    store.insert(good, on_conflict_skip=True)
    added = _count(store, "SELECT count(*) FROM decisions") - before
    report.decisions += added
    report.unchanged += len(good) - added

"""Loading events and decision calendars into the store.

Idempotent: events keep their source's id (ACLED ``event_id_cnty``, GDELT
``GLOBALEVENTID``) or a hash of their fields, decisions a hash of theirs, so loading
a file twice adds nothing. Each file is written in one transaction. A file or row
that cannot be read is a ``context_rejects`` row with the reason; the rest load.

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
from typing import Final

from feint.context.readers import Decision, Event, Rejected, read_decisions, read_events
from feint.store import Store

ProgressFn = Callable[[int, int], None]
_EVENT_COLUMNS: Final = (
    "event_id",
    "date",
    "actor",
    "type",
    "description",
    "source",
    "place",
    "sub_type",
    "fatalities",
    "kind",
    "origin",
)


@dataclass(slots=True)
class ContextReport:
    """What one ``load_context`` call did."""

    events: int = 0
    statements: int = 0
    decisions: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)


def _read_text(path: str, report: ContextReport) -> str | None:
    try:
        return Path(path).read_text("utf-8")
    except FileNotFoundError:
        report.rejected.append(Rejected(path, "no such file; check the path"))
    except IsADirectoryError:
        report.rejected.append(Rejected(path, "a folder, not a file; name the CSV or TSV inside"))
    except UnicodeDecodeError:
        report.rejected.append(Rejected(path, "not UTF-8 text; export the file as UTF-8 CSV"))
    except OSError as e:
        report.rejected.append(Rejected(path, f"cannot be read ({e.strerror})"))
    return None


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
        text = _read_text(path, report)
        if text is not None:
            if what == "events":
                _load_events(store, list(read_events(text, path)), report)
            else:
                _load_decisions(store, list(read_decisions(text, path)), report)
        if progress is not None:
            progress(done, len(jobs))
    if report.rejected:
        now = datetime.now(UTC).replace(tzinfo=None)
        with store.transaction():
            store.insert_rows(
                "context_rejects",
                ("origin", "reason", "rejected_at"),
                [(r.origin, r.reason, now) for r in report.rejected],
            )
    return report


def _count(store: Store, sql: str) -> int:
    return int(store.query(sql).rows[0][0])


def _load_events(store: Store, rows: list[Event | Rejected], report: ContextReport) -> None:
    good = [r for r in rows if isinstance(r, Event)]
    report.rejected += [r for r in rows if isinstance(r, Rejected)]
    statements = [e for e in good if e.kind == "statement"]
    kinds = "SELECT count(*) FILTER (WHERE kind = 'statement'), count(*) FROM events"
    with store.transaction():
        before = store.query(kinds).rows[0]
        store.insert_rows(
            "events",
            _EVENT_COLUMNS,
            [
                (
                    e.event_id,
                    e.date,
                    e.actor,
                    e.type,
                    e.description,
                    e.source,
                    e.place,
                    e.sub_type,
                    e.fatalities,
                    e.kind,
                    e.origin,
                )
                for e in good
            ],
            on_conflict_skip=True,
        )
        after = store.query(kinds).rows[0]
        store.insert_rows(
            "claims",
            ("claim_id", "attr_id", "source_id", "channel"),
            [(f"c-{e.event_id}", e.event_id, None, "public_official") for e in statements],
            on_conflict_skip=True,
        )
    new_statements, added = after[0] - before[0], after[1] - before[1]
    report.statements += new_statements
    report.events += added - new_statements
    report.unchanged += len(good) - added


def _load_decisions(store: Store, rows: list[Decision | Rejected], report: ContextReport) -> None:
    good = [r for r in rows if isinstance(r, Decision)]
    report.rejected += [r for r in rows if isinstance(r, Rejected)]
    with store.transaction():
        before = _count(store, "SELECT count(*) FROM decisions")
        store.insert_rows(
            "decisions",
            ("decision_id", "date", "audience", "decision", "kind", "origin"),
            [(d.decision_id, d.date, d.audience, d.decision, d.kind, d.origin) for d in good],
            on_conflict_skip=True,
        )
        added = _count(store, "SELECT count(*) FROM decisions") - before
    report.decisions += added
    report.unchanged += len(good) - added

"""The bundled case, run through the whole flow (``feint demo``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from feint.assess.matrix import AssessReport
from feint.config import Options
from feint.context import ContextReport
from feint.extract.stage import ExtractReport, ProgressFn
from feint.ingest import IngestReport, Metadata
from feint.ingest.dates import parse_date
from feint.relate.corpus_eval import P1
from feint.relate.stage import RelateReport
from feint.session import Session
from feint.store import Store

SEED = "seed/isw-2024-05-24-kyivpost.txt"
CORPUS = "corpus/items.jsonl"
EVENTS = "events/russian-military-actions-2022-2025.csv"
CALENDAR = "calendar/western-decisions-2022-2025.csv"
QUESTION = P1
"""The bundled case's question: the corpus's proposition P1 (``relate.corpus_eval``,
where the corpus's gold stances are scored against it)."""
StageFn = Callable[[str, str, float], None]
"""on_stage(stage, what it did, seconds it took): called as each stage finishes."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoResult:
    """Where the demo wrote and what it found."""

    db_path: str
    ingest: IngestReport
    documents: int
    furniture_lines: int
    first_date: str | None
    last_date: str | None
    outlets: int
    extract: ExtractReport
    by_kind: list[tuple[str, int]]
    relayed_examples: list[tuple[str, str, str]]
    relate: RelateReport
    contradiction_example: tuple[str, str, str] | None
    context: ContextReport
    assess: AssessReport
    report_path: str
    loads: dict[str, int]
    """Times each model was loaded: once each."""


def bundled_inputs() -> list[Path]:
    """Paths of the bundled case's files inside the installed package: the seed,
    the corpus, the events and the decision calendar."""
    root = resources.files("feint") / "data"
    return [Path(str(root / name)) for name in (SEED, CORPUS, EVENTS, CALENDAR)]


def run_demo(
    out_dir: str | Path,
    options: Options | None = None,
    db_path: str | Path | None = None,
    progress: ProgressFn | None = None,
    relate_progress: Callable[[str, int, int], None] | None = None,
    on_stage: StageFn | None = None,
) -> DemoResult:
    """Run the whole flow (ingest, extract, relate, context, assess, report) on the
    bundled case into ``db_path`` (default ``out_dir/feint.duckdb``), replacing that
    store, and write ``out_dir/report.html``; one ``Session`` runs it, so each model
    loads once (``DemoResult.loads``).

    The seed article is ingested with its known metadata (published 24 May 2024 by
    Kyiv Post), the corpus with the metadata of each item.

    Args:
        progress: extract's progress(done, total).
        relate_progress: relate's progress(step, done, total).
        on_stage: told of each stage as it finishes (see ``StageFn``).
    """
    finished = _Clock(on_stage)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    db = Path(db_path) if db_path is not None else out / "feint.duckdb"
    for stale in (db, Path(f"{db}.wal")):
        stale.unlink(missing_ok=True)
    seed, corpus, events, calendar = bundled_inputs()
    with Session.open(db, options) as case:
        report = case.ingest(
            [str(seed)], Metadata(outlet="kyivpost.com", published=parse_date("2024-05-24"))
        )
        report.merge(case.ingest([str(corpus)]))
        finished("ingest", f"{report.ingested} documents")
        extracted = case.extract(progress=progress)
        finished(
            "extract",
            f"{extracted.attributions} attributions from {extracted.documents} documents",
        )
        related = case.relate(QUESTION, progress=relate_progress)
        finished("relate", f"{related.claims} claims, {related.propositions} propositions")
        context = case.context([str(events)], [str(calendar)])
        finished("context", f"{context.events} military actions, {context.decisions} decisions")
        assessed = case.assess(QUESTION)
        finished("assess", f"{len(assessed.judgements)} key judgements")
        report_path = case.report(out, "html", QUESTION)
        finished("report", str(report_path))
        facts = _facts(case.store)
        loads = dict(case.loads)
    return DemoResult(
        db_path=str(db), ingest=report, **facts, extract=extracted, relate=related,
        context=context, assess=assessed, report_path=str(report_path), loads=loads,
    )  # fmt: skip


class _Clock:
    """Tells ``on_stage`` of each stage as it finishes, with the seconds it took."""

    def __init__(self, on_stage: StageFn | None) -> None:
        self.on_stage, self.clock = on_stage, time.monotonic()

    def __call__(self, stage: str, what: str) -> None:
        now = time.monotonic()
        if self.on_stage is not None:
            self.on_stage(stage, what, now - self.clock)
        self.clock = now


def _facts(store: Store) -> dict[str, Any]:
    """What the demo's summary shows of the store: documents and their dates,
    attributions by kind, relayed examples and the strongest contradiction."""
    contra = store.query(
        "SELECT a1.content_text, a2.content_text, r.explanation FROM relations r "
        "JOIN claims c1 ON c1.claim_id = r.claim_a "
        "JOIN attributions a1 ON a1.attr_id = c1.attr_id "
        "JOIN claims c2 ON c2.claim_id = r.claim_b "
        "JOIN attributions a2 ON a2.attr_id = c2.attr_id "
        "WHERE r.kind = 'contradicts' ORDER BY r.score DESC, r.claim_a, r.claim_b LIMIT 1"
    ).rows
    by_kind = store.query(
        "SELECT s.kind, count(*) AS n FROM attributions a JOIN sources s USING (source_id) "
        "GROUP BY 1 ORDER BY n DESC, 1"
    ).rows
    examples = store.query(
        "SELECT source_text, cue_text, conduit_text FROM attributions "
        "WHERE conduit_text IS NOT NULL ORDER BY attr_id LIMIT 3"
    ).rows
    row = store.query(
        "SELECT count(*), sum(json_array_length(furniture)), min(published)::VARCHAR, "
        "max(published)::VARCHAR, count(DISTINCT outlet) FROM documents "
        "WHERE status = 'ok'"
    ).rows[0]
    return {
        "documents": int(row[0]),
        "furniture_lines": int(row[1] or 0),
        "first_date": row[2],
        "last_date": row[3],
        "outlets": int(row[4]),
        "by_kind": [(str(k), int(n)) for k, n in by_kind],
        "relayed_examples": [(str(a), str(b), str(c)) for a, b, c in examples],
        "contradiction_example": (
            (str(contra[0][0]), str(contra[0][1]), str(contra[0][2])) if contra else None
        ),
    }

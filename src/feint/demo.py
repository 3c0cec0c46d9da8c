"""The bundled case, run through the whole flow (``feint demo``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from feint.assess.stage import AssessReport, assess
from feint.config import Options
from feint.context import ContextReport, load_context
from feint.extract.stage import ExtractReport, ProgressFn, extract
from feint.ingest import IngestReport, Metadata, ingest
from feint.ingest.dates import parse_date
from feint.relate.stage import RelateReport, relate
from feint.report import write_report
from feint.store import Store

SEED = "seed/isw-2024-05-24-kyivpost.txt"
CORPUS = "corpus/items.jsonl"
EVENTS = "events/russian-military-actions-2022-2025.csv"
CALENDAR = "calendar/western-decisions-2022-2025.csv"
QUESTION = "Russia is genuinely willing to negotiate a ceasefire or peace settlement"
"""The bundled case's question: the corpus's proposition P1."""
StageFn = Callable[[str, str, float], None]
"""on_stage(stage, what it did, seconds it took): called as each stage finishes."""


@dataclass(frozen=True, slots=True)
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
    store, and write ``out_dir/report.html``.

    The seed article is ingested with its known metadata (published 24 May 2024 by
    Kyiv Post), the corpus with the metadata of each item.

    Args:
        progress: extract's progress(done, total).
        relate_progress: relate's progress(step, done, total).
        on_stage: told of each stage as it finishes (see ``StageFn``).
    """
    clock = time.monotonic()

    def finished(stage: str, what: str) -> None:
        nonlocal clock
        now = time.monotonic()
        if on_stage is not None:
            on_stage(stage, what, now - clock)
        clock = now

    options = options or Options()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    db = Path(db_path) if db_path is not None else out / "feint.duckdb"
    for stale in (db, Path(f"{db}.wal")):
        stale.unlink(missing_ok=True)
    seed, corpus, events, calendar = bundled_inputs()
    with Store.open(db) as store:
        report = ingest(
            store,
            [str(seed)],
            options.ingest,
            Metadata(outlet="kyivpost.com", published=parse_date("2024-05-24")),
        )
        report.merge(ingest(store, [str(corpus)], options.ingest))
        finished("ingest", f"{report.ingested} documents")
        extracted = extract(store, options.extract, progress=progress)
        finished(
            "extract",
            f"{extracted.attributions} attributions from {extracted.documents} documents",
        )
        related = relate(store, options.relate, question=QUESTION, progress=relate_progress)
        finished("relate", f"{related.claims} claims, {related.propositions} propositions")
        context = load_context(store, [str(events)], [str(calendar)])
        finished("context", f"{context.events} military actions, {context.decisions} decisions")
        assessed = assess(store, QUESTION, options.assess, relate_options=options.relate)
        finished("assess", f"{len(assessed.judgements)} key judgements")
        report_path = write_report(store, out, "html", QUESTION)
        finished("report", str(report_path))
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
    return DemoResult(
        str(db),
        report,
        int(row[0]),
        int(row[1] or 0),
        row[2],
        row[3],
        int(row[4]),
        extracted,
        [(str(k), int(n)) for k, n in by_kind],
        [(str(a), str(b), str(c)) for a, b, c in examples],
        related,
        (str(contra[0][0]), str(contra[0][1]), str(contra[0][2])) if contra else None,
        context,
        assessed,
        str(report_path),
    )

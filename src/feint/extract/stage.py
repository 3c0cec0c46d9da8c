"""Stage 2, extract: documents in the store to ``attributions`` and ``sources``.

Idempotent per document: a document listed in ``extract_runs`` is skipped unless
``force``. A document that breaks the parser is recorded in ``extract_errors`` and
the batch goes on. Each batch of documents is written in one transaction, its old
rows replaced, so a crash leaves every document either extracted whole or not.

Only extraction's own tables are replaced: the claims relate made from replaced
attributions are relate's to follow (its next run drops those whose attribution is
gone and redoes those whose attribution changed), as each stage replaces its own
output and nothing else (DESIGN.md, "The flow").
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Final, NamedTuple, Protocol

from spacy.language import Language

from feint.config import ExtractOptions
from feint.extract import entities
from feint.extract.nlp import COMPONENT, load_pipeline, pipe_attributions
from feint.extract.records import Attribution
from feint.store import Store
from feint.store.records import AttributionRow, ExtractErrorRow, ExtractRunRow, SourceRow

log = logging.getLogger(__name__)

# 2: attributions say whether content has a predicate; 3: speakers resolved (issue 12);
# 4: the tagger's boundaries and additions (extract_runs.model says when it ran)
EXTRACTOR_VERSION: Final = "rules-4"

ProgressFn = Callable[[int, int], None]
"""progress(done, total) after each batch of documents."""


@dataclass(slots=True)
class ExtractReport:
    """What one ``extract`` call did."""

    documents: int = 0
    skipped: int = 0
    attributions: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)


def extract(
    store: Store,
    options: ExtractOptions | None = None,
    *,
    force: bool = False,
    nlp: Language | None = None,
    progress: ProgressFn | None = None,
    parser: BatchParser | None = None,
) -> ExtractReport:
    """Extract attributions from the store's documents.

    Args:
        store: an open, writable store.
        options: model, batch size, processes, length limit.
        force: redo documents already extracted.
        nlp: a loaded pipeline with ``feint_attributions`` (loaded from options if None).
        progress: called after each batch with (done, total).
        parser: parses the documents elsewhere (Ray actors, ``--ray``); they are
            written here all the same (``nlp`` is then not loaded).
    """
    options = options or ExtractOptions()
    todo = store.query(
        "SELECT doc_id, text, published FROM documents WHERE status = 'ok' "
        + ("" if force else "AND doc_id NOT IN (SELECT doc_id FROM extract_runs) ")
        + "ORDER BY doc_id"
    ).rows
    total_ok = store.query("SELECT count(*) FROM documents WHERE status = 'ok'").rows[0][0]
    report = ExtractReport(skipped=int(total_ok) - len(todo))
    if not todo:
        if store.query("SELECT count(*) FROM sources WHERE entity_id IS NULL AND name IS NOT NULL"
                       ).rows[0][0]:  # fmt: skip
            entities.rebuild(store)  # a store extracted before entities existed
        return report
    if parser is None:  # parsed here; with --ray, elsewhere (written here all the same)
        nlp = nlp or load_pipeline(options.model, options.cue_model, options.tagger)
        parser = LocalParser(nlp, options)
    return _write_parsed(store, parser, todo, report, progress)


def _chunks(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _parse(
    nlp: Language, chunk: Sequence[Any], options: ExtractOptions, report: ExtractReport
) -> Iterator[tuple[str, list[Attribution]]]:
    """(doc_id, attributions) for each document that parses; errors recorded."""
    good: list[tuple[str, str, date | None]] = []
    for doc_id, text, published in chunk:
        if len(text) > options.max_chars:
            _error(
                report,
                doc_id,
                f"document too long for the parser ({len(text):,} "
                f"characters > max_chars {options.max_chars:,}); split it into parts",
            )
            continue
        good.append((doc_id, text, published if isinstance(published, date) else None))
    try:
        parsed = list(pipe_attributions(
            nlp, ((t, p) for _, t, p in good), options.batch_size, options.n_process
        ))  # fmt: skip
    except Exception:  # one document broke the batch: redo one by one to find it
        log.warning("a batch failed; parsing its documents one by one", exc_info=True)
        for doc_id, text, published in good:
            try:
                [(_, atts)] = list(pipe_attributions(nlp, [(text, published)]))
            except Exception as e:
                _error(report, doc_id, f"the parser failed ({type(e).__name__}: {e})")
                continue
            yield doc_id, atts
        return
    for (doc_id, _, _), (_, atts) in zip(good, parsed, strict=True):
        yield doc_id, atts


def _error(report: ExtractReport, doc_id: str, message: str) -> None:
    report.errors.append((doc_id, message))
    log.warning("document %s: %s", doc_id[:12], message)


def _write(store: Store, parsed: Sequence[tuple[str, list[Attribution]]], model: str) -> None:
    doc_ids = [d for d, _ in parsed]
    attr_rows: list[AttributionRow] = []
    source_rows: dict[str, SourceRow] = {}
    for doc_id, atts in parsed:
        ids = [attr_id(doc_id, a.index) for a in atts]
        for a in atts:
            sid = None
            if a.profile is not None:
                p = a.profile
                # An unresolved pronoun is a source of its own (kind 'unresolved', no
                # name): "he" in one paragraph need not be "he" in another.
                name = p.name if p.name is not None else f"unresolved {a.index}"
                sid = source_id(doc_id, name, p.kind)
                source_rows.setdefault(
                    sid,
                    SourceRow(
                        sid, p.name, p.kind, p.count, p.affiliation, p.access, doc_id, p.role
                    ),
                )
            attr_rows.append(_attr_row(doc_id, ids, a, sid))
    now = datetime.now(UTC).replace(tzinfo=None)
    runs = [ExtractRunRow(d, model, EXTRACTOR_VERSION, now, len(a)) for d, a in parsed]
    with store.transaction():
        for kind in (AttributionRow, SourceRow, ExtractRunRow, ExtractErrorRow):
            store.delete_where_in(kind, "doc_id", doc_ids)
        store.insert(attr_rows)
        store.insert(list(source_rows.values()))
        store.insert(runs)


def record_errors(store: Store, errors: Sequence[tuple[str, str]]) -> None:
    """Store why documents could not be extracted (replacing earlier errors)."""
    if not errors:
        return
    now = datetime.now(UTC).replace(tzinfo=None)
    with store.transaction():
        store.delete_where_in(ExtractErrorRow, "doc_id", [d for d, _ in errors])
        store.insert([ExtractErrorRow(d, "extract", msg, now) for d, msg in dict(errors).items()])


def _attr_row(doc_id: str, ids: list[str], a: Attribution, sid: str | None) -> AttributionRow:
    def parts(span: Any) -> tuple[Any, Any, Any]:
        return (None, None, None) if span is None else (span.text, span.start, span.end)

    return AttributionRow(
        ids[a.index], doc_id, None if a.parent is None else ids[a.parent], sid,
        *parts(a.source), *parts(a.cue), a.cue_lemma or None, *parts(a.content),
        *parts(a.conduit), a.polarity.value, a.hedged,
        a.time.text if a.time else None, a.time_resolved, a.method.value,
        a.profile.name if a.profile else None, a.predicate,
    )  # fmt: skip


def attr_id(doc_id: str, index: int) -> str:
    """An attribution's id: its document and its place in it."""
    return f"{doc_id[:16]}-{index:03d}"


def source_id(doc_id: str, name: str, kind: str) -> str:
    """A source's id within one document (sources are merged across documents later)."""
    key = f"{doc_id}\0{name.lower()}\0{kind}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


# -- parsing elsewhere (--ray: extract/distributed.py) --------------------------


class ParsedBatch(NamedTuple):
    """A batch of documents parsed elsewhere: how many it had, (doc_id, attributions)
    of those that parsed, and (doc_id, why) of those that did not."""

    rows: int
    parsed: list[tuple[str, list[Attribution]]]
    errors: list[tuple[str, str]]


class BatchParser(Protocol):
    """Parses extract's documents elsewhere (``extract/distributed.py``: Ray actors)."""

    @property
    def model(self) -> str:
        """The pipeline's name, as ``extract_runs.model`` records it."""
        ...

    def parse(self, rows: Sequence[Any]) -> Iterator[ParsedBatch]:
        """``(doc_id, text, published)`` rows parsed in batches (``parse_batch``), each
        yielded as it is done, in any order."""
        ...


class LocalParser:
    """A ``BatchParser`` that parses in this process, in batches of ``batch_size`` x
    ``n_process`` documents (spaCy's worker processes share a batch)."""

    def __init__(self, nlp: Language, options: ExtractOptions) -> None:
        self.nlp, self.options = nlp, options
        self.model = model_name(nlp)

    def parse(self, rows: Sequence[Any]) -> Iterator[ParsedBatch]:
        """The rows' batches, parsed in order."""
        size = max(self.options.batch_size * max(self.options.n_process, 1), 1)
        for chunk in _chunks(rows, size):
            yield ParsedBatch(len(chunk), *parse_batch(self.nlp, chunk, self.options))


def model_name(nlp: Language) -> str:
    """What ``extract_runs.model`` records of a pipeline."""
    model = f"{nlp.meta.get('name', '?')}-{nlp.meta.get('version', '?')}"
    if getattr(nlp.get_pipe(COMPONENT), "tagger", None) is not None:
        model += "+feint-tagger"
    return model


def parse_batch(
    nlp: Language, rows: Sequence[Any], options: ExtractOptions
) -> tuple[list[tuple[str, list[Attribution]]], list[tuple[str, str]]]:
    """One batch of ``(doc_id, text, published)`` rows parsed as ``extract`` parses
    its own: (doc_id, attributions) of those that parse, (doc_id, why) of the rest."""
    report = ExtractReport()
    parsed = list(_parse(nlp, rows, options, report))
    return parsed, report.errors


def _write_parsed(
    store: Store,
    parser: BatchParser,
    todo: Sequence[Any],
    report: ExtractReport,
    progress: ProgressFn | None,
) -> ExtractReport:
    """``extract``'s loop: each batch ``parser`` parsed (here or on Ray actors) is
    written as it comes back; then the errors and the entities."""
    done = 0
    for batch in parser.parse(todo):
        _write(store, batch.parsed, parser.model)
        report.documents += len(batch.parsed)
        report.attributions += sum(len(atts) for _, atts in batch.parsed)
        report.errors += batch.errors
        done += batch.rows
        if progress is not None:
            progress(done, len(todo))
    record_errors(store, report.errors)
    entities.rebuild(store)
    return report

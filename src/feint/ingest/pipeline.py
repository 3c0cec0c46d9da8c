"""Stage 1, ingest: inputs to rows of ``documents``.

Every input item becomes a document or a ``rejected`` row that says why. Nothing
stops the batch but a broken store. Documents are keyed by the sha256 of their
normalised text, so the same text ingested twice is stored once.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import BinaryIO, Final

from feint.config import IngestOptions
from feint.ingest.fetch import make_client
from feint.ingest.furniture import Cleaned, remove_furniture
from feint.ingest.inputs import expand_inputs
from feint.ingest.language import guess_language
from feint.ingest.readers import read_ref
from feint.ingest.records import Extracted, Metadata, RejectedItem, internal_error
from feint.store import DocumentRow, Store

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int, str], None]
"""progress(done, total, current input name): called after each input."""


@dataclass(slots=True)
class IngestReport:
    """What one ``ingest`` call did."""

    inputs: int = 0
    ingested: int = 0
    unchanged: int = 0
    formats: Counter[str] = field(default_factory=Counter)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)

    def merge(self, other: IngestReport) -> None:
        """Add another report's counts and lists to this one."""
        self.inputs += other.inputs
        self.ingested += other.ingested
        self.unchanged += other.unchanged
        self.formats.update(other.formats)
        self.duplicates.extend(other.duplicates)
        self.rejected.extend(other.rejected)

    @property
    def ok(self) -> bool:
        """True when nothing was rejected (duplicates are not failures)."""
        return not self.rejected


def normalise(text: str) -> str:
    """The form a document's identity is computed from: NFC, single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def doc_id_for(text: str) -> str:
    """sha256 of the normalised text: the document's id."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


_TITLE_MAX_WORDS: Final = 20


def plain_title(text: str) -> str | None:
    """The title of a plain-text document: a short first line set off by a blank
    line ("Kremlin says no talks planned\n\nMoscow's spokesman said ..."), as a
    headline is. Other first lines are the body's first sentence, not a title."""
    head, sep, rest = text.lstrip().partition("\n")
    if not sep or (not rest.startswith(("\n", "\r\n")) and not rest.lstrip(" \t").startswith("\n")):
        return None
    head = head.strip()
    words = head.split()
    if not words or len(words) > _TITLE_MAX_WORDS or head.endswith((".", ",", ";")):
        return None
    return head


def make_document(item: Extracted, options: IngestOptions, metadata: Metadata) -> DocumentRow:
    """A ``documents`` row from extracted text: furniture removed, id computed,
    and rejected when nothing is left or the text is not English."""
    item = _apply_metadata(item, metadata)
    raw = item.text
    cleaned = remove_furniture(raw) if options.remove_furniture else Cleaned(raw, ())
    furniture = [u.as_dict() for u in cleaned.removed]
    if not normalise(cleaned.text):
        why = "holds only page furniture" if normalise(raw) else "is empty: it holds no text"
        return _rejected(
            RejectedItem(
                item.source_path,
                f"{item.source_path}: {why}; nothing to ingest",
                item.format,
                item.url,
            )
        )
    language = guess_language(cleaned.text, options.min_words_for_language)
    if options.english_only and language == "other":
        return _rejected(
            RejectedItem(
                item.source_path,
                f"{item.source_path}: not English (too few English function words); feint's "
                "extraction is English-only: translate it, or set english_only = false in "
                "the config to keep it anyway",
                item.format,
                item.url,
            )
        )
    return DocumentRow(
        doc_id=doc_id_for(cleaned.text),
        source_path=item.source_path,
        status="ok",
        url=item.url,
        outlet=item.outlet,
        title=item.title or (plain_title(cleaned.text) if item.format == "text" else None),
        published=item.published,
        language=language,
        text=cleaned.text,
        raw_text=raw,
        furniture=furniture,
        format=item.format,
        meta=item.meta or None,
    )


def ingest(
    store: Store,
    inputs: Sequence[str],
    options: IngestOptions | None = None,
    metadata: Metadata | None = None,
    *,
    stdin: BinaryIO | None = None,
    progress: ProgressFn | None = None,
) -> IngestReport:
    """Read inputs into the store's ``documents`` table.

    Args:
        store: an open, writable store.
        inputs: file paths, folders, globs, http(s) URLs, or ``-`` for ``stdin``.
        options: ingest options (size limit, furniture, fetching, batch size).
        metadata: --outlet/--published/--url for plain text.
        stdin: the stream ``-`` reads.
        progress: called after each input with (done, total, name).

    Returns:
        An ``IngestReport``; rejected items are in it and in the store.
    """
    options = options or IngestOptions()
    metadata = metadata or Metadata()
    refs = list(expand_inputs(inputs))
    report = IngestReport(inputs=len(refs))
    seen: dict[str, str] = {}  # doc_id -> source_path, for rows routed in this run
    pending: list[DocumentRow] = []
    client = make_client(options) if options.fetch else None

    def flush() -> None:
        # Route a whole batch at once: one look-up of stored ids, one transaction.
        stored = store.sources_of(r.doc_id for r in pending)
        rows = [row for r in pending if (row := _route(r, stored, seen, report)) is not None]
        store.add_documents(rows)
        pending.clear()

    try:
        for done, ref in enumerate(refs, start=1):
            for item in read_ref(ref, options, stdin=stdin, client=client):
                pending.append(_document(item, options, metadata))
                if len(pending) >= options.batch_size:
                    flush()
            if progress is not None:
                progress(done, len(refs), ref.name)
        flush()
    finally:
        if client is not None:
            client.close()
    log.info(
        "ingest: %d inputs, %d new documents, %d unchanged, %d duplicates, %d rejected",
        report.inputs,
        report.ingested,
        report.unchanged,
        len(report.duplicates),
        len(report.rejected),
    )
    return report


def _document(
    item: Extracted | RejectedItem, options: IngestOptions, metadata: Metadata
) -> DocumentRow:
    """The row for one item; a failure in feint itself rejects the item, not the batch."""
    if isinstance(item, RejectedItem):
        return _rejected(item)
    try:
        return make_document(item, options, metadata)
    except Exception as e:
        log.exception("unexpected error making a document of %s", item.source_path)
        return _rejected(
            RejectedItem(
                item.source_path, internal_error(item.source_path, e), item.format, item.url
            )
        )


def _route(
    row: DocumentRow, stored: dict[str, str], seen: dict[str, str], report: IngestReport
) -> DocumentRow | None:
    """Count a row as new, unchanged, duplicate or rejected; return what to write."""
    if row.status == "rejected":
        report.rejected.append((row.source_path, row.reason or ""))
        if row.doc_id in seen or row.doc_id in stored:
            return None
        seen[row.doc_id] = row.source_path
        return row
    first = seen.get(row.doc_id) or stored.get(row.doc_id)
    if first is None:
        seen[row.doc_id] = row.source_path
        report.ingested += 1
        report.formats[row.format or "?"] += 1
        return row
    if first == row.source_path:
        report.unchanged += 1  # the same input again: nothing to add
        return None
    report.duplicates.append((row.source_path, first))
    dup = replace(
        row,
        doc_id=_hash("duplicate", row.source_path, row.doc_id),
        status="rejected",
        text=None,
        raw_text=None,
        furniture=(),
        reason=f"{row.source_path}: duplicate of {row.doc_id[:12]} (first ingested from "
        f"{first}); the text is stored once",
        duplicate_of=row.doc_id,
    )
    if dup.doc_id in seen:
        return None
    seen[dup.doc_id] = dup.source_path
    return dup  # already stored from an earlier run: the insert skips it


def _rejected(item: RejectedItem) -> DocumentRow:
    return DocumentRow(
        doc_id=_hash("rejected", item.source_path, item.reason),
        source_path=item.source_path,
        status="rejected",
        url=item.url,
        format=item.format,
        reason=item.reason,
    )


def _apply_metadata(item: Extracted, metadata: Metadata) -> Extracted:
    if item.format == "text":
        return replace(
            item,
            outlet=metadata.outlet or item.outlet,
            published=metadata.published or item.published,
            url=metadata.url or item.url,
        )
    return replace(
        item,
        outlet=item.outlet or metadata.outlet,
        published=item.published or metadata.published,
        url=item.url or metadata.url,
    )


def _hash(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()

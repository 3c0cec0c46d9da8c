"""Stage 1, ingest: text, HTML, JSONL/CSV, RSS/Atom, WARC and URLs to documents."""

from __future__ import annotations

from feint.ingest.pipeline import IngestReport, doc_id_for, ingest, make_document, normalise
from feint.ingest.records import Extracted, Metadata, RejectedItem

__all__ = [
    "Extracted",
    "IngestReport",
    "Metadata",
    "RejectedItem",
    "doc_id_for",
    "ingest",
    "make_document",
    "normalise",
]

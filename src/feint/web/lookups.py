"""What a request names, found or refused: shared by the pages and the JSON API.

A page and its API endpoint ask the same things of the store (``web.queries``) and
refuse the same things the same way: a page number out of bounds is a 400, a
document, proposition, source, question or job that is not there a 404 that says
which. Both go through these functions so that a page and its endpoint cannot drift.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final
from urllib.parse import quote

from feint.relate.relations import RelationKind
from feint.report.data import pick_question
from feint.store import Store
from feint.web import queries
from feint.web.errors import ApiError
from feint.web.jobs import Job, Jobs

PAGE_SIZE: Final = 50
MAX_PAGE_NO: Final = 1_000_000
"""Pages beyond this are refused (an OFFSET past DuckDB's integers was a 500)."""

Fetch = Callable[[Store, int, int], tuple[list[dict[str, Any]], int]]
"""A paged query: (store, page number, page size) -> (rows, total)."""

LISTINGS: Final[dict[str, tuple[str, Fetch]]] = {
    "documents": ("documents.html.j2", queries.documents),
    "propositions": ("propositions.html.j2", queries.propositions),
    "sources": ("sources.html.j2", queries.sources),
    "contradictions": (
        "contradictions.html.j2",
        lambda store, no, size: queries.relations(
            store, (RelationKind.CONTRADICTS.value, RelationKind.TENSION.value), no, size
        ),
    ),
}
"""The paged lists, by name: each a page (its template) and, but contradictions
(``/api/relations`` takes any kinds), an API endpoint, over one query."""


def page_no(page_no: int) -> int:
    """``page_no``, checked (400 out of bounds)."""
    if not 1 <= page_no <= MAX_PAGE_NO:
        raise ApiError(400, "bad_page", f"page_no must be between 1 and {MAX_PAGE_NO:,}.")
    return page_no


def page_size(page_size: int) -> int:
    """``page_size``, checked (400 out of bounds)."""
    if not 1 <= page_size <= 500:
        raise ApiError(400, "bad_page_size", "page_size must be between 1 and 500.")
    return page_size


def quoted(s: str) -> str:
    """``s`` as one part of a URL (every reserved character escaped)."""
    return quote(s, safe="")


def document(store: Store, doc_id: str) -> dict[str, Any]:
    doc = queries.document(store, doc_id)
    if doc is None:
        raise ApiError(404, "not_found", f"No document {doc_id!r} in the store.")
    return doc


def proposition(store: Store, proposition_id: str) -> dict[str, Any]:
    prop = queries.proposition(store, proposition_id)
    if prop is None:
        raise ApiError(404, "not_found", f"No proposition {proposition_id!r}.")
    return prop


def source(store: Store, ident: str) -> tuple[str, dict[str, Any] | None]:
    """(the key of the source ``ident`` names, its page's data); the data is None
    when ``ident`` is an old per-document source id, to be redirected to the key."""
    key = queries.source_key(store, ident)
    found = queries.source(store, key) if key == ident else None
    if key is None or (key == ident and found is None):
        raise ApiError(404, "not_found", f"No source {ident!r} in the store.")
    return key, found


def known_question(store: Store, question: str) -> str:
    """The assessed question ``question`` names (``pick_question`` raises a usage
    error for one the store does not know)."""
    q = pick_question(store, question)
    assert q is not None  # pick_question raises for a question it does not know
    return q


def job(jobs: Jobs, job_id: str) -> Job:
    found = jobs.get(job_id)
    if found is None:
        raise ApiError(404, "not_found", f"No job {job_id!r} (the server keeps the last few).")
    return found

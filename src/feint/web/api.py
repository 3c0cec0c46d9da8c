"""The JSON API under ``/api``: what the pages show, and the same actions.

Every endpoint answers JSON, and every error in the one shape of ``web.errors``
(an unknown ``/api`` path too: 404, or 405 where the path exists with other
methods). Its schema is at ``/api/openapi.json``. The endpoints are registered in
the order the schema lists them; a route added here changes the schema, which a
test reads. ``api_unknown`` must stay last: it answers every path not matched
before it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.routing import Match

from feint.relate.relations import KINDS
from feint.report.data import gather, matrix, pick_question
from feint.web import lookups, queries, work
from feint.web.errors import ApiError
from feint.web.jobs import Busy
from feint.web.lookups import LISTINGS, PAGE_SIZE, Fetch, known_question, quoted
from feint.web.state import Shared

router = APIRouter()

RELATION_KINDS: Final = frozenset(KINDS)


class RatingIn(BaseModel):
    question: str
    hypothesis_id: str
    evidence_id: str
    rating: str


class ReassessIn(BaseModel):
    question: str | None = None


class EvidenceIn(BaseModel):
    question: str
    description: str = Field(min_length=3, max_length=2000)
    credibility: str = "medium"
    relevance: str = "medium"


def _list_api(fetch: Fetch) -> Callable[..., dict[str, Any]]:
    def handler(state: Shared, page_no: int = 1, page_size: int = PAGE_SIZE) -> dict[str, Any]:
        with state.reading() as store:
            rows, total = fetch(store, lookups.page_no(page_no), lookups.page_size(page_size))
        return {"total": total, "page": page_no, "items": rows}

    return handler


for _name, (_, _fetch) in LISTINGS.items():
    if _name != "contradictions":  # /api/relations takes any kinds
        router.add_api_route(f"/api/{_name}", _list_api(_fetch), methods=["GET"],
                             name=f"list {_name}")  # fmt: skip


# -- relate and reassess, as a job -------------------------------------------------
@router.post("/api/reassess", status_code=202)
def api_reassess(state: Shared, body: ReassessIn) -> JSONResponse:
    """Relate the claims not yet related (say, of documents ingested here), then
    assess the question again (or every question assessed so far), in the
    background: the answer is the job, whose ``status_url`` says how it goes and,
    once done, what it found."""
    try:
        job = work.start_reassess(state, body.question)
    except Busy as e:
        raise ApiError(
            409, "busy",
            f"A reassessment is already running ({e.job.job_id}); follow it at "
            f"/api/jobs/{e.job.job_id} and ask again when it is done.",
        ) from e  # fmt: skip
    return JSONResponse(job.as_dict(), status_code=202)


@router.get("/api/jobs/{job_id}")
def api_job(state: Shared, job_id: str) -> dict[str, Any]:
    """A background job: running, done (with its result) or failed (with why)."""
    return lookups.job(state.jobs, job_id).as_dict()


# -- what the store holds ----------------------------------------------------------
@router.get("/api/summary")
def api_summary(state: Shared) -> dict[str, Any]:
    with state.reading() as store:
        return queries.summary(store)


@router.get("/api/documents/{doc_id}")
def api_document(state: Shared, doc_id: str) -> dict[str, Any]:
    with state.reading() as store:
        return lookups.document(store, doc_id)


@router.post(
    "/api/documents",
    openapi_extra={"requestBody": {"content": {"multipart/form-data": {"schema": {
        "type": "object",
        "properties": {"text": {"type": "string"}, "file": {"type": "string",
                       "format": "binary"}, "title": {"type": "string"},
                       "outlet": {"type": "string"}, "published": {"type": "string",
                       "format": "date"}},
    }}}}},
)  # fmt: skip
async def api_ingest(request: Request, state: Shared) -> JSONResponse:
    """Ingest a pasted ``text`` or an uploaded ``file`` (multipart form), then
    extract its attributions."""
    upload = await work.read_upload(request, state.max_upload)
    result = await run_in_threadpool(work.ingest_upload, state, upload)
    if not result["doc_ids"]:
        raise ApiError(422, "rejected", "; ".join(result["rejected"]) or "Nothing ingested.")
    return JSONResponse(result, status_code=201)


@router.get("/api/claims")
def api_claims(
    state: Shared, page_no: int = 1, page_size: int = PAGE_SIZE, search: str = ""
) -> dict[str, Any]:
    with state.reading() as store:
        rows, total = queries.claims(
            store, lookups.page_no(page_no), lookups.page_size(page_size), search
        )
    return {"total": total, "page": page_no, "items": rows}


@router.get("/api/propositions/{proposition_id}")
def api_proposition(state: Shared, proposition_id: str) -> dict[str, Any]:
    with state.reading() as store:
        return lookups.proposition(store, proposition_id)


@router.get("/api/sources/{ident}", response_model=None)
def api_source(state: Shared, ident: str) -> dict[str, Any] | Response:
    """One source (as its page); a per-document source id redirects to its entity."""
    with state.reading() as store:
        key, found = lookups.source(store, ident)
    if found is None:  # temporary: a re-extraction may regroup the rows
        return RedirectResponse(f"/api/sources/{quoted(key)}", status_code=307)
    return found


@router.get("/api/relations")
def api_relations(
    state: Shared, kind: str = "contradicts", page_no: int = 1, page_size: int = PAGE_SIZE
) -> dict[str, Any]:
    kinds = tuple(k.strip() for k in kind.split(","))
    unknown = set(kinds) - RELATION_KINDS
    if unknown:
        raise ApiError(400, "bad_kind", f"Unknown relation kind(s): {', '.join(sorted(unknown))}.")
    with state.reading() as store:
        rows, total = queries.relations(
            store, kinds, lookups.page_no(page_no), lookups.page_size(page_size)
        )
    return {"total": total, "page": page_no, "items": rows}


# -- the ACH matrix ----------------------------------------------------------------
@router.get("/api/ach")
def api_ach(state: Shared, question: str | None = None) -> dict[str, Any]:
    with state.reading() as store:
        q = pick_question(store, question)
        if q is None:
            raise ApiError(404, "not_found", "No question assessed yet: run feint assess.")
        return matrix(store, q)


@router.post("/api/ach/ratings")
def api_rating(state: Shared, body: RatingIn) -> dict[str, Any]:
    with state.writing() as store:
        q = known_question(store, body.question)
        work.set_rating(store, q, body.hypothesis_id, body.evidence_id, body.rating)
        work.rescore(store, q)
        return matrix(store, q)


@router.post("/api/ach/evidence", status_code=201)
def api_evidence(state: Shared, body: EvidenceIn) -> dict[str, Any]:
    with state.writing() as store:
        work.add_evidence(store, body.question, body.description, body.credibility, body.relevance)
        return matrix(store, known_question(store, body.question))


@router.get("/api/report")
def api_report(state: Shared, question: str | None = None) -> dict[str, Any]:
    with state.reading() as store:
        return gather(store, question)


@router.api_route("/api/{rest:path}", methods=["GET", "POST", "PUT", "DELETE", "PATCH"],
                  include_in_schema=False)  # fmt: skip
def api_unknown(request: Request, rest: str) -> None:
    # The path exists, with other methods: 405, not 404. Every /api route is in this
    # router (the app's own list holds the router as one entry, which this route matches).
    for route in router.routes:
        if route.matches(request.scope)[0] == Match.PARTIAL:
            raise ApiError(405, "method_not_allowed",
                           f"/api/{rest} does not take {request.method}.")  # fmt: skip
    raise ApiError(404, "not_found", f"No API endpoint /api/{rest}.")

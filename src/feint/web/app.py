"""``feint serve``: browse a store, edit the ACH matrix, ingest from the browser.

Pages are rendered on the server (Jinja2, autoescaped); a JSON API under ``/api``
stands behind them and answers every error in one shape::

    {"error": {"status": 404, "code": "not_found", "message": "No document 'x'."}}

Article text is untrusted input. Every page is autoescaped; every response forbids
inline script through its Content-Security-Policy (the only script is feint's own
``/static/ach.js``); uploads are limited in size (``max_upload_bytes``; a request
larger than that is refused before it is read); files are written under a fresh
temporary name, never under the name the browser sent.

The server holds the store's one DuckDB connection (DuckDB allows one writing
process per file). Writes go through it one at a time, behind a lock; pages and the
API read through connections of their own (``Store.reader``, one per worker thread),
which see what is committed and never wait for a write. Long work ("Relate and
reassess") runs as a background job (``web.jobs``) with a status endpoint.

What the app holds is in ``web.state``; the checks every request passes (host,
origin, size) and the headers every response carries are in ``web.guard``, which
installs the one error shape of ``web.errors``. What a page or an endpoint asks
for is found, or refused, in ``web.lookups``; what they change (uploads, the
matrix, "relate and reassess") is done in ``web.work``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from importlib import resources
from typing import Annotated, Any

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.routing import Match

from feint.assess.stage import stored_report
from feint.config import Options
from feint.errors import FeintError
from feint.report.data import gather, matrix, pick_question, questions
from feint.report.render import highlight
from feint.store import Store
from feint.web import guard, lookups, queries, work
from feint.web.errors import ApiError
from feint.web.guard import DEFAULT_MAX_UPLOAD, LOOPBACK_HOSTS
from feint.web.jobs import Busy
from feint.web.lookups import LISTINGS, PAGE_SIZE, Fetch, quoted
from feint.web.state import WebState


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


def create_app(
    store: Store,
    options: Options | None = None,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD,
    hosts: tuple[str, ...] = LOOPBACK_HOSTS,
) -> FastAPI:
    """The web UI over an open, writable ``store``.

    ``hosts``: the names the server answers to (the Host header; ``*`` for any);
    anything else is refused, so that a web page cannot reach the server through DNS
    rebinding.
    """
    options = options or Options()
    # An upload is a document, never a list of URLs for the server to fetch.
    options = replace(options, ingest=replace(options.ingest, fetch=False))
    state = WebState(store, options, max_upload_bytes)
    app = FastAPI(
        # No Swagger page: it loads its script from a CDN, which the CSP (and the
        # no-network rule) forbids. The schema is at /api/openapi.json.
        title="feint",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.feint = state  # what the app holds, for tests and embedding
    guard.install(app, hosts)
    db, writing, page = state.reading, state.writing, state.page

    # -- static -----------------------------------------------------------------
    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        files = {
            "style.css": ("feint.report", "templates/style.css", "text/css"),
            "ach.js": ("feint.web", "static/ach.js", "text/javascript"),
        }
        if name not in files:
            raise ApiError(404, "not_found", f"No static file {name!r}.")
        package, rel, media = files[name]
        body = (resources.files(package) / rel).read_text("utf-8")
        return Response(body, media_type=media, headers={"Cache-Control": "no-cache"})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    # -- pages ------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request) -> HTMLResponse:
        with db() as store:
            summary = queries.summary(store)
        return page(request, "index.html.j2", summary=summary)

    def list_page(template: str, fetch: Fetch) -> Callable[..., HTMLResponse]:
        def handler(request: Request, page_no: int = 1) -> HTMLResponse:
            with db() as store:
                rows, total = fetch(store, lookups.page_no(page_no), PAGE_SIZE)
            return page(request, template, rows=rows, total=total, page_no=page_no,
                        page_size=PAGE_SIZE)  # fmt: skip

        return handler

    def list_api(fetch: Fetch) -> Callable[..., dict[str, Any]]:
        def handler(page_no: int = 1, page_size: int = PAGE_SIZE) -> dict[str, Any]:
            with db() as store:
                rows, total = fetch(store, lookups.page_no(page_no), lookups.page_size(page_size))
            return {"total": total, "page": page_no, "items": rows}

        return handler

    for name, (template, fetch) in LISTINGS.items():
        app.add_api_route(f"/{name}", list_page(template, fetch), methods=["GET"],
                          response_class=HTMLResponse, include_in_schema=False)  # fmt: skip
        if name != "contradictions":  # /api/relations takes any kinds
            app.add_api_route(f"/api/{name}", list_api(fetch), methods=["GET"],
                              name=f"list {name}")  # fmt: skip

    @app.get("/documents/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, doc_id: str) -> HTMLResponse:
        with db() as store:
            doc = lookups.document(store, doc_id)
        return page(request, "document.html.j2", d=doc, marked=highlight(doc["text"], doc["spans"]))

    @app.get("/sources/{ident}", response_class=HTMLResponse, include_in_schema=False)
    def source_page(request: Request, ident: str) -> Response:
        """One person or body: its grades, its per-document source rows, its claims.
        An old link to one document's source row lands on its entity."""
        with db() as store:
            key, found = lookups.source(store, ident)
        if found is None:  # temporary: a re-extraction may regroup the rows
            return RedirectResponse(f"/sources/{quoted(key)}", status_code=307)
        return page(request, "source.html.j2", s=found)

    @app.get("/claims", response_class=HTMLResponse, include_in_schema=False)
    def claims_page(request: Request, page_no: int = 1, search: str = "") -> HTMLResponse:
        with db() as store:
            rows, total = queries.claims(store, lookups.page_no(page_no), PAGE_SIZE, search)
        return page(request, "claims.html.j2", rows=rows, total=total, page_no=page_no,
                    page_size=PAGE_SIZE, search=search)  # fmt: skip

    @app.get("/propositions/{proposition_id}", response_class=HTMLResponse, include_in_schema=False)
    def proposition_page(request: Request, proposition_id: str) -> HTMLResponse:
        with db() as store:
            prop = lookups.proposition(store, proposition_id)
        return page(request, "proposition.html.j2", p=prop)

    @app.get("/ach", response_class=HTMLResponse, include_in_schema=False)
    def ach_page(
        request: Request, question: str | None = None, saved: int = 0, reassessed: int | None = None
    ) -> HTMLResponse:
        with db() as store:
            q = pick_question(store, question)
            data = matrix(store, q) if q else None
            known = questions(store)
        return page(request, "ach.html.j2", a=data, questions=known, saved=saved,
                    reassessed=reassessed)  # fmt: skip

    @app.post("/ach", include_in_schema=False)
    async def ach_form(request: Request) -> Response:
        """The matrix's form, for a browser without script: apply the changed cells."""
        form = await request.form(max_files=0)
        question = str(form.get("question", ""))
        cells = [
            (*key.split("|", 2)[1:], str(value))
            for key, value in form.multi_items()
            if key.startswith("r|") and key.count("|") == 2
        ]

        def apply() -> int:
            with writing() as store:
                q = lookups.known_question(store, question)
                current = stored_report(store, q).matrix
                changed = [(h, e, r) for h, e, r in cells if current.get((h, e)) != r]
                for h, e, r in changed:
                    work.set_rating(store, q, h, e, r)
                if changed:
                    work.rescore(store, q)
                return len(changed)

        changed = await run_in_threadpool(apply)
        return RedirectResponse(
            f"/ach?question={quoted(question)}&saved={changed}", status_code=303
        )

    @app.post("/ach/evidence", include_in_schema=False)
    def ach_evidence_form(
        question: Annotated[str, Form()],
        description: Annotated[str, Form()],
        credibility: Annotated[str, Form()] = "medium",
        relevance: Annotated[str, Form()] = "medium",
    ) -> Response:
        with writing() as store:
            work.add_evidence(store, question, description, credibility, relevance)
        return RedirectResponse(f"/ach?question={quoted(question)}&saved=1", status_code=303)

    @app.post("/reassess", include_in_schema=False)
    async def reassess_form(request: Request) -> Response:
        form = await request.form(max_files=0)
        question = form.get("question")
        asked = question if isinstance(question, str) and question else None
        try:
            job = work.start_reassess(state, asked)
        except Busy as e:
            job = e.job  # one at a time: show the one running
        return RedirectResponse(f"/jobs/{quoted(job.job_id)}", status_code=303)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def job_page(request: Request, job_id: str) -> Response:
        """A job's progress, refreshed every second while it runs; when it is done,
        the ACH page it was for."""
        job = lookups.job(state.jobs, job_id)
        if job.status == "done" and job.result is not None:
            asked = job.result["questions"]
            return RedirectResponse(
                f"/ach?question={quoted(asked[0] if asked else '')}"
                f"&reassessed={job.result['new_claims']}",
                status_code=303,
            )
        return page(request, "job.html.j2", job=job.as_dict())

    @app.post("/api/reassess", status_code=202)
    def api_reassess(body: ReassessIn) -> JSONResponse:
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

    @app.get("/api/jobs/{job_id}")
    def api_job(job_id: str) -> dict[str, Any]:
        """A background job: running, done (with its result) or failed (with why)."""
        return lookups.job(state.jobs, job_id).as_dict()

    @app.get("/ingest", response_class=HTMLResponse, include_in_schema=False)
    def ingest_page(request: Request) -> HTMLResponse:
        return page(request, "ingest.html.j2", limit=state.max_upload, result=None)

    @app.post("/ingest", response_class=HTMLResponse, include_in_schema=False)
    async def ingest_form(request: Request) -> HTMLResponse:
        upload = await work.read_upload(request, state.max_upload)
        result = await run_in_threadpool(work.ingest_upload, state, upload)
        status = 200 if result["doc_ids"] else 422
        return page(request, "ingest.html.j2", status, limit=state.max_upload, result=result)

    # -- JSON API ---------------------------------------------------------------
    @app.get("/api/summary")
    def api_summary() -> dict[str, Any]:
        with db() as store:
            return queries.summary(store)

    @app.get("/api/documents/{doc_id}")
    def api_document(doc_id: str) -> dict[str, Any]:
        with db() as store:
            return lookups.document(store, doc_id)

    @app.post(
        "/api/documents",
        openapi_extra={"requestBody": {"content": {"multipart/form-data": {"schema": {
            "type": "object",
            "properties": {"text": {"type": "string"}, "file": {"type": "string",
                           "format": "binary"}, "title": {"type": "string"},
                           "outlet": {"type": "string"}, "published": {"type": "string",
                           "format": "date"}},
        }}}}},
    )  # fmt: skip
    async def api_ingest(request: Request) -> JSONResponse:
        """Ingest a pasted ``text`` or an uploaded ``file`` (multipart form), then
        extract its attributions."""
        upload = await work.read_upload(request, state.max_upload)
        result = await run_in_threadpool(work.ingest_upload, state, upload)
        if not result["doc_ids"]:
            raise ApiError(422, "rejected", "; ".join(result["rejected"]) or "Nothing ingested.")
        return JSONResponse(result, status_code=201)

    @app.get("/api/claims")
    def api_claims(
        page_no: int = 1, page_size: int = PAGE_SIZE, search: str = ""
    ) -> dict[str, Any]:
        with db() as store:
            rows, total = queries.claims(
                store, lookups.page_no(page_no), lookups.page_size(page_size), search
            )
        return {"total": total, "page": page_no, "items": rows}

    @app.get("/api/propositions/{proposition_id}")
    def api_proposition(proposition_id: str) -> dict[str, Any]:
        with db() as store:
            prop = lookups.proposition(store, proposition_id)
        return prop

    @app.get("/api/sources/{ident}", response_model=None)
    def api_source(ident: str) -> dict[str, Any] | Response:
        """One source (as its page); a per-document source id redirects to its entity."""
        with db() as store:
            key, found = lookups.source(store, ident)
        if found is None:  # temporary: a re-extraction may regroup the rows
            return RedirectResponse(f"/api/sources/{quoted(key)}", status_code=307)
        return found

    @app.get("/api/relations")
    def api_relations(
        kind: str = "contradicts", page_no: int = 1, page_size: int = PAGE_SIZE
    ) -> dict[str, Any]:
        kinds = tuple(k.strip() for k in kind.split(","))
        unknown = set(kinds) - {"contradicts", "shift", "tension", "corroborates", "repeats"}
        if unknown:
            raise ApiError(
                400, "bad_kind", f"Unknown relation kind(s): {', '.join(sorted(unknown))}."
            )
        with db() as store:
            rows, total = queries.relations(
                store, kinds, lookups.page_no(page_no), lookups.page_size(page_size)
            )
        return {"total": total, "page": page_no, "items": rows}

    @app.get("/api/ach")
    def api_ach(question: str | None = None) -> dict[str, Any]:
        with db() as store:
            q = pick_question(store, question)
            if q is None:
                raise ApiError(404, "not_found", "No question assessed yet: run feint assess.")
            return matrix(store, q)

    @app.post("/api/ach/ratings")
    def api_rating(body: RatingIn) -> dict[str, Any]:
        with writing() as store:
            q = lookups.known_question(store, body.question)
            work.set_rating(store, q, body.hypothesis_id, body.evidence_id, body.rating)
            work.rescore(store, q)
            return matrix(store, q)

    @app.post("/api/ach/evidence", status_code=201)
    def api_evidence(body: EvidenceIn) -> dict[str, Any]:
        with writing() as store:
            work.add_evidence(store, body.question, body.description, body.credibility,
                          body.relevance)  # fmt: skip
            return matrix(store, lookups.known_question(store, body.question))

    @app.get("/api/report")
    def api_report(question: str | None = None) -> dict[str, Any]:
        with db() as store:
            return gather(store, question)

    @app.api_route("/api/{rest:path}", methods=["GET", "POST", "PUT", "DELETE", "PATCH"],
                   include_in_schema=False)  # fmt: skip
    def api_unknown(request: Request, rest: str) -> None:
        for route in app.routes:  # the path exists, with other methods: 405, not 404
            if route.matches(request.scope)[0] == Match.PARTIAL:
                raise ApiError(405, "method_not_allowed",
                               f"/api/{rest} does not take {request.method}.")  # fmt: skip
        raise ApiError(404, "not_found", f"No API endpoint /api/{rest}.")

    return app


__all__ = ["DEFAULT_MAX_UPLOAD", "LOOPBACK_HOSTS", "ApiError", "FeintError", "create_app"]

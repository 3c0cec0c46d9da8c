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
installs the one error shape of ``web.errors``.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Final
from urllib.parse import quote

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from feint.assess.stage import stored_report
from feint.config import Options
from feint.errors import FeintError
from feint.report.data import gather, matrix, pick_question, questions
from feint.report.render import highlight
from feint.store import Store
from feint.web import guard, queries
from feint.web.errors import ApiError
from feint.web.guard import DEFAULT_MAX_UPLOAD, LOOPBACK_HOSTS
from feint.web.jobs import Busy, Job
from feint.web.state import WebState

PAGE_SIZE: Final = 50
UPLOAD_SUFFIXES: Final = (".txt", ".html", ".htm", ".xhtml", ".jsonl", ".ndjson", ".csv",
                          ".tsv", ".json", ".xml", ".rss", ".atom", ".warc", ".gz")  # fmt: skip

Fetch = Callable[[Store, int, int], tuple[list[dict[str, Any]], int]]
"""A paged query: (store, page number, page size) -> (rows, total)."""


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

    # The paged lists: one page and one API endpoint each.
    listings: dict[str, tuple[str, Fetch]] = {
        "documents": ("documents.html.j2", queries.documents),
        "propositions": ("propositions.html.j2", queries.propositions),
        "sources": ("sources.html.j2", queries.sources),
        "contradictions": (
            "contradictions.html.j2",
            lambda store, no, size: queries.relations(store, ("contradicts", "tension"), no, size),
        ),
    }

    def list_page(template: str, fetch: Fetch) -> Callable[..., HTMLResponse]:
        def handler(request: Request, page_no: int = 1) -> HTMLResponse:
            with db() as store:
                rows, total = fetch(store, _page_no(page_no), PAGE_SIZE)
            return page(request, template, rows=rows, total=total, page_no=page_no,
                        page_size=PAGE_SIZE)  # fmt: skip

        return handler

    def list_api(fetch: Fetch) -> Callable[..., dict[str, Any]]:
        def handler(page_no: int = 1, page_size: int = PAGE_SIZE) -> dict[str, Any]:
            with db() as store:
                rows, total = fetch(store, _page_no(page_no), _size(page_size))
            return {"total": total, "page": page_no, "items": rows}

        return handler

    for name, (template, fetch) in listings.items():
        app.add_api_route(f"/{name}", list_page(template, fetch), methods=["GET"],
                          response_class=HTMLResponse, include_in_schema=False)  # fmt: skip
        if name != "contradictions":  # /api/relations takes any kinds
            app.add_api_route(f"/api/{name}", list_api(fetch), methods=["GET"],
                              name=f"list {name}")  # fmt: skip

    @app.get("/documents/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, doc_id: str) -> HTMLResponse:
        with db() as store:
            doc = _document(store, doc_id)
        return page(request, "document.html.j2", d=doc, marked=highlight(doc["text"], doc["spans"]))

    @app.get("/sources/{ident}", response_class=HTMLResponse, include_in_schema=False)
    def source_page(request: Request, ident: str) -> Response:
        """One person or body: its grades, its per-document source rows, its claims.
        An old link to one document's source row lands on its entity."""
        with db() as store:
            key, found = _source(store, ident)
        if found is None:  # temporary: a re-extraction may regroup the rows
            return RedirectResponse(f"/sources/{_quote(key)}", status_code=307)
        return page(request, "source.html.j2", s=found)

    @app.get("/claims", response_class=HTMLResponse, include_in_schema=False)
    def claims_page(request: Request, page_no: int = 1, search: str = "") -> HTMLResponse:
        with db() as store:
            rows, total = queries.claims(store, _page_no(page_no), PAGE_SIZE, search)
        return page(request, "claims.html.j2", rows=rows, total=total, page_no=page_no,
                    page_size=PAGE_SIZE, search=search)  # fmt: skip

    @app.get("/propositions/{proposition_id}", response_class=HTMLResponse, include_in_schema=False)
    def proposition_page(request: Request, proposition_id: str) -> HTMLResponse:
        with db() as store:
            prop = queries.proposition(store, proposition_id)
        if prop is None:
            raise ApiError(404, "not_found", f"No proposition {proposition_id!r}.")
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
                q = _known_question(store, question)
                current = stored_report(store, q).matrix
                changed = [(h, e, r) for h, e, r in cells if current.get((h, e)) != r]
                for h, e, r in changed:
                    _set_rating(store, q, h, e, r)
                if changed:
                    _rescore(store, q)
                return len(changed)

        changed = await run_in_threadpool(apply)
        return RedirectResponse(
            f"/ach?question={_quote(question)}&saved={changed}", status_code=303
        )

    @app.post("/ach/evidence", include_in_schema=False)
    def ach_evidence_form(
        question: Annotated[str, Form()],
        description: Annotated[str, Form()],
        credibility: Annotated[str, Form()] = "medium",
        relevance: Annotated[str, Form()] = "medium",
    ) -> Response:
        with writing() as store:
            _add_evidence(store, question, description, credibility, relevance)
        return RedirectResponse(f"/ach?question={_quote(question)}&saved=1", status_code=303)

    def start_reassess(question: str | None) -> Job:
        with db() as store:  # a question the store does not know is refused at once
            asked = _known_question(store, question) if question else None
        return state.jobs.start("reassess", asked, lambda job: _reassess(state, asked, job))

    @app.post("/reassess", include_in_schema=False)
    async def reassess_form(request: Request) -> Response:
        form = await request.form(max_files=0)
        question = form.get("question")
        try:
            job = start_reassess(question if isinstance(question, str) and question else None)
        except Busy as e:
            job = e.job  # one at a time: show the one running
        return RedirectResponse(f"/jobs/{_quote(job.job_id)}", status_code=303)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def job_page(request: Request, job_id: str) -> Response:
        """A job's progress, refreshed every second while it runs; when it is done,
        the ACH page it was for."""
        job = _job(state, job_id)
        if job.status == "done" and job.result is not None:
            asked = job.result["questions"]
            return RedirectResponse(
                f"/ach?question={_quote(asked[0] if asked else '')}"
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
            job = start_reassess(body.question)
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
        return _job(state, job_id).as_dict()

    @app.get("/ingest", response_class=HTMLResponse, include_in_schema=False)
    def ingest_page(request: Request) -> HTMLResponse:
        return page(request, "ingest.html.j2", limit=state.max_upload, result=None)

    @app.post("/ingest", response_class=HTMLResponse, include_in_schema=False)
    async def ingest_form(request: Request) -> HTMLResponse:
        upload = await _read_upload(request, state.max_upload)
        result = await run_in_threadpool(_ingest, state, upload)
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
            return _document(store, doc_id)

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
        upload = await _read_upload(request, state.max_upload)
        result = await run_in_threadpool(_ingest, state, upload)
        if not result["doc_ids"]:
            raise ApiError(422, "rejected", "; ".join(result["rejected"]) or "Nothing ingested.")
        return JSONResponse(result, status_code=201)

    @app.get("/api/claims")
    def api_claims(
        page_no: int = 1, page_size: int = PAGE_SIZE, search: str = ""
    ) -> dict[str, Any]:
        with db() as store:
            rows, total = queries.claims(store, _page_no(page_no), _size(page_size), search)
        return {"total": total, "page": page_no, "items": rows}

    @app.get("/api/propositions/{proposition_id}")
    def api_proposition(proposition_id: str) -> dict[str, Any]:
        with db() as store:
            prop = queries.proposition(store, proposition_id)
        if prop is None:
            raise ApiError(404, "not_found", f"No proposition {proposition_id!r}.")
        return prop

    @app.get("/api/sources/{ident}", response_model=None)
    def api_source(ident: str) -> dict[str, Any] | Response:
        """One source (as its page); a per-document source id redirects to its entity."""
        with db() as store:
            key, found = _source(store, ident)
        if found is None:  # temporary: a re-extraction may regroup the rows
            return RedirectResponse(f"/api/sources/{_quote(key)}", status_code=307)
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
            rows, total = queries.relations(store, kinds, _page_no(page_no), _size(page_size))
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
            q = _known_question(store, body.question)
            _set_rating(store, q, body.hypothesis_id, body.evidence_id, body.rating)
            _rescore(store, q)
            return matrix(store, q)

    @app.post("/api/ach/evidence", status_code=201)
    def api_evidence(body: EvidenceIn) -> dict[str, Any]:
        with writing() as store:
            _add_evidence(store, body.question, body.description, body.credibility,
                          body.relevance)  # fmt: skip
            return matrix(store, _known_question(store, body.question))

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


MAX_PAGE_NO: Final = 1_000_000
"""Pages beyond this are refused (an OFFSET past DuckDB's integers was a 500)."""


def _page_no(page_no: int) -> int:
    if not 1 <= page_no <= MAX_PAGE_NO:
        raise ApiError(400, "bad_page", f"page_no must be between 1 and {MAX_PAGE_NO:,}.")
    return page_no


def _size(page_size: int) -> int:
    if not 1 <= page_size <= 500:
        raise ApiError(400, "bad_page_size", "page_size must be between 1 and 500.")
    return page_size


def _quote(s: str) -> str:
    return quote(s, safe="")


def _document(store: Store, doc_id: str) -> dict[str, Any]:
    doc = queries.document(store, doc_id)
    if doc is None:
        raise ApiError(404, "not_found", f"No document {doc_id!r} in the store.")
    return doc


def _source(store: Store, ident: str) -> tuple[str, dict[str, Any] | None]:
    """(the key of the source ``ident`` names, its page's data); the data is None
    when ``ident`` is an old per-document source id, to be redirected to the key."""
    key = queries.source_key(store, ident)
    found = queries.source(store, key) if key == ident else None
    if key is None or (key == ident and found is None):
        raise ApiError(404, "not_found", f"No source {ident!r} in the store.")
    return key, found


def _known_question(store: Store, question: str) -> str:
    q = pick_question(store, question)
    assert q is not None  # pick_question raises for a question it does not know
    return q


def _set_rating(store: Store, question: str, hid: str, eid: str, rating: str) -> None:
    from feint.assess.stage import set_rating

    if not store.query(
        "SELECT 1 FROM hypotheses WHERE hypothesis_id = ? AND question = ?", [hid, question]
    ).rows:
        raise ApiError(404, "not_found", f"No hypothesis {hid!r} for {question!r}.")
    set_rating(store, hid, eid, rating)


def _rescore(store: Store, question: str) -> None:
    from feint.assess.stage import rescore

    rescore(store, question)


def _add_evidence(
    store: Store, question: str, description: str, credibility: str, relevance: str
) -> None:
    from feint.assess.stage import add_evidence

    add_evidence(store, _known_question(store, question), description, credibility, relevance)


@dataclass(frozen=True)
class _Upload:
    data: bytes
    name: str
    suffix: str
    title: str
    outlet: str
    published: date | None


async def _read_upload(request: Request, limit: int) -> _Upload:
    """The pasted text or the uploaded file of an ingest form, checked."""
    try:
        form = await request.form(max_files=1, max_fields=10, max_part_size=limit + 1024)
    except StarletteHTTPException as e:
        if "maximum size" in str(e.detail):
            raise ApiError(
                413, "too_large", f"A field of the form is larger than {limit} bytes."
            ) from e
        raise ApiError(e.status_code, "bad_form", str(e.detail)) from e

    def field_(name: str) -> str:
        value = form.get(name)
        return value.strip() if isinstance(value, str) else ""

    published = field_("published")
    day: date | None = None
    if published:
        try:
            day = date.fromisoformat(published)
        except ValueError as e:
            raise ApiError(
                422, "bad_date", f"published {published!r}: give a date as YYYY-MM-DD."
            ) from e
    file, text = form.get("file"), form.get("text")
    if isinstance(file, StarletteUploadFile) and file.filename:
        data = await file.read(limit + 1)
        name = _upload_name(file.filename)
        suffixes = [x.lower() for x in Path(name).suffixes]
        suffix = "".join(suffixes[-2:]) if suffixes[-1:] == [".gz"] else "".join(suffixes[-1:])
        if not suffixes or suffixes[-1] not in UPLOAD_SUFFIXES:
            raise ApiError(
                415, "unsupported_type",
                f"{name!r}: feint reads {', '.join(UPLOAD_SUFFIXES)} files; "
                "save it as one of those.",
            )  # fmt: skip
    elif isinstance(text, str) and text.strip():
        data, name, suffix = text.encode("utf-8"), (field_("title") or "pasted text"), ".txt"
    else:
        raise ApiError(422, "empty", "Paste a text or choose a file to upload.")
    if len(data) > limit:
        raise ApiError(413, "too_large", f"{name!r} is larger than {limit} bytes.")
    return _Upload(data, name, suffix, field_("title"), field_("outlet"), day)


MAX_NAME: Final = 120
"""The longest upload name kept whole in messages and ``source_path``."""


def _upload_name(filename: str) -> str:
    """The name a browser sent, fit to show and store: its last path part, with no
    control characters (a NUL broke the store's text), a very long one shortened in
    the middle so that its suffix still says what it is."""
    name = re.sub(r"[\x00-\x1f\x7f]", "", Path(filename.replace("\x00", "")).name).strip()
    if not name:
        raise ApiError(422, "bad_name", "The file's name is empty once control characters "
                       "are removed; rename the file and upload it again.")  # fmt: skip
    if len(name) > MAX_NAME:
        name = f"{name[: MAX_NAME // 2]}…{name[-(MAX_NAME // 2 - 1) :]}"
    return name


def _job(state: WebState, job_id: str) -> Job:
    job = state.jobs.get(job_id)
    if job is None:
        raise ApiError(404, "not_found", f"No job {job_id!r} (the server keeps the last few).")
    return job


def _reassess(state: WebState, question: str | None, job: Job) -> dict[str, Any]:
    """Relate what is new, then assess ``question`` (or every assessed question)
    again; the analyst's ratings and evidence are kept, as on any re-run. Runs as
    ``job`` (in its own thread), saying how far it has got."""
    from feint.assess.stage import assess
    from feint.relate.embed import SentenceTransformerEmbedder
    from feint.relate.judge import get_judge
    from feint.relate.stage import relate

    options = state.options
    job.progress("waiting for the store")
    with state.lock:
        store = state.store
        asked = [question] if question else questions(store)
        job.progress("loading models")
        if state.judge is None:
            state.judge = get_judge(options.relate.judge)
        if state.embedder is None:
            state.embedder = SentenceTransformerEmbedder(
                options.relate.embed_model, batch_size=options.relate.embed_batch_size
            )
        related = relate(store, options.relate, question=asked[0] if asked else None,
                         judge=state.judge, embedder=state.embedder,
                         progress=lambda step, done, total: job.progress(
                             f"relate: {step}", done, total))  # fmt: skip
        leaders = {}
        for n, q in enumerate(asked):
            job.progress("assess", n, len(asked))
            report = assess(store, q, options.assess, judge=state.judge,
                            relate_options=options.relate)  # fmt: skip
            leaders[q] = [j.text for j in report.judgements]
        job.progress("done", len(asked), len(asked))
    return {
        "questions": asked,
        "new_claims": related.new_claims,
        "judged_pairs": related.judged_pairs,
        "judgements": leaders,
    }


def _ingest(state: WebState, upload: _Upload) -> dict[str, Any]:
    """Ingest an upload, then extract the store's new documents (in a worker thread:
    the server goes on answering meanwhile)."""
    from feint.extract.nlp import load_pipeline
    from feint.extract.stage import extract
    from feint.ingest import Metadata, ingest

    name, title = upload.name, upload.title
    with tempfile.TemporaryDirectory(prefix="feint-upload-") as tmp:
        path = Path(tmp) / f"upload{upload.suffix}"  # never the browser's name
        path.write_bytes(upload.data)
        with state.lock:
            store = state.store
            report = ingest(store, [str(path)], state.options.ingest,
                            Metadata(outlet=upload.outlet or None,
                                     published=upload.published))  # fmt: skip
            where = "source_path = ? OR source_path LIKE ?"
            rows = store.query(
                f"SELECT doc_id, status, duplicate_of FROM documents WHERE {where}",
                [str(path), f"{path}:%"],
            ).rows
            with store.transaction() as conn:
                conn.execute(
                    "UPDATE documents SET source_path = 'upload:' || ? || "
                    "coalesce(nullif(regexp_extract(source_path, ':[0-9]+$'), ''), ''), "
                    "title = CASE WHEN ? <> '' AND format = 'text' THEN ? ELSE title END "
                    f"WHERE {where}",
                    [name, title, title, str(path), f"{path}:%"],
                )
            doc_ids = [d for d, status, _ in rows if status == "ok"]
            repeated = [original for _, _, original in rows if original]
            attributions = 0
            if doc_ids:
                if state.nlp is None:
                    opts = state.options.extract
                    state.nlp = load_pipeline(opts.model, opts.cue_model, opts.tagger)
                attributions = extract(store, state.options.extract, nlp=state.nlp).attributions
    return {
        "name": name,
        "doc_ids": doc_ids + repeated,
        "ingested": report.ingested,
        "attributions": attributions,
        "rejected": [
            f"{name}: {why.replace(str(path), name).removeprefix(name + ': ')}"
            for _, why in report.rejected
        ],
        "duplicates": [f"{name}: the same text as document {o[:12]}" for o in repeated],
    }


__all__ = ["DEFAULT_MAX_UPLOAD", "LOOPBACK_HOSTS", "ApiError", "FeintError", "create_app"]

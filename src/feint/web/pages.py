"""The web UI's pages: HTML rendered on the server, and the forms that post to it.

Pages are Jinja2 templates (``templates/``, autoescaped: article text is untrusted),
rendered from the same lookups as the JSON API (``web.lookups``, ``web.queries``)
and taking the same actions (``web.work``). Every form works without script: it
posts, the server does the work, and the answer redirects (303) to the page that
shows the result. None of these routes is in the OpenAPI schema, which describes
the JSON API only.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from feint.assess.matrix import stored_report
from feint.report.data import matrix, pick_question, questions
from feint.report.render import highlight
from feint.web import lookups, queries, work
from feint.web.errors import ApiError
from feint.web.jobs import Busy
from feint.web.lookups import LISTINGS, PAGE_SIZE, Fetch, quoted
from feint.web.state import Shared

router = APIRouter()

STATIC: dict[str, tuple[str, str, str]] = {
    "style.css": ("feint.report", "templates/style.css", "text/css"),
    "ach.js": ("feint.web", "static/ach.js", "text/javascript"),
}
"""The files under /static: (package, path in it, media type)."""


@router.get("/static/{name}", include_in_schema=False)
def static(name: str) -> Response:
    if name not in STATIC:
        raise ApiError(404, "not_found", f"No static file {name!r}.")
    package, rel, media = STATIC[name]
    body = (resources.files(package) / rel).read_text("utf-8")
    return Response(body, media_type=media, headers={"Cache-Control": "no-cache"})


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    return Response(status_code=204)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def index(request: Request, state: Shared) -> HTMLResponse:
    with state.reading() as store:
        summary = queries.summary(store)
    return state.page(request, "index.html.j2", summary=summary)


def _list_page(template: str, fetch: Fetch) -> Callable[..., HTMLResponse]:
    def handler(request: Request, state: Shared, page_no: int = 1) -> HTMLResponse:
        with state.reading() as store:
            rows, total = fetch(store, lookups.page_no(page_no), PAGE_SIZE)
        return state.page(request, template, rows=rows, total=total, page_no=page_no,
                          page_size=PAGE_SIZE)  # fmt: skip

    return handler


for _name, (_template, _fetch) in LISTINGS.items():
    router.add_api_route(f"/{_name}", _list_page(_template, _fetch), methods=["GET"],
                         response_class=HTMLResponse, include_in_schema=False)  # fmt: skip


@router.get("/documents/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
def document_page(request: Request, state: Shared, doc_id: str) -> HTMLResponse:
    with state.reading() as store:
        doc = lookups.document(store, doc_id)
    return state.page(request, "document.html.j2", d=doc,
                      marked=highlight(doc["text"], doc["spans"]))  # fmt: skip


@router.get("/sources/{ident}", response_class=HTMLResponse, include_in_schema=False)
def source_page(request: Request, state: Shared, ident: str) -> Response:
    """One person or body: its grades, its per-document source rows, its claims.
    An old link to one document's source row lands on its entity."""
    with state.reading() as store:
        key, found = lookups.source(store, ident)
    if found is None:  # temporary: a re-extraction may regroup the rows
        return RedirectResponse(f"/sources/{quoted(key)}", status_code=307)
    return state.page(request, "source.html.j2", s=found)


@router.get("/claims", response_class=HTMLResponse, include_in_schema=False)
def claims_page(
    request: Request, state: Shared, page_no: int = 1, search: str = ""
) -> HTMLResponse:
    with state.reading() as store:
        rows, total = queries.claims(store, lookups.page_no(page_no), PAGE_SIZE, search)
    return state.page(request, "claims.html.j2", rows=rows, total=total, page_no=page_no,
                      page_size=PAGE_SIZE, search=search)  # fmt: skip


@router.get("/propositions/{proposition_id}", response_class=HTMLResponse, include_in_schema=False)
def proposition_page(request: Request, state: Shared, proposition_id: str) -> HTMLResponse:
    with state.reading() as store:
        prop = lookups.proposition(store, proposition_id)
    return state.page(request, "proposition.html.j2", p=prop)


# -- the ACH matrix ----------------------------------------------------------------
@router.get("/ach", response_class=HTMLResponse, include_in_schema=False)
def ach_page(
    request: Request,
    state: Shared,
    question: str | None = None,
    saved: int = 0,
    reassessed: int | None = None,
) -> HTMLResponse:
    with state.reading() as store:
        q = pick_question(store, question)
        data = matrix(store, q) if q else None
        known = questions(store)
    return state.page(request, "ach.html.j2", a=data, questions=known, saved=saved,
                      reassessed=reassessed)  # fmt: skip


@router.post("/ach", include_in_schema=False)
async def ach_form(request: Request, state: Shared) -> Response:
    """The matrix's form, for a browser without script: apply the changed cells."""
    form = await request.form(max_files=0)
    question = str(form.get("question", ""))
    cells = [
        (*key.split("|", 2)[1:], str(value))
        for key, value in form.multi_items()
        if key.startswith("r|") and key.count("|") == 2
    ]

    def apply() -> int:
        with state.writing() as store:
            q = lookups.known_question(store, question)
            current = stored_report(store, q).matrix
            changed = [(h, e, r) for h, e, r in cells if current.get((h, e)) != r]
            for h, e, r in changed:
                work.set_rating(store, q, h, e, r)
            if changed:
                work.rescore(store, q)
            return len(changed)

    changed = await run_in_threadpool(apply)
    return RedirectResponse(f"/ach?question={quoted(question)}&saved={changed}", status_code=303)


@router.post("/ach/evidence", include_in_schema=False)
def ach_evidence_form(
    state: Shared,
    question: Annotated[str, Form()],
    description: Annotated[str, Form()],
    credibility: Annotated[str, Form()] = "medium",
    relevance: Annotated[str, Form()] = "medium",
) -> Response:
    with state.writing() as store:
        work.add_evidence(store, question, description, credibility, relevance)
    return RedirectResponse(f"/ach?question={quoted(question)}&saved=1", status_code=303)


# -- relate and reassess, as a job -------------------------------------------------
@router.post("/reassess", include_in_schema=False)
async def reassess_form(request: Request, state: Shared) -> Response:
    form = await request.form(max_files=0)
    question = form.get("question")
    asked = question if isinstance(question, str) and question else None
    try:
        job = work.start_reassess(state, asked)
    except Busy as e:
        job = e.job  # one at a time: show the one running
    return RedirectResponse(f"/jobs/{quoted(job.job_id)}", status_code=303)


@router.get("/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
def job_page(request: Request, state: Shared, job_id: str) -> Response:
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
    return state.page(request, "job.html.j2", job=job.as_dict())


# -- ingest ------------------------------------------------------------------------
@router.get("/ingest", response_class=HTMLResponse, include_in_schema=False)
def ingest_page(request: Request, state: Shared) -> HTMLResponse:
    return state.page(request, "ingest.html.j2", limit=state.max_upload, result=None)


@router.post("/ingest", response_class=HTMLResponse, include_in_schema=False)
async def ingest_form(request: Request, state: Shared) -> HTMLResponse:
    upload = await work.read_upload(request, state.max_upload)
    result = await run_in_threadpool(work.ingest_upload, state, upload)
    status = 200 if result["doc_ids"] else 422
    return state.page(request, "ingest.html.j2", status, limit=state.max_upload, result=result)

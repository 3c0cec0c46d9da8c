"""What the web UI changes in the store: uploads, the ACH matrix, reassessment.

The pages and the JSON API take the same actions; this module does them, so that
a form and its endpoint behave alike.

- An upload (a pasted text or a file) is read from its form and checked
  (``read_upload``: size, type, name, date), written under a fresh temporary name,
  never the name the browser sent, then ingested and extracted (``ingest_upload``).
- The analyst's ratings and evidence go into the ACH matrix, which is scored again.
- "Relate and reassess" relates what is new and assesses again, as a background
  job (``start_reassess``; ``web.jobs``).

Every write holds the state's lock (DuckDB allows one writer); models are loaded
on first use and kept on the state.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

from fastapi import Request
from starlette.datastructures import UploadFile as StarletteUploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from feint.assess import matrix
from feint.report.data import questions
from feint.store import Store
from feint.web.errors import ApiError
from feint.web.jobs import Job
from feint.web.lookups import known_question
from feint.web.state import WebState

UPLOAD_SUFFIXES: Final = (".txt", ".html", ".htm", ".xhtml", ".jsonl", ".ndjson", ".csv",
                          ".tsv", ".json", ".xml", ".rss", ".atom", ".warc", ".gz")  # fmt: skip
MAX_NAME: Final = 120
"""The longest upload name kept whole in messages and ``source_path``."""


# -- the ACH matrix ----------------------------------------------------------------
def set_rating(store: Store, question: str, hid: str, eid: str, rating: str) -> None:
    """Rate evidence ``eid`` against hypothesis ``hid`` of ``question`` (404 for a
    hypothesis the question does not have)."""
    if not store.query(
        "SELECT 1 FROM hypotheses WHERE hypothesis_id = ? AND question = ?", [hid, question]
    ).rows:
        raise ApiError(404, "not_found", f"No hypothesis {hid!r} for {question!r}.")
    matrix.set_rating(store, hid, eid, rating)


def rescore(store: Store, question: str) -> None:
    """Score ``question``'s matrix again, after the analyst changed it."""
    matrix.rescore(store, question)


def add_evidence(
    store: Store, question: str, description: str, credibility: str, relevance: str
) -> None:
    """Add the analyst's row of evidence to ``question``'s matrix."""
    matrix.add_evidence(store, known_question(store, question), description, credibility, relevance)


# -- uploads -----------------------------------------------------------------------
@dataclass(frozen=True)
class Upload:
    """An ingest form, read and checked."""

    data: bytes
    name: str
    suffix: str
    title: str
    outlet: str
    published: date | None


async def read_upload(request: Request, limit: int) -> Upload:
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
        name = upload_name(file.filename)
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
    return Upload(data, name, suffix, field_("title"), field_("outlet"), day)


def upload_name(filename: str) -> str:
    """The name a browser sent, fit to show and store: its last path part, with no
    control characters (a NUL broke the store's text), a very long one shortened in
    the middle so that its suffix still says what it is."""
    name = Path(re.sub(r"[\x00-\x1f\x7f]", "", filename)).name.strip()
    if not name:
        raise ApiError(422, "bad_name", "The file's name is empty once control characters "
                       "are removed; rename the file and upload it again.")  # fmt: skip
    if len(name) > MAX_NAME:
        name = f"{name[: MAX_NAME // 2]}…{name[-(MAX_NAME // 2 - 1) :]}"
    return name


def ingest_upload(state: WebState, upload: Upload) -> dict[str, Any]:
    """Ingest an upload, then extract the store's new documents (in a worker thread:
    the server goes on answering meanwhile)."""
    from feint.ingest import Metadata

    name, title = upload.name, upload.title
    with tempfile.TemporaryDirectory(prefix="feint-upload-") as tmp:
        path = Path(tmp) / f"upload{upload.suffix}"  # never the browser's name
        path.write_bytes(upload.data)
        with state.lock:
            store, case = state.store, state.session
            report = case.ingest([str(path)], Metadata(outlet=upload.outlet or None,
                                                       published=upload.published))  # fmt: skip
            rows = store.relabel_input(str(path), f"upload:{name}", title)
            doc_ids = [d for d, status, _ in rows if status == "ok"]
            repeated = [original for _, _, original in rows if original]
            attributions = 0
            if doc_ids:
                attributions = case.extract().attributions
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


# -- relate and reassess -----------------------------------------------------------
def start_reassess(state: WebState, question: str | None) -> Job:
    """Start "relate and reassess" for ``question`` (or every assessed question) as
    the app's background job.

    Raises:
        Busy: a job is already running.
    """
    with state.reading() as store:  # a question the store does not know is refused at once
        asked = known_question(store, question) if question else None
    return state.jobs.start("reassess", asked, lambda job: reassess(state, asked, job))


def reassess(state: WebState, question: str | None, job: Job) -> dict[str, Any]:
    """Relate what is new, then assess ``question`` (or every assessed question)
    again; the analyst's ratings and evidence are kept, as on any re-run. Runs as
    ``job`` (in its own thread), saying how far it has got."""
    job.progress("waiting for the store")
    with state.lock:
        case = state.session
        asked = [question] if question else questions(case.store)
        related = case.relate(asked[0] if asked else None,
                              progress=lambda step, done, total: job.progress(
                                  f"relate: {step}", done, total))  # fmt: skip
        leaders = {}
        for n, q in enumerate(asked):
            job.progress("assess", n, len(asked))
            report = case.assess(q)  # relates toward q first where it has not yet
            leaders[q] = [j.text for j in report.judgements]
        job.progress("done", len(asked), len(asked))
    return {
        "questions": asked,
        "new_claims": related.new_claims,
        "judged_pairs": related.judged_pairs,
        "judgements": leaders,
    }

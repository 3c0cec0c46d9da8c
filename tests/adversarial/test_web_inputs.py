"""The web UI under hostile or unlucky requests (issue 14 items 5, 7 and 11): a page
from another origin (another scheme counts) cannot post; absurd page numbers and
upload names get a 4xx, not a 500; long work runs as a job while pages are read.
A real server over a copy of the assessed test store."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.conftest import ASSESSED_Q, copy_store
from tests.web.serving import serving

from feint.errors import UsageError
from feint.store import Store
from feint.web.app import create_app
from feint.web.jobs import Busy, Jobs

pytestmark = [pytest.mark.model, pytest.mark.slow]


@pytest.fixture(scope="module")
def app_and_url(
    assessed_case: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, str]]:
    db = copy_store(assessed_case, tmp_path_factory.mktemp("adversarial-web"))
    with Store.open(db) as store:
        app = create_app(store)
        with serving(app) as url:
            yield app, url


def _rating(client: httpx.Client) -> dict[str, str]:
    ach = client.get("/api/ach").json()
    return {"question": ASSESSED_Q, "hypothesis_id": ach["hypotheses"][0]["id"],
            "evidence_id": ach["evidence"][0]["id"], "rating": "C"}  # fmt: skip


def test_another_scheme_is_another_origin(app_and_url: tuple[Any, str]) -> None:
    _, url = app_and_url
    with httpx.Client(base_url=url) as c:
        body = _rating(c)
        https = url.replace("http://", "https://")
        refused = c.post("/api/ach/ratings", json=body, headers={"Origin": https})
        assert refused.status_code == 403, refused.text
        assert refused.json()["error"]["code"] == "cross_site"
        same = c.post("/api/ach/ratings", json=body, headers={"Origin": url})
        assert same.status_code == 200, same.text


@pytest.mark.parametrize(
    "path",
    ["/documents", "/claims", "/sources", "/contradictions", "/api/documents", "/api/claims",
     "/api/relations", "/api/sources"],
)  # fmt: skip
def test_an_absurd_page_number_is_a_400(app_and_url: tuple[Any, str], path: str) -> None:
    _, url = app_and_url
    for page in ("99999999999999999999", "0", "-3"):
        r = httpx.get(f"{url}{path}", params={"page_no": page})
        assert r.status_code == 400, (page, r.text)
        assert "page_no" in r.text


@pytest.mark.parametrize(
    ("filename", "shown"),
    [("talks\x00.txt", "talks.txt"), ("x" * 300 + ".txt", "…"), ("../../etc/\x07a.txt", "a.txt")],
)
def test_an_upload_name_is_cleaned_not_a_500(
    app_and_url: tuple[Any, str], filename: str, shown: str
) -> None:
    _, url = app_and_url
    text = f"Officials said on Monday that talks about {len(filename)} villages could resume."
    # Written by hand: httpx would percent-encode the NUL that a crafted request sends raw.
    body = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="'
        + filename.encode()
        + b'"\r\nContent-Type: text/plain\r\n\r\n'
        + text.encode()
        + b"\r\n--b--\r\n"
    )
    r = httpx.post(
        f"{url}/api/documents",
        content=body,
        headers={"Origin": url, "Content-Type": "multipart/form-data; boundary=b"},
        timeout=120,  # the first upload loads the spaCy pipeline
    )
    assert r.status_code in (201, 422), r.text
    if r.status_code == 201:
        doc = httpx.get(f"{url}/api/documents/{r.json()['doc_ids'][0]}").json()
        path = doc["source_path"]
        assert "\x00" not in path and shown in path and len(path) < 200


def test_pages_are_read_while_a_writer_holds_the_store(app_and_url: tuple[Any, str]) -> None:
    app, url = app_and_url
    state = app.state.feint
    answers: list[int] = []
    with state.lock:  # a long write in progress
        reader = threading.Thread(
            target=lambda: answers.extend(
                httpx.get(f"{url}{p}", timeout=30).status_code
                for p in ("/api/summary", "/ach", "/api/ach", "/documents")
            )
        )
        reader.start()
        reader.join(30)
        assert answers == [200, 200, 200, 200]  # answered before the write ended


def test_reassess_runs_as_a_job_with_a_status(app_and_url: tuple[Any, str]) -> None:
    app, url = app_and_url
    state = app.state.feint
    with httpx.Client(base_url=url, headers={"Origin": url}, timeout=30) as c:
        with state.lock:  # the job waits for the store; its status says so
            started = c.post("/api/reassess", json={"question": ASSESSED_Q})
            assert started.status_code == 202, started.text
            job = started.json()
            assert job["status"] == "running" and job["status_url"] == f"/api/jobs/{job['id']}"
            busy = c.post("/api/reassess", json={})
            assert busy.status_code == 409 and job["id"] in busy.json()["error"]["message"]
            status = c.get(job["status_url"]).json()
            assert status["status"] == "running" and status["stage"] == "waiting for the store"
            assert c.get("/api/summary").status_code == 200
            page = c.get(f"/jobs/{job['id']}", headers={"Accept": "text/html"})
            assert 'http-equiv="refresh"' in page.text and "waiting for the store" in page.text
        deadline = time.monotonic() + 300
        while status["status"] == "running" and time.monotonic() < deadline:
            time.sleep(0.5)
            status = c.get(job["status_url"]).json()
        assert status["status"] == "done", status
        assert status["result"]["questions"] == [ASSESSED_Q]
        assert status["result"]["judgements"][ASSESSED_Q]
        done = c.get(f"/jobs/{job['id']}", follow_redirects=False)
        assert done.status_code == 303 and "/ach?question=" in done.headers["location"]
        assert c.get("/api/jobs/nope").status_code == 404
        unknown = c.post("/api/reassess", json={"question": "Is Mars red?"})
        assert unknown.status_code == 400 and "feint assess" in unknown.text


def test_a_failed_job_says_why_and_one_runs_at_a_time() -> None:
    jobs = Jobs()
    gate = threading.Event()

    def slow(job: Any) -> dict[str, Any]:
        gate.wait(10)
        raise UsageError("the store went away; open it again")

    job = jobs.start("reassess", None, slow)
    with pytest.raises(Busy) as busy:
        jobs.start("reassess", None, lambda j: {})
    assert busy.value.job is job
    gate.set()
    deadline = time.monotonic() + 10
    while job.status == "running" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert job.as_dict()["status"] == "failed"
    assert job.as_dict()["error"] == "the store went away; open it again"
    assert jobs.start("reassess", None, lambda j: {"ok": True}).job_id != job.job_id

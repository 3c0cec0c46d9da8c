"""feint serve's sources: one row per person or body, a page per entity with its
per-document source rows and claims, old per-document source ids redirected to
their entity, and each claim one click from its highlighted quote. A real server
on 127.0.0.1 over a small store written row by row (no model)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.conftest import one_person_in_five_documents
from tests.web.serving import serving_store

pytestmark = [pytest.mark.network]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("sources") / "five.duckdb"
    with serving_store(db, one_person_in_five_documents) as url:
        yield url


def _peskov(c: httpx.Client) -> dict[str, Any]:
    items = c.get("/api/sources").json()["items"]
    return next(s for s in items if s["name"] == "Dmitry Peskov")


def test_the_sources_list_shows_one_person_once(server: str) -> None:
    with httpx.Client(base_url=server) as c:
        listed = c.get("/api/sources").json()
        assert listed["total"] == len(listed["items"]) == 3
        assert listed["total"] == c.get("/api/summary").json()["counts"]["sources"]
        names = [s["name"] for s in listed["items"]]
        assert names[0] == "Dmitry Peskov" and names.count("Dmitry Peskov") == 1
        peskov = listed["items"][0]
        assert (peskov["mentions"], peskov["documents"], peskov["n_claims"]) == (6, 5, 6)
        assert peskov["reliability"] == "C" and len(peskov["source_ids"]) == 5
        html = c.get("/sources", headers={"Accept": "text/html"}).text
        assert len(re.findall(r'<a href="/sources/[^"]+">Dmitry Peskov</a>', html)) == 1
        assert ">Peskov<" not in html and ">Dmitri Peskov<" not in html
        he = next(s for s in listed["items"] if s["name"] == "He")
        assert he["entity_id"] == "s-he" and he["is_entity"] is False  # no entity: still listed


def test_an_entity_page_lists_its_documents_and_claims(server: str) -> None:
    with httpx.Client(base_url=server) as c:
        key = _peskov(c)["entity_id"]
        one = c.get(f"/api/sources/{key}").json()
        assert [r["doc_id"] for r in one["source_rows"]] == ["doc5", "doc4", "doc3", "doc2", "doc1"]
        assert one["claims_total"] == len(one["claims"]) == 6
        assert {r["name"] for r in one["source_rows"]} == {"Dmitry Peskov", "Peskov",
                                                           "Dmitri Peskov"}  # fmt: skip
        page = c.get(f"/sources/{key}", headers={"Accept": "text/html"})
        assert page.status_code == 200
        for claim in one["claims"]:
            assert f'href="/documents/{claim["doc_id"]}#q-{claim["claim_id"]}"' in page.text
        assert "of its claims: C 3, B 3" in page.text


def test_old_source_ids_redirect_to_their_entity(server: str) -> None:
    with httpx.Client(base_url=server) as c:
        key = _peskov(c)["entity_id"]
        for sid in ("s1", "s3", "s5"):
            moved = c.get(f"/sources/{sid}", headers={"Accept": "text/html"})
            assert moved.status_code == 307 and moved.headers["location"] == f"/sources/{key}"
            api = c.get(f"/api/sources/{sid}", follow_redirects=True)
            assert api.status_code == 200 and api.json()["entity_id"] == key
        assert c.get("/api/sources/s-he").json()["name"] == "He"  # a row with no entity
        missing = c.get("/api/sources/nope")
        assert missing.status_code == 404 and "nope" in missing.json()["error"]["message"]
        doc = c.get("/documents/doc3", headers={"Accept": "text/html"}).text
        assert doc.count(f'href="/sources/{key}"') == 2  # each attribution links its source
        claims = c.get("/claims", headers={"Accept": "text/html"}).text
        assert claims.count(f'href="/sources/{key}"') == 6


@pytest.mark.browser
def test_from_the_sources_list_to_a_highlighted_quote(server: str, browser: Any) -> None:
    page = browser.new_page()
    page.goto(f"{server}/sources")
    page.get_by_role("link", name="Dmitry Peskov").click()
    page.wait_for_url(re.compile(r"/sources/e[0-9a-f]+$"))
    assert page.locator("h1").inner_text() == "Dmitry Peskov"
    link = page.locator("table a[href*='#q-']", has_text="no date was set")
    link.click()
    page.wait_for_url(re.compile(r"/documents/doc3#q-"))
    mark = page.locator("mark.content:target")
    mark.wait_for()
    assert mark.inner_text() == "no date was set"
    page.close()

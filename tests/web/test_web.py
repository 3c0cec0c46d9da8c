"""feint serve: the pages, the JSON API and its one error shape, editing the ACH
matrix, ingesting from the browser, and hostile text that must stay text. A real
server on 127.0.0.1 and, for the pages, Debian's chromium through Playwright."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect
from tests.conftest import ASSESSED_Q, copy_store
from tests.web.serving import serving

from feint.store import Store
from feint.web.app import create_app

pytestmark = [pytest.mark.model, pytest.mark.slow, pytest.mark.network]

LIMIT = 64 * 1024  # a small upload limit, so that the test can pass it
STYLE = Path(__file__).resolve().parents[2] / "src/feint/report/templates/style.css"


@pytest.fixture(scope="module")
def server(assessed_case: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = copy_store(assessed_case, tmp_path_factory.mktemp("web"))
    with Store.open(db) as store, serving(create_app(store, max_upload_bytes=LIMIT)) as url:
        yield url


def _error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message"}
    assert body["error"]["status"] == status and body["error"]["message"]
    return str(body["error"]["message"])


def test_the_api_answers_every_error_in_one_shape(server: str) -> None:
    with httpx.Client(base_url=server) as c:
        assert "nope" in _error(c.get("/api/documents/nope"), 404)
        assert "/api/nothing/here" in _error(c.get("/api/nothing/here"), 404)
        ach = c.get("/api/ach").json()
        h, e = ach["hypotheses"][0]["id"], ach["evidence"][0]["id"]
        bad = {"question": ASSESSED_Q, "hypothesis_id": h, "evidence_id": e, "rating": "maybe"}
        assert "not one of" in _error(c.post("/api/ach/ratings", json=bad), 400)
        assert "rating" in _error(c.post("/api/ach/ratings", json={"question": "x"}), 422)
        unknown = {**bad, "rating": "C", "question": "Mars is red"}
        assert "feint assess" in _error(c.post("/api/ach/ratings", json=unknown), 400)
        assert "bogus" in _error(c.get("/api/relations", params={"kind": "bogus"}), 400)
        big = {"text": "x" * (LIMIT + 70 * 1024)}
        assert "limit" in _error(c.post("/api/documents", data=big), 413)
        assert "Paste" in _error(c.post("/api/documents", data={"text": "  "}), 422)
        files = {"file": ("run.exe", b"MZ", "application/octet-stream")}
        assert "run.exe" in _error(c.post("/api/documents", files=files), 415)
        page = c.get("/documents/nope", headers={"Accept": "text/html"})
        assert page.status_code == 404 and "No document" in page.text
        assert page.headers["content-type"].startswith("text/html")


def test_other_sites_cannot_drive_or_read_the_server(server: str) -> None:
    with httpx.Client(base_url=server) as c:
        form = {"question": ASSESSED_Q, "description": "Posted by another site"}
        evil = {"Origin": "https://evil.example"}
        assert "feint's own pages" in _error(c.post("/ach/evidence", data=form, headers=evil), 403)
        site = {"Sec-Fetch-Site": "cross-site"}
        assert "feint's own pages" in _error(c.post("/ach/evidence", data=form, headers=site), 403)
        rebound = c.get("/api/report", headers={"Host": "attacker.example"})
        assert "attacker.example" in _error(rebound, 400)
        assert "Posted by another site" not in c.get("/api/ach").text
        assert "DELETE" in _error(c.delete("/api/documents"), 405)
        assert "page_no" in _error(c.get("/api/claims", params={"page_no": 0}), 400)
        short = c.post("/ach/evidence", data={"question": ASSESSED_Q, "description": "ab"})
        assert "few words" in _error(short, 400)
        mid = {"text": "x" * (LIMIT + 10 * 1024)}  # under the request cap, over the field cap
        assert "larger than" in _error(c.post("/api/documents", data=mid), 413)
        big_form = {"question": ASSESSED_Q, "description": "y" * 300_000}
        assert "limit" in _error(c.post("/ach/evidence", data=big_form), 413)
        assert c.get("/api/docs").status_code == 404  # no page that would load a CDN


def test_the_api_lists_what_the_pages_show(server: str) -> None:
    with httpx.Client(base_url=server) as c:
        summary = c.get("/api/summary").json()
        assert summary["questions"] == [ASSESSED_Q]
        docs = c.get("/api/documents").json()
        assert docs["total"] == summary["counts"]["documents"] > 1
        doc = c.get(f"/api/documents/{docs['items'][0]['doc_id']}").json()
        for s in doc["spans"]:
            assert 0 <= s["start"] < s["end"] <= len(doc["text"])
        claims = c.get("/api/claims", params={"search": "ceasefire"}).json()
        assert claims["total"] > 0 and all(
            "ceasefire" in (x["quote"] + (x["source"] or "")).lower() for x in claims["items"]
        )
        props = c.get("/api/propositions").json()
        one = c.get(f"/api/propositions/{props['items'][0]['proposition_id']}").json()
        assert len(one["claims"]) == props["items"][0]["size"]
        pairs = c.get("/api/relations", params={"kind": "contradicts,tension"}).json()
        assert all(p["kind"] in ("contradicts", "tension") for p in pairs["items"])
        assert c.get("/api/sources").json()["total"] == summary["counts"]["sources"]
        html = c.get("/")
        assert "script-src 'self'" in html.headers["content-security-policy"]
        assert "unsafe-inline" not in html.headers["content-security-policy"].split("style")[0]


@pytest.mark.browser
def test_editing_a_rating_updates_scores_and_ranking(server: str, browser: Any) -> None:
    page = browser.new_page()
    page.goto(f"{server}/ach")
    leader = page.locator("#ranking tbody tr").first.get_attribute("data-hypothesis")
    ach = httpx.get(f"{server}/api/ach").json()
    rows = sorted(ach["evidence"], key=lambda e: -(e["weight"] or 0))
    changed = False
    for e in rows:  # the leader's strongest rows, rated II one by one, until it falls
        select = page.locator(f'select[data-hypothesis="{leader}"][data-evidence="{e["id"]}"]')
        if select.input_value() == "II":
            continue
        before = page.locator(f'#ranking tr[data-hypothesis="{leader}"] .score').inner_text()
        select.select_option("II")
        saved = re.escape(e["label"])  # the row in words, not its id
        expect(page.locator("#status")).to_have_text(re.compile(f"^Saved {saved} against"))
        after = page.locator(f'#ranking tr[data-hypothesis="{leader}"] .score').inner_text()
        assert float(after) < float(before)
        assert "rating-II" in (select.locator("..").get_attribute("class") or "")
        if page.locator("#ranking tbody tr").first.get_attribute("data-hypothesis") != leader:
            changed = True
            break
    assert changed, "rating every row II against the leader never unseated it"
    page.reload()  # kept in the store
    assert page.locator("#ranking tbody tr").first.get_attribute("data-hypothesis") != leader
    stored = httpx.get(f"{server}/api/ach").json()
    assert stored["ratings"][leader][e["id"]] == {
        "rating": "II", "proposed_by": "analyst", "note": "set by the analyst"
    }  # fmt: skip
    page.close()


def test_the_matrix_form_saves_changed_cells_without_script(server: str) -> None:
    with httpx.Client(base_url=server) as c:
        ach = c.get("/api/ach").json()
        h, e = ach["hypotheses"][-1]["id"], ach["evidence"][0]["id"]
        old = ach["ratings"][h][e]["rating"]
        # An edit that moves the inconsistency score (the only thing that ranks and
        # gives probabilities, as in Heuer's ACH): to II, or from I or II to CC.
        new = "II" if old not in ("I", "II") else "CC"
        cells = {f"r|{x}|{y}": cell["rating"] for x, row in ach["ratings"].items()
                 for y, cell in row.items()}  # fmt: skip
        sent = c.post("/ach", data={"question": ASSESSED_Q, **cells, f"r|{h}|{e}": new})
        assert sent.status_code == 303 and sent.headers["location"].endswith("saved=1")
        after = c.get("/api/ach").json()
        assert after["ratings"][h][e] == {
            "rating": new, "proposed_by": "analyst", "note": "set by the analyst"
        }  # fmt: skip
        assert after["hypotheses"] != ach["hypotheses"]  # scored again


@pytest.mark.browser
def test_adding_evidence_from_the_ach_page(server: str, browser: Any) -> None:
    page = browser.new_page()
    page.goto(f"{server}/ach")
    n = page.locator("#matrix > tbody").count()  # one per evidence row (and its quotes)
    page.fill("#ev-description", "Satellite images show new trenches north of Kharkiv")
    page.select_option("#ev-credibility", "high")
    page.get_by_role("button", name="Add evidence").click()
    page.wait_for_url(re.compile(r"/ach\?question=.*saved=1"))
    assert page.locator("#matrix > tbody").count() == n + 1
    added = page.locator('#matrix th[scope="row"]', has_text="Satellite images show new trenches")
    assert added.count() == 1  # one row, labelled by its words
    page.close()


def test_pasted_text_is_ingested_and_extracted(server: str) -> None:
    text = (
        "Kremlin spokesman Dmitry Peskov said on Monday that Moscow was open to talks, "
        "while two officials told Reuters that a new offensive was being prepared."
    )
    form = {"text": text, "title": "Peskov on talks", "outlet": "example.org",
            "published": "2024-06-03"}  # fmt: skip
    with httpx.Client(base_url=server) as c:
        made = c.post("/api/documents", data=form)
        assert made.status_code == 201, made.text
        body = made.json()
        assert body["ingested"] == 1 and body["attributions"] >= 2 and not body["rejected"]
        doc = c.get(f"/api/documents/{body['doc_ids'][0]}").json()
        assert (doc["title"], doc["outlet"], doc["published"]) == (
            "Peskov on talks", "example.org", "2024-06-03"
        )  # fmt: skip
        assert doc["source_path"] == "upload:Peskov on talks"
        sources = " | ".join(a["source_text"] for a in doc["attributions"])
        assert "Peskov" in sources and "two officials" in sources
        again = c.post("/api/documents", data=form).json()  # the same text: nothing new
        assert again["ingested"] == 0 and again["doc_ids"] == body["doc_ids"]
        bad = c.post("/api/documents", data={**form, "published": "3 June"})
        assert "YYYY-MM-DD" in _error(bad, 422)


@pytest.mark.browser
def test_a_pasted_text_is_weighed_after_relate_and_reassess(server: str, browser: Any) -> None:
    before = httpx.get(f"{server}/api/summary").json()["counts"]["claims"]
    page = browser.new_page()
    page.goto(f"{server}/ingest")
    page.fill("#text", "A senior Russian official told the Financial Times that the Kremlin "
                       "was not willing to negotiate a ceasefire this year.")  # fmt: skip
    page.fill("#title", "Official rules out a truce")
    page.fill("#published", "2024-06-10")
    page.get_by_role("button", name="Ingest").click()
    assert "1 document(s) ingested" in page.get_by_role("status").inner_text()
    page.get_by_role("button", name="Relate and reassess now").click()
    page.wait_for_url(re.compile(r"/ach\?question=.*reassessed=\d+"), timeout=180_000)
    new = int(page.url.rsplit("reassessed=", 1)[1])
    assert (
        new >= 1 and f"Reassessed with {new} new claim(s)" in page.locator("#status").inner_text()
    )
    assert httpx.get(f"{server}/api/summary").json()["counts"]["claims"] == before + new
    stance = httpx.get(f"{server}/api/claims", params={"search": "not willing to negotiate"})
    assert stance.json()["total"] >= 1
    page.close()


@pytest.mark.browser
def test_uploading_a_hostile_document_renders_it_as_text(
    server: str, browser: Any, tmp_path: Path
) -> None:
    payload = tmp_path / "hostile.html"
    payload.write_text(
        "<html><head><title>Talks</title></head><body><article><p>Officials said that "
        "&lt;script&gt;window.pwned=1&lt;/script&gt; talks are near, and "
        '&lt;img src=x onerror="window.pwned=2"&gt; four sources told Reuters that Putin '
        "is ready for a ceasefire.</p><script>window.pwned = 3</script></article></body></html>",
        "utf-8",
    )
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{server}/ingest")
    page.set_input_files("#file", str(payload))
    page.fill("#outlet", "hostile.example")
    page.click("button:text('Ingest')")
    page.get_by_role("status").wait_for()
    assert "1 document(s) ingested" in page.get_by_role("status").inner_text()
    page.get_by_role("link", name=re.compile("Open document")).first.click()
    text = page.locator("#text")
    assert "<script>window.pwned=1</script>" in text.inner_text()
    assert 'onerror="window.pwned=2"' in text.inner_text()
    assert text.locator("script, img").count() == 0
    assert page.locator("mark.content").count() >= 1  # its attributions are marked
    assert page.evaluate("typeof window.pwned") == "undefined" and dialogs == []
    page.close()


@pytest.mark.browser
def test_following_a_judgement_to_evidence_to_the_highlighted_quote(
    server: str, browser: Any
) -> None:
    ach = httpx.get(f"{server}/api/ach").json()
    judgement = ach["judgements"][0]
    evidence = next(
        e for e in ach["evidence"] if e["id"] in judgement["evidence_ids"] and e["quotes"]
    )
    page = browser.new_page()
    page.goto(f"{server}/ach")
    page.locator(f'#judgements a[href="#ev-{evidence["id"]}"]').first.click()
    row = page.locator(f'[id="ev-{evidence["id"]}"]')
    assert row.evaluate("el => el.matches(':target')")
    row.locator("summary").click()
    quote = evidence["quotes"][0]
    row.locator(f'a[href$="#q-{quote["claim_id"]}"]').click()
    page.wait_for_url(re.compile(f"/documents/{quote['doc_id']}#q-"))
    mark = page.locator("mark.content:target")
    mark.wait_for()
    assert mark.inner_text() == quote["quote"]
    page.close()


@pytest.mark.browser
def test_browsing_from_a_claim_to_its_highlighted_quote(server: str, browser: Any) -> None:
    page = browser.new_page()
    page.goto(f"{server}/claims?search=ceasefire")
    link = page.locator("table a[href*='#q-']").first
    quote = link.inner_text()
    link.click()
    target = page.locator("mark.content:target")
    target.wait_for()
    assert target.inner_text() == quote
    for name in ("Documents", "Propositions", "Contradictions", "Sources", "ACH", "Ingest"):
        page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()
        expect(page.locator("h1").first).to_be_visible()  # waits for the page
    page.close()


@pytest.mark.browser
def test_keyboard_reaches_everything(server: str, browser: Any) -> None:
    page = browser.new_page()
    page.goto(f"{server}/ach")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    selects = page.locator("#matrix select")
    assert selects.count() > 0
    labels = selects.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert all(label and label.startswith("Rating of ") for label in labels)
    seen = set()
    for _ in range(200):  # every rating can be reached with Tab
        page.keyboard.press("Tab")
        seen.add(page.evaluate("document.activeElement.getAttribute('aria-label')"))
        if set(labels) <= seen:
            break
    assert set(labels) <= seen
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # focus is visible
    page.close()


def _luminance(colour: str) -> float:
    rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_text_colours_are_readable() -> None:
    """WCAG AA: 4.5:1 for every text colour the stylesheet sets on its background."""
    css = STYLE.read_text("utf-8")
    root = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", css))
    pairs = [(root["fg"], root["bg"]), (root["muted"], root["bg"]), (root["link"], root["bg"]),
             (root["fg"], root["mark"])]  # fmt: skip
    rules = re.findall(r"\{\s*background:\s*(#[0-9a-fA-F]{6});\s*color:\s*(#[0-9a-fA-F]{6})", css)
    assert len(rules) >= 6  # the six rating colours
    pairs += [(fg, bg) for bg, fg in rules]
    low = [(fg, bg, round(_contrast(fg, bg), 2)) for fg, bg in pairs if _contrast(fg, bg) < 4.5]
    assert low == []

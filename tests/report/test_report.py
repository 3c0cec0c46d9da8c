"""feint report: one self-contained HTML file, and Markdown and JSON with the same
content; every judgement reaches its evidence and every evidence row its quote,
highlighted in its document; article text never becomes markup."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import ASSESSED_Q

from feint.report import write_report
from feint.report.markdown import escape_text
from feint.report.render import highlight
from feint.store import Store

pytestmark = [pytest.mark.model, pytest.mark.slow]


class _Page(HTMLParser):
    """Ids, fragment links, scripts and outside resources of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.scripts = 0
        self.external: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        ident = a.get("id")
        if ident:
            self.ids.add(ident)
        if tag == "script":
            self.scripts += 1
        self.handlers += [k for k in a if k.startswith("on")]
        for key in ("src", "href"):
            value = a.get(key) or ""
            if value.startswith("#"):
                self.links.append(value[1:])
            elif re.match(r"(https?:)?//", value):
                self.external.append(value)


@pytest.fixture(scope="module")
def reports(assessed_case: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("report")
    with Store.open(assessed_case) as store:
        paths = {
            fmt: write_report(store, out, fmt, all_documents=True) for fmt in ("html", "md", "json")
        }
    return {fmt: p.read_text("utf-8") for fmt, p in paths.items()} | {"dir": out}


def test_html_is_one_self_contained_file_with_no_script(reports: dict[str, Any]) -> None:
    page = _Page()
    page.feed(reports["html"])
    assert page.scripts == 0
    assert page.handlers == []  # no on...= attribute anywhere, the hostile document's included
    assert page.external == []  # nothing fetched: no CDN, no network
    assert "Content-Security-Policy" in reports["html"]
    assert sorted((reports["dir"]).iterdir()) == sorted(
        reports["dir"] / f"report.{f}" for f in ("html", "md", "json")
    )


def test_bottom_line_up_front_then_every_section(reports: dict[str, Any]) -> None:
    html = reports["html"]
    data = json.loads(reports["json"])
    assert data["question"] == ASSESSED_Q and data["judgements"]
    sections = ("judgements", "ach", "sources", "contradictions", "saydo", "timing", "documents")
    order = [html.index(f'id="h-{s}"') for s in sections]
    assert order == sorted(order)
    first = data["judgements"][0]
    assert html.index(_esc(first["text"])) < html.index('id="h-ach"')
    assert first["band"] in html and first["confidence"] in html


def test_every_link_lands_and_every_quote_is_highlighted_in_its_document(
    reports: dict[str, Any],
) -> None:
    page = _Page()
    page.feed(reports["html"])
    assert page.links and set(page.links) <= page.ids
    data = json.loads(reports["json"])
    for j in data["judgements"]:
        assert {f"ev-{e}" for e in j["evidence_ids"]} <= page.ids
    quotes = [q for e in data["evidence"] for q in e["quotes"]]
    assert quotes
    docs = {d["doc_id"]: d for d in data["documents"]}
    for q in quotes:
        assert f"q-{q['claim_id']}" in page.ids
        assert docs[q["doc_id"]]["text"][q["start"] : q["end"]] == q["quote"]
        # the mark holds the quote (escaped, and possibly with nested spans inside)
        mark = re.search(
            rf'<mark class="content" id="q-{re.escape(q["claim_id"])}"[^>]*>', reports["html"]
        )
        assert mark is not None


def test_charts_have_a_text_alternative(reports: dict[str, Any]) -> None:
    html = reports["html"]
    for chart in ("timing", "saydo"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in html
        desc = re.search(rf'<desc id="{chart}-desc">([^<]+)</desc>', html)
        assert desc is not None and "table" in desc.group(1)
    weekly = json.loads(reports["json"])["timing"]["weekly"]
    assert all(f"<td>{w['week']}</td><td>{w['channel']}</td><td>{w['n']}</td>" in html
               for w in weekly)  # fmt: skip


def test_markdown_and_json_carry_the_same_content(reports: dict[str, Any]) -> None:
    data = json.loads(reports["json"])
    md, html = reports["md"], reports["html"]
    for j in data["judgements"]:
        assert _md(j["text"]) in md and _esc(j["text"]) in html
        for e in j["evidence_ids"]:
            assert e in md and e in html
    for h in data["hypotheses"]:
        assert f"{h['score']:.2f}" in md and f"{h['score']:.2f}" in html
    for c in data["contradictions"][:10]:
        for side in ("a", "b"):
            assert _md(c[side]["quote"]) in md and _esc(c[side]["quote"]) in html
    for t in data["timing"]["tests"]:
        if t["p_value"] is not None:
            assert f"p = {t['p_value']:.3f}" in md and f"p = {t['p_value']:.3f}" in html
    assert data["timing"]["weekly"] and data["timing"]["decisions"]
    assert data["sources"] and all(s["reliability"] for s in data["sources"])


def test_hostile_text_is_escaped_in_every_format(reports: dict[str, Any]) -> None:
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in reports["html"]
    assert "<script>window.pwned" not in reports["html"]
    assert '<img src="x"' not in reports["html"] and "<img" not in reports["md"]
    text = next(d["text"] for d in json.loads(reports["json"])["documents"] if "pwned" in d["text"])
    assert "<script>" in text  # JSON keeps the text as it was; a consumer escapes it


def test_by_default_only_cited_documents_and_still_no_dangling_link(
    assessed_case: Path, tmp_path: Path
) -> None:
    with Store.open(assessed_case) as store:
        html = write_report(store, tmp_path).read_text("utf-8")
        n_docs = store.query("SELECT count(*) FROM documents WHERE status = 'ok'").rows[0][0]
    page = _Page()
    page.feed(html)
    assert page.links and set(page.links) <= page.ids
    shown = sum(1 for i in page.ids if i.startswith("doc-"))
    assert 0 < shown <= n_docs


def test_markdown_shows_document_text_and_never_markup() -> None:
    hostile = "[click](javascript:alert(1)) ![](https://tracker.example/p.png) *x* <img src=x>"
    out = escape_text(hostile)
    assert not re.search(r"(?<!\\)[\[\]()!*]", out)  # no bracket, paren, bang or star unescaped
    assert "<img" not in out and "\\*x\\*" in out
    assert re.sub(r"\\(.)", r"\1", out).replace("&lt;", "<").replace("&gt;", ">") == hostile


def test_highlight_nests_spans_and_cuts_crossing_ones() -> None:
    text = "Reuters reported that sources said <b>peace</b> is near."
    spans = [
        {"role": "content", "start": 22, "end": 57, "attr_id": "a1", "claim_id": "c-a1"},
        {"role": "source", "start": 22, "end": 29, "attr_id": "a2", "claim_id": None},
        {"role": "content", "start": 35, "end": 60, "attr_id": "a2", "claim_id": "c-a2"},
    ]
    out = str(highlight(text, spans))
    assert out.count("<mark") == out.count("</mark>") == 2
    assert out.index('id="q-c-a2"') > out.index('id="q-c-a1"')
    assert "&lt;b&gt;peace&lt;/b&gt;" in out
    stripped = re.sub(r"<[^>]+>", "", out)
    assert stripped.replace("&lt;", "<").replace("&gt;", ">") == text


def test_report_from_the_command_line(assessed_case: Path, tmp_path: Path) -> None:
    run = [sys.executable, "-m", "feint", "report", "--db", str(assessed_case)]
    proc = subprocess.run([*run, "--out", str(tmp_path), "--format", "md"], capture_output=True,
                          text=True, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "report.md").read_text("utf-8").startswith("# feint report")
    bad = subprocess.run([*run, "--out", str(tmp_path), "--format", "pdf"], capture_output=True,
                         text=True, check=False)  # fmt: skip
    assert bad.returncode == 2 and "html, md, json" in bad.stderr
    other = subprocess.run([*run, "--out", str(tmp_path), "-q", "Mars is red"],
                           capture_output=True, text=True, check=False)  # fmt: skip
    assert other.returncode == 2 and "feint assess" in other.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "feint", "report", "--db", str(tmp_path / "none.duckdb")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert missing.returncode == 2 and "none.duckdb" in missing.stderr


@pytest.mark.browser
def test_in_a_browser_judgement_to_evidence_to_highlighted_quote(
    reports: dict[str, Any], browser: Any
) -> None:
    data = json.loads(reports["json"])
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto((reports["dir"] / "report.html").as_uri())
    judgement = data["judgements"][0]
    evidence = next(
        e for e in data["evidence"] if e["id"] in judgement["evidence_ids"] and e["quotes"]
    )
    page.locator(f'a[href="#ev-{evidence["id"]}"]').first.click()
    assert page.evaluate("location.hash") == f"#ev-{evidence['id']}"
    row = page.locator(f'[id="ev-{evidence["id"]}"]')
    assert row.evaluate("el => el.matches(':target')")
    row.locator("summary").click()
    quote = evidence["quotes"][0]
    row.locator(f'a[href="#q-{quote["claim_id"]}"]').click()
    mark = page.locator(f'[id="q-{quote["claim_id"]}"]')
    assert mark.evaluate("el => el.matches(':target')")
    assert mark.is_visible() and mark.inner_text() == quote["quote"]
    assert mark.evaluate("el => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"
    # the hostile document shows its markup as text and runs nothing
    hostile = page.locator(".document .text", has_text="window.pwned = 1")
    assert "<script>window.pwned = 1</script>" in hostile.inner_text()
    assert page.locator("script, img").count() == 0
    assert page.evaluate("typeof window.pwned") == "undefined" and dialogs == []
    # keyboard: the first Tab reaches the skip link, which leads to the judgements
    page.goto((reports["dir"] / "report.html").as_uri())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").startswith("Skip")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.close()


def _esc(s: str) -> str:
    from markupsafe import escape

    return str(escape(s))


def _md(s: str) -> str:
    return escape_text(s)

"""feint serve reads as words too (issue 13): "undated", never "None"; evidence rows
by label; the ACH editor's hypothesis headers in sight while the rows scroll; each
side of a contradiction with its outlet and date. A real server on 127.0.0.1 over a
small store written row by row (no model)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.report.small_case import QID, UNDATED_QUOTE, small_assessed_case
from tests.web.serving import serving_store

pytestmark = [pytest.mark.network]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("readable") / "case.duckdb"
    with serving_store(db, small_assessed_case) as url:
        yield url


def _page(c: httpx.Client, path: str) -> str:
    response = c.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, response.text
    return response.text


def test_a_missing_date_reads_undated_never_none(server: str) -> None:
    with httpx.Client(base_url=server) as c:
        for path in ("/ach", "/claims", "/contradictions", "/documents"):
            html = _page(c, path)
            assert "None" not in html, path
            assert "undated" in html, path
        assert "An analyst, unknown outlet, undated" in _page(c, "/ach")


def test_each_side_of_a_contradiction_has_its_outlet_and_date(server: str) -> None:
    with httpx.Client(base_url=server) as c:
        html = _page(c, "/contradictions")
        pair = html[html.index('<article class="pair">') :]
        assert "<footer>Dmitry Peskov, example.com, 2024-05-01</footer>" in pair
        assert "<footer>An analyst, unknown outlet, undated</footer>" in pair
        assert pair.index("2024-05-01") < pair.index(UNDATED_QUOTE)  # each under its quote
        item = c.get("/api/relations").json()["items"][0]
        assert (item["outlet_a"], item["published_a"]) == ("example.com", "2024-05-01")
        assert (item["outlet_b"], item["published_b"]) == (None, None)


def test_evidence_reads_in_words_with_its_id_in_the_tooltip(server: str) -> None:
    eid = f"{QID}:E-claims-analyst-oppose"
    label = "Analysts&#39; claims opposing the question"
    with httpx.Client(base_url=server) as c:
        html = _page(c, "/ach")
        assert f'<a href="#ev-{eid}" title="{eid}">{label}</a>' in html  # rests on
        assert f'<th scope="row" title="{eid}">{label}</th>' in html  # the matrix's row
        assert f">{eid.split(':')[-1]}</a>" not in html


@pytest.mark.browser
def test_the_editor_keeps_its_hypothesis_headers_in_sight(server: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 600})
    page.goto(f"{server}/ach")
    header = page.locator("#matrix thead th").nth(3)  # the first hypothesis
    assert header.inner_text() == "H1"
    last = page.locator("#matrix tbody").last
    last.scroll_into_view_if_needed()
    row = last.bounding_box()
    assert row is not None and row["y"] > 100  # scrolled far down the matrix
    box = header.bounding_box()
    assert box is not None and 0 <= box["y"] <= 2  # stuck to the top of the window
    hit = page.evaluate(
        f"document.elementFromPoint({box['x'] + box['width'] / 2}, {box['y'] + box['height'] / 2})"
        ".closest('thead') !== null"
    )
    assert hit  # and drawn over the rows, not under them
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    page.close()

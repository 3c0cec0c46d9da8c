"""The report reads as words, not keys (issue 13): "undated", never "None"; evidence
rows by label, their ids in tooltips; lists it cuts point to a JSON file that is
there; a matrix that fits a laptop's screen; month ticks on the timing axis; the
say-do lag explained; the sources weightiest first, a long list folded. Over a small
store written row by row (``small_case``), no model."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.report.small_case import N_SPEAKERS, QID, small_assessed_case

from feint.report import MAX_QUOTES, TOP_SOURCES, write_report
from feint.report.data import gather
from feint.report.labels import LAG_HELP, evidence_label
from feint.report.render import month_ticks, saydo_chart, timing_chart
from feint.store import Store


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("readable")
    with Store.open(folder / "case.duckdb") as store:
        small_assessed_case(store)
        data = gather(store)
        html = write_report(store, folder / "html", "html")
        md = write_report(store, folder / "md", "md")
    return {"data": data, "html": html, "md": md}


def test_a_missing_date_reads_undated_never_none(case: dict[str, Any]) -> None:
    html, md = case["html"].read_text("utf-8"), case["md"].read_text("utf-8")
    assert "None" not in html and "None" not in md
    # the undated claim, in the matrix's quotes and in the contradiction that cites it
    assert html.count("An analyst, unknown outlet, undated") >= 2
    assert "An analyst, unknown outlet, undated" in md


def test_cut_lists_point_to_the_json_written_beside_them(case: dict[str, Any]) -> None:
    for path in (case["html"], case["md"]):
        beside = path.with_name("report.json")
        assert beside.exists(), f"{path.name} points to a file that is not there"
        full = json.loads(beside.read_text("utf-8"))
        cut = next(e for e in full["evidence"] if len(e["quotes"]) > MAX_QUOTES)
        assert len(cut["quotes"]) == N_SPEAKERS  # every quote is in the JSON
        text = path.read_text("utf-8")
        assert f"and {N_SPEAKERS - MAX_QUOTES} more in" in text
        assert "in the JSON report" not in text  # the old pointer to nothing
    assert 'href="report.json"' in case["html"].read_text("utf-8")


@pytest.mark.parametrize(
    ("kind", "description", "label"),
    [
        ("claims:analyst:oppose", "8 claim(s) by analysts oppose: X",
         "Analysts' claims opposing the question"),
        ("claims:private_anonymous:support", "",
         "Unnamed sources' claims supporting the question"),
        ("claims:public_official:oppose", "",
         "Officials' claims on the record opposing the question"),
        ("conflicts:private_public", "3 pair(s) of claims conflict over ...",
         "Unnamed sources against officials' public words"),
        ("saydo:talks_while_escalating", "In 23 month(s) ...",
         "Talk of talks while the actor escalates"),
        ("timing:not_significant", "Surges ...", "Timing of supporting claims against decisions"),
        ("analyst", "Satellite images show troops massing",
         "Analyst: Satellite images show troops massing"),
        ("analyst", "x" * 80, "Analyst: " + "x" * 50 + "…"),
        ("something:new", "", "E-new"),
    ],
)  # fmt: skip
def test_evidence_labels_are_words(kind: str, description: str, label: str) -> None:
    assert evidence_label("Q-1:E-new", kind, description) == label


def test_evidence_reads_in_words_with_its_id_in_the_tooltip(case: dict[str, Any]) -> None:
    html = case["html"].read_text("utf-8")
    eid = f"{QID}:E-claims-analyst-oppose"
    label = "Analysts&#39; claims opposing the question"
    assert f'<a href="#ev-{eid}" title="{eid}">{label}</a>' in html  # the judgement's link
    assert f'<th scope="row" title="{eid}">{label}</th>' in html  # the matrix's row
    assert f">{eid}</a>" not in html and f">{eid.split(':')[-1]}</a>" not in html
    md = case["md"].read_text("utf-8")
    assert f"Analysts' claims opposing the question (`{eid}`)" in md


def test_the_say_do_lag_is_explained(case: dict[str, Any]) -> None:
    html = case["html"].read_text("utf-8")
    header = re.search(r'<th scope="col" title="([^"]+)">Lag \(days\)</th>', html)
    assert header is not None and "negative: the deed came first" in header.group(1)
    table_end = html.index("</table>", html.index("Say-do gaps"))
    assert html.index("negative: the deed came first", table_end) > table_end  # under the table
    assert "more than 30 days apart are not paired" in html
    assert LAG_HELP in case["md"].read_text("utf-8")
    # the chart's gap has the table's sign: the deed came three days before the words
    chart = str(saydo_chart(case["data"]["saydo"]))
    assert "first deed 3 day(s) before the first claim" in chart


def test_sources_weightiest_first_and_a_long_list_folds(case: dict[str, Any]) -> None:
    sources = case["data"]["sources"]
    weights = [(-s["mentions"], s["reliability"]) for s in sources]
    assert weights == sorted(weights)  # mentions, then reliability A before F
    assert sources[0]["name"] == "Dmitry Peskov"
    html = case["html"].read_text("utf-8")
    section = html[html.index('id="h-sources"') : html.index('id="h-contradictions"')]
    folded = section.index('<details class="more-sources">')
    assert section[:folded].count('<tr id="src-') == TOP_SOURCES
    rest = len(sources) - TOP_SOURCES
    assert f"<summary>{rest} more source(s)</summary>" in section
    assert section[folded:].count('<tr id="src-') == rest


def _weekly(first: date, weeks: int) -> dict[str, Any]:
    days = [first + timedelta(weeks=i) for i in range(weeks)]
    return {
        "weekly": [{"week": d.isoformat(), "channel": "media", "n": 1} for d in days],
        "decisions": [],
        "tests": [],
    }


def _tick_labels(svg: str) -> list[str]:
    return re.findall(r'class="tick">(\d{4}[^<]*)</text>', svg)


def test_the_timing_axis_is_marked_in_months() -> None:
    half_year = _tick_labels(str(timing_chart(_weekly(date(2024, 1, 1), 26), "q")))
    assert half_year == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
    three_years = _tick_labels(str(timing_chart(_weekly(date(2022, 3, 7), 160), "q")))
    assert three_years[:3] == ["2022-04", "2022-07", "2022-10"]  # too tight for every month
    assert all(re.fullmatch(r"\d{4}-(01|04|07|10)", t) for t in three_years)
    ticks = month_ticks(date(2024, 1, 15), date(2024, 4, 1), px_per_month=100)
    assert ticks == [(date(2024, m, 1), True) for m in (2, 3)]


@pytest.mark.browser
def test_the_matrix_fits_a_laptop_screen(case: dict[str, Any], browser: Any) -> None:
    """Read at 1366x768 from top to bottom: the page never scrolls sideways, and the ACH
    matrix fits the viewport's width, its quotes open in a full-width row below."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(Path(case["html"]).as_uri())
    width = page.evaluate("innerWidth")
    matrix = page.locator("table.matrix")
    for details in matrix.locator("details").all():  # every quote open: the worst case
        details.evaluate("el => { el.open = true; }")
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height, 600):
        page.evaluate(f"window.scrollTo(0, {y})")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    matrix.scroll_into_view_if_needed()
    box = matrix.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    wrap = matrix.locator("..")
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth")  # no sideways scrollbar
    # the quotes sit in a row as wide as the matrix, not in the narrow first column
    quotes = matrix.locator("tr.detail ul.quotes").first.bounding_box()
    assert quotes is not None and quotes["width"] > 0.8 * box["width"]
    # closed, a row of the matrix is a line or two, not a column of quotes
    for details in matrix.locator("details").all():
        details.evaluate("el => { el.open = false; }")
    rows = matrix.locator("tbody tr:first-child")
    heights = rows.evaluate_all("rs => rs.map(r => r.getBoundingClientRect().height)")
    assert heights and max(heights) < 80
    page.close()

"""The report reads as words, not Python values (issue 13): "undated", never "None".
Over a small store written row by row (``small_case``), no model."""

from __future__ import annotations

from typing import Any

import pytest
from tests.report.small_case import small_assessed_case

from feint.report import write_report
from feint.report.data import gather
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

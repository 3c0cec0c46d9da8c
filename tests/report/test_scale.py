"""A report of a store of any size (issue 13, item 7): the HTML and Markdown show the
first few of each long list with its full length, reading only what they show, and
the JSON holds every row, streamed from the store as it is written. Over the small
store of ``small_case`` (no model); bench/report.py --claims measures it at 100,000."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.report.small_case import N_SPEAKERS, small_assessed_case

from feint.report import write_report
from feint.report.data import Limits, gather, write_json
from feint.store import Store


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scale") / "case.duckdb"
    with Store.open(path) as store:
        small_assessed_case(store)
    return path


def _materialise(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _materialise(v) for k, v in data.items()}
    if isinstance(data, list | tuple | Iterator):
        return [_materialise(v) for v in data]
    return data


def test_the_whole_report_is_lazy_and_streams_as_plain_json(db: Path) -> None:
    with Store.open(db, read_only=True) as store:
        whole = gather(store, limits=None)
        # The long lists are read as they are written, not held.
        assert isinstance(whole["contradictions"], Iterator)
        assert isinstance(whole["documents"], Iterator)
        assert all(isinstance(e["quotes"], Iterator) for e in whole["evidence"])
        out = io.StringIO()
        write_json(whole, out)
        again = _materialise(gather(store, limits=None))
    streamed = json.loads(out.getvalue())
    streamed.pop("generated_at"), again.pop("generated_at")
    assert streamed == json.loads(json.dumps(again))
    long_row = next(e for e in streamed["evidence"] if e["n_quotes"] == N_SPEAKERS)
    assert len(long_row["quotes"]) == N_SPEAKERS


def test_a_cut_report_keeps_the_first_rows_and_counts_the_rest(db: Path) -> None:
    limits = Limits(quotes=3, pairs=0, sources=5, events=1)
    with Store.open(db, read_only=True) as store:
        cut = gather(store, limits=limits)
        whole = _materialise(gather(store, limits=None))
    for c, w in zip(cut["evidence"], whole["evidence"], strict=True):
        assert c["n_quotes"] == w["n_quotes"] == len(w["quotes"])
        assert c["quotes"] == w["quotes"][: limits.quotes]
    assert cut["n_contradictions"] == len(whole["contradictions"]) > limits.pairs
    assert cut["contradictions"] == whole["contradictions"][: limits.pairs] == []
    assert len(cut["sources"]) == limits.sources < cut["n_sources"] == len(whole["sources"])
    for c, w in zip(cut["saydo"], whole["saydo"], strict=True):
        assert c["n_claims"] == len(w["claims"]) and c["claims"] == w["claims"][: limits.quotes]
        assert c["n_events"] == len(w["events"]) and len(c["events"]) <= limits.events
    # Only the documents the cut lists cite are read, each with every mark.
    cited = {q["doc_id"] for e in cut["evidence"] for q in e["quotes"]}
    cited |= {p[s]["doc_id"] for p in cut["contradictions"] for s in "ab"}
    cited |= {c["doc_id"] for g in cut["saydo"] for c in g["claims"]}
    assert {d["doc_id"] for d in cut["documents"]} == cited
    assert len(cut["documents"]) <= len(whole["documents"])


def test_the_html_points_to_the_rest(db: Path, tmp_path: Path) -> None:
    with Store.open(db, read_only=True) as store:
        html = write_report(store, tmp_path, "html").read_text("utf-8")
        n_pairs = gather(store)["n_contradictions"]
    full = json.loads((tmp_path / "report.json").read_text("utf-8"))
    assert len(full["contradictions"]) == n_pairs
    assert f"of {n_pairs} contradicting or tense pairs" in html

"""PARC ACH .achz files: a hand-written file in the format Open Source ACH's importer
reads, a round trip through the seed store, and clear errors for files that are not
.achz files."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import ASSESSED_Q, copy_store

from feint.assess.ach import question_id
from feint.assess.achz import (
    AchzEvidence,
    AchzMatrix,
    export_achz,
    import_achz,
    read_achz,
    write_achz,
)
from feint.assess.matrix import stored_report
from feint.assess.stage import assess
from feint.errors import UsageError
from feint.store import Store

TITLE = "Will the ministry resign"
# As PARC ACH saves it, going by Open Source ACH's import_action.php: element names,
# "C C" and "I I" with a space, no space after the commas, credibility in capitals,
# DATE in milliseconds. Relevance is left out of the second row (medium then).
HAND_WRITTEN = """<?xml version="1.0" encoding="UTF-16"?>
<ACH>
  <PROJECT-TITLE>  Will the ministry   resign </PROJECT-TITLE>
  <CLASSIFICATION>U</CLASSIFICATION>
  <LAST-INDEX>3</LAST-INDEX>
  <COLOR-SCHEME>0</COLOR-SCHEME>
  <MATRIX>
    <HYPOTHESIS><NAME>The minister resigns this week</NAME></HYPOTHESIS>
    <HYPOTHESIS><NAME>The resignation talk is a bluff</NAME></HYPOTHESIS>
    <HYPOTHESIS><NAME>Nothing happens</NAME></HYPOTHESIS>
    <EVIDENCE>
      <NAME>Aides cleared the minister's office</NAME>
      <NOTES>Seen by two reporters.</NOTES>
      <LINK>http://example.org/office</LINK>
      <TYPE>HUMINT</TYPE>
      <DATE>1716508800000</DATE>
      <CODE>BBC-1</CODE>
      <FLAG>1</FLAG>
      <CREDIBILITY>HIGH</CREDIBILITY>
      <RELEVANCE>HIGH</RELEVANCE>
      <VALUES>C C,I I,I</VALUES>
    </EVIDENCE>
    <EVIDENCE>
      <NAME>The party denies any resignation</NAME>
      <NOTES></NOTES>
      <TYPE>Open Source</TYPE>
      <DATE>0</DATE>
      <CODE></CODE>
      <FLAG>0</FLAG>
      <CREDIBILITY>LOW</CREDIBILITY>
      <VALUES>I,C,NA</VALUES>
    </EVIDENCE>
    <EVIDENCE>
      <NAME>Nobody has said anything since Monday</NAME>
      <CREDIBILITY>MEDIUM</CREDIBILITY>
      <RELEVANCE>LOW</RELEVANCE>
      <VALUES>N,,C</VALUES>
    </EVIDENCE>
  </MATRIX>
</ACH>
"""


def _achz(path: Path, xml: str = HAND_WRITTEN) -> Path:
    path.write_bytes(gzip.compress(b"\xff\xfe" + xml.encode("utf-16-le")))
    return path


def test_import_a_hand_written_file_into_an_empty_store(store: Store, tmp_path: Path) -> None:
    path = _achz(tmp_path / "resign.achz")
    m = read_achz(path)
    assert m.title == "Will the ministry   resign"
    assert m.evidence[0].values == ("CC", "II", "I")
    assert m.evidence[2].values == ("N", None, "C")  # an empty entry is an unrated cell
    assert (m.evidence[1].credibility, m.evidence[1].relevance) == ("low", None)

    out = import_achz(store, path)
    qid = question_id(TITLE)
    assert out.report.question == TITLE  # from PROJECT-TITLE, spaces folded
    assert out.added_hypotheses == [f"{qid}:H-achz-{n}" for n in (1, 2, 3)]
    assert out.added_evidence == [f"{qid}:E-achz-{n}" for n in (1, 2, 3)]
    assert out.ratings == 8
    hyps = store.query(
        "SELECT hypothesis_id, label, role, rank FROM hypotheses WHERE question = ? "
        "ORDER BY hypothesis_id",
        [TITLE],
    ).rows
    assert [(h[1], h[2]) for h in hyps] == [
        ("The minister resigns this week", "other"),
        ("The resignation talk is a bluff", "other"),
        ("Nothing happens", "other"),
    ]
    assert all(rank is not None for *_, rank in hyps)  # scored again
    ev = store.query(
        "SELECT description, kind, credibility, relevance FROM evidence WHERE question = ? "
        "ORDER BY evidence_id",
        [TITLE],
    ).rows
    assert ev == [
        ("Aides cleared the minister's office", "analyst:HUMINT", "high", "high"),
        ("The party denies any resignation", "analyst:Open Source", "low", "medium"),
        ("Nobody has said anything since Monday", "analyst", "medium", "low"),
    ]
    ratings = store.query(
        "SELECT hypothesis_id, evidence_id, rating, proposed_by FROM ratings WHERE question = ?",
        [TITLE],
    ).rows
    assert {(h, e, r) for h, e, r, _ in ratings} == {
        (f"{qid}:H-achz-1", f"{qid}:E-achz-1", "CC"),
        (f"{qid}:H-achz-2", f"{qid}:E-achz-1", "II"),
        (f"{qid}:H-achz-3", f"{qid}:E-achz-1", "I"),
        (f"{qid}:H-achz-1", f"{qid}:E-achz-2", "I"),
        (f"{qid}:H-achz-2", f"{qid}:E-achz-2", "C"),
        (f"{qid}:H-achz-3", f"{qid}:E-achz-2", "NA"),
        (f"{qid}:H-achz-1", f"{qid}:E-achz-3", "N"),
        (f"{qid}:H-achz-3", f"{qid}:E-achz-3", "C"),
    }
    assert {by for *_, by in ratings} == {"analyst"}
    # Weights 2 (high x high), 0.71, 0.71: II on the strongest row sinks the bluff
    # (-4), I there puts "nothing happens" (-2) below the first, whose I is on a weak row.
    assert out.report.ranking == [f"{qid}:H-achz-1", f"{qid}:H-achz-3", f"{qid}:H-achz-2"]
    assert out.report.scores[f"{qid}:H-achz-1"] == pytest.approx(-(0.5**0.5))
    assert store.query("SELECT count(*) FROM judgements WHERE question = ?", [TITLE]).rows[0][0]

    again = import_achz(store, path)  # the same file twice adds nothing
    assert not again.added_hypotheses and not again.added_evidence
    assert store.query("SELECT count(*) FROM ratings").rows[0][0] == 8


def test_a_zip_container_and_utf8_read_too(tmp_path: Path) -> None:
    # gunzip, which Open Source ACH runs on the file, opens a one-member zip as well.
    path = tmp_path / "resign-zip.achz"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("matrix.xml", HAND_WRITTEN.replace("UTF-16", "UTF-8").encode("utf-8"))
    path.write_bytes(buffer.getvalue())
    assert read_achz(path) == read_achz(_achz(tmp_path / "resign.achz"))


def test_write_then_read_gives_the_same_matrix(tmp_path: Path) -> None:
    m = AchzMatrix(
        "Q",
        ("H one", "H two"),
        (
            AchzEvidence("E one \u2013 with a dash", "Q:E1", "kind", "feint refs: a, b",
                         "high", "low", ("CC", "NA")),
            AchzEvidence("E two", "Q:E2", "", "", "medium", "medium", ("II", None)),
        ),
    )  # fmt: skip
    path = tmp_path / "out.achz"
    write_achz(m, path)
    raw = gzip.decompress(path.read_bytes())
    assert raw.startswith(b"\xff\xfe")  # UTF-16 with a byte-order mark, as PARC ACH saves
    text = raw.decode("utf-16")
    assert "<VALUES>C C,NA</VALUES>" in text and "<VALUES>I I,</VALUES>" in text
    assert "<CREDIBILITY>HIGH</CREDIBILITY>" in text and "<PROJECT-TITLE>Q</PROJECT-TITLE>" in text
    assert read_achz(path) == m


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    def gz(name: str, xml: str) -> Path:
        return _achz(tmp_path / name, xml)

    plain = tmp_path / "plain.achz"
    plain.write_text("H1,H2\nC,I\n", "utf-8")
    two = tmp_path / "two.achz"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("a.xml", "<ACH/>")
        z.writestr("b.xml", "<ACH/>")
    two.write_bytes(buffer.getvalue())
    truncated = tmp_path / "truncated.achz"
    truncated.write_bytes(_achz(tmp_path / "whole.achz").read_bytes()[:40])
    return {
        "neither gzip- nor zip-compressed": plain,
        "zip of 2 files": two,
        "does not decompress": truncated,
        "XML does not parse": gz("broken.achz", "<ACH><MATRIX><HYPOTHESIS>"),
        "no MATRIX element": gz("empty.achz", "<ACH><PROJECT-TITLE>x</PROJECT-TITLE></ACH>"),
        "needs HYPOTHESIS": gz("nohyp.achz", "<ACH><MATRIX/></ACH>"),
        "the rating 'maybe'": gz("rating.achz", HAND_WRITTEN.replace("I,C,NA", "I,maybe,NA")),
        "4 VALUES for 3": gz("many.achz", HAND_WRITTEN.replace("I,C,NA", "I,C,NA,N")),
        "CREDIBILITY 'SOMEWHAT'": gz("cred.achz", HAND_WRITTEN.replace("LOW<", "SOMEWHAT<")),
    }


@pytest.mark.parametrize(
    "reason",
    [
        "neither gzip- nor zip-compressed",
        "zip of 2 files",
        "does not decompress",
        "XML does not parse",
        "no MATRIX element",
        "needs HYPOTHESIS",
        "the rating 'maybe'",
        "4 VALUES for 3",
        "CREDIBILITY 'SOMEWHAT'",
    ],
)
def test_a_bad_file_is_named_with_the_reason(store: Store, tmp_path: Path, reason: str) -> None:
    path = _bad_files(tmp_path)[reason]
    with pytest.raises(UsageError) as e:
        import_achz(store, path)
    message = str(e.value)
    assert repr(str(path)) in message and reason in message and "Save As" in message
    assert store.query("SELECT count(*) FROM ratings").rows[0][0] == 0  # nothing written


def test_missing_file_title_or_matrix(store: Store, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"No file .*nowhere\.achz"):
        import_achz(store, tmp_path / "nowhere.achz")
    with pytest.raises(UsageError, match="run 'feint assess --question"):
        export_achz(store, "Nothing assessed", tmp_path / "out.achz")
    untitled = _achz(tmp_path / "untitled.achz", HAND_WRITTEN.replace("PROJECT-TITLE", "NOTE"))
    with pytest.raises(UsageError, match=r"untitled\.achz' has no PROJECT-TITLE"):
        import_achz(store, untitled)
    assert import_achz(store, untitled, "Given here").report.question == "Given here"


# -- the seed store ------------------------------------------------------------------

Q = ASSESSED_Q


@pytest.fixture(scope="module")
def case(
    assessed_case: Path, tmp_path_factory: pytest.TempPathFactory, default_judge: Any
) -> tuple[Path, Any]:
    """A copy of the assessed case, which the tests below change."""
    return copy_store(assessed_case, tmp_path_factory.mktemp("achz")), default_judge


def _content(store: Store, question: str) -> tuple[Any, ...]:
    """The matrix by labels and descriptions, ids left out."""
    m = stored_report(store, question)
    label = {h.hypothesis_id: h.label for h in m.hypotheses}
    text = {e.evidence_id: e.description for e in m.evidence}
    return (
        sorted(label.values()),
        sorted((e.description, e.credibility, e.relevance) for e in m.evidence),
        sorted((label[h], text[e], r) for (h, e), r in m.matrix.items()),
    )


@pytest.mark.model
@pytest.mark.slow
def test_round_trip_through_the_seed_store(case: Any, tmp_path: Path) -> None:
    db, judge = case
    path = tmp_path / "seed.achz"
    with Store.open(db) as store:
        before = stored_report(store, Q)
        assert before.evidence and len(before.matrix) == len(before.hypotheses) * len(
            before.evidence
        )
        m = export_achz(store, Q, path)
        assert read_achz(path) == m and m.title == Q
        assert [e.code for e in m.evidence] == [e.evidence_id for e in before.evidence]

        out = import_achz(store, path)  # the question from the file's title
        assert not out.added_hypotheses and not out.added_evidence
        assert out.ratings == len(before.matrix)
        after = stored_report(store, Q)
        assert after.hypotheses == before.hypotheses and after.evidence == before.evidence
        assert after.matrix == before.matrix
        assert set(after.proposed_by.values()) == {"analyst"}

        rerun = assess(store, Q, judge=judge)  # analyst ratings survive a re-run
        assert rerun.matrix == before.matrix
        assert set(rerun.proposed_by.values()) == {"analyst"}

    with Store.open(tmp_path / "fresh.duckdb") as fresh:  # a colleague's empty store
        out = import_achz(fresh, path)
        assert len(out.added_hypotheses) == len(before.hypotheses)
        assert len(out.added_evidence) == len(before.evidence)
        refs = {e.description: e.refs for e in stored_report(fresh, Q).evidence}
        assert refs == {e.description: e.refs for e in before.evidence}
        with Store.open(db) as store:
            assert _content(fresh, Q) == _content(store, Q)


@pytest.mark.model
@pytest.mark.slow
def test_import_and_export_from_the_command_line(case: Any, tmp_path: Path) -> None:
    db, _ = case
    edited = tmp_path / "edited.achz"
    with Store.open(db) as store:
        m = export_achz(store, Q, edited)
    first = m.evidence[0]
    flipped = tuple("II" if v in ("CC", "C") else "CC" for v in first.values)
    extra = AchzEvidence("An analyst's own row", "", "HUMINT", "", "high", "low",
                         ("C",) * len(m.hypotheses))  # fmt: skip
    write_achz(AchzMatrix(m.title, m.hypotheses, (replace(first, values=flipped), extra)), edited)
    saved = tmp_path / "saved.achz"
    proc = subprocess.run(
        [sys.executable, "-m", "feint", "assess", "--db", str(db), "-q", Q, "--json",
         "--import-achz", str(edited), "--export-achz", str(saved)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    said = " ".join(proc.stderr.split())
    assert f"Imported {len(m.hypotheses) * 2} rating(s) from {edited}" in said
    assert "added 0 hypothesis(es) and 1 evidence row(s)" in said
    out = json.loads(proc.stdout)
    row = next(e for e in out["evidence"] if e["id"] == first.code)
    assert list(row["ratings"].values()) == list(flipped)
    assert any(e["description"] == "An analyst's own row" for e in out["evidence"])
    back = {e.name: e for e in read_achz(saved).evidence}
    assert back[first.name].values == flipped
    assert back["An analyst's own row"].type == "analyst:HUMINT"
    bad = tmp_path / "bad.achz"
    bad.write_text("not a matrix", "utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "feint", "assess", "--db", str(db), "-q", Q,
         "--import-achz", str(bad)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 2 and "bad.achz" in proc.stderr

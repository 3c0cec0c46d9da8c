"""feint assess on the reference article with the starter events and calendar: the
contract tables, provenance down to character spans, and an analyst's rating that
changes the ranking and survives a re-run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language
from tests.conftest import copy_store, seed_case

from feint.assess.matrix import set_rating
from feint.assess.stage import assess
from feint.errors import UsageError
from feint.store import Store

pytestmark = [pytest.mark.model, pytest.mark.slow]

DATA = Path(__file__).resolve().parents[1] / "data" / "context"
Q = "Putin is willing to negotiate a ceasefire"


@pytest.fixture(scope="module")
def case(
    tmp_path_factory: pytest.TempPathFactory, nlp: Language, embedder: Any, default_judge: Any
) -> tuple[Path, Any]:
    db = tmp_path_factory.mktemp("assess") / "seed.duckdb"
    return seed_case(db, nlp, embedder, default_judge, Q), default_judge


def test_assess_writes_the_contract_tables(case: Any) -> None:
    db, judge = case
    with Store.open(db) as store:
        _check_tables(store, assess(store, Q, judge=judge))


def _check_tables(store: Store, report: Any) -> None:
    assert any(h.is_deception for h in report.hypotheses)
    rows = store.query(
        "SELECT judgement_id, question, text, band, probability_low, probability_high, "
        "confidence, evidence_ids, confidence_text FROM judgements WHERE question = ?",
        [Q],
    ).records()
    assert len(rows) == 2
    for j in rows:
        assert j["text"].startswith("We assess that ") and "confidence" not in j["text"]
        assert j["confidence"] in ("low", "moderate", "high") and j["confidence_text"]
        assert 0 <= j["probability_low"] < j["probability_high"] <= 1 and j["evidence_ids"]
    # The seed's own say-do gap: readiness reported by Russian sources during the
    # Kharkiv offensive of 10 May 2024.
    gaps = store.query("SELECT direction, event_ids, lag_days FROM saydo").rows
    assert any(d == "talks_while_escalating" and lag == -14 for d, _, lag in gaps)
    # Both proposers rated every cell; the note keeps what each said.
    notes = [r[0] for r in store.query("SELECT note FROM ratings WHERE question = ?", [Q]).rows]
    assert len(notes) == len(report.hypotheses) * len(report.evidence)
    assert all(n.startswith("rules: ") and "; judge (" in n for n in notes)
    n_claims = store.query("SELECT count(*) FROM claims").rows[0][0]
    graded = store.query("SELECT count(*), count(DISTINCT claim_id) FROM grades").rows[0]
    assert graded == (n_claims, n_claims)
    # Conflicts come split by who disagrees, never as one undivided row.
    kinds = {e.kind for e in report.evidence}
    assert "contradictions" not in kinds
    assert all(k.startswith("conflicts:") for k in kinds if "conflict" in k)
    timing = store.query(
        "SELECT channel, window_days, note FROM timing WHERE question = ?", [Q]
    ).rows
    assert timing and all(w == 30 and note for _, w, note in timing)


def test_every_judgement_resolves_to_quotes_in_documents(case: Any) -> None:
    db, judge = case
    with Store.open(db) as store:
        assess(store, Q, judge=judge)
        _check_spans(store)


def _check_spans(store: Store) -> None:
    spans = store.query(
        """
        SELECT DISTINCT a.doc_id, a.content_start, a.content_end, a.content_text,
               substr(d.text, a.content_start + 1, a.content_end - a.content_start) AS quote
        FROM judgements j, unnest(j.evidence_ids) AS t(eid)
        JOIN evidence e ON e.evidence_id = t.eid, unnest(e.refs) AS r(ref)
        JOIN claims c ON c.claim_id = r.ref JOIN attributions a USING (attr_id)
        JOIN documents d USING (doc_id)
        WHERE j.question = ?
        """,
        [Q],
    ).rows
    assert spans and all(quote == content for _, _, _, content, quote in spans)


def test_an_analyst_rating_moves_the_ranking_and_is_kept(case: Any, tmp_path: Path) -> None:
    db, judge = case
    with Store.open(copy_store(db, tmp_path)) as store:  # the other tests read it unrated
        _check_rating(store, judge)


def _check_rating(store: Store, judge: Any) -> None:
    first = assess(store, Q, judge=judge)
    leader = first.ranking[0]
    strongest = max(first.evidence, key=lambda e: e.weight)
    set_rating(store, leader, strongest.evidence_id, "II")
    set_rating(store, leader, strongest.evidence_id, "II")  # idempotent
    second = assess(store, Q, judge=judge)
    assert second.matrix[(leader, strongest.evidence_id)] == "II"
    assert second.proposed_by[(leader, strongest.evidence_id)] == "analyst"
    assert second.scores[leader] < first.scores[leader]
    assert second.ranking[0] != leader
    with pytest.raises(UsageError, match="run 'feint assess' first"):
        set_rating(store, "nope", strongest.evidence_id, "C")
    with pytest.raises(UsageError, match="not one of"):
        set_rating(store, leader, strongest.evidence_id, "maybe")


def test_the_seed_rows_argue_as_the_reference_assessment(case: Any, tmp_path: Path) -> None:
    db, judge = case
    with Store.open(copy_store(db, tmp_path)) as store:
        report = assess(store, Q, judge=judge)
        _check_reasoning(store, report)


def _check_reasoning(store: Store, report: Any) -> None:
    role = {h.role: h.hypothesis_id for h in report.hypotheses}
    row = {e.kind: e for e in report.evidence}
    facts = {
        c: (channel, affiliation or "", stance)
        for c, channel, affiliation, stance in store.query(
            "SELECT c.claim_id, c.channel, s.affiliation, st.stance FROM claims c "
            "LEFT JOIN sources s ON s.source_id = c.source_id "
            "JOIN stances st ON st.claim_id = c.claim_id AND st.question = ?",
            [Q],
        ).rows
    }

    def rating(kind: str, r: str) -> str:
        return str(report.matrix[(role[r], row[kind].evidence_id)])

    # Private anonymous claims of readiness, from Russian sources.
    leaks = row["claims:private_anonymous:support"].refs
    assert len(leaks) >= 3 and all(facts[c][1] == "Russian" for c in leaks)
    # Official public rhetoric against them: the Kremlin's own words on the record,
    # set against the leaks; the feint reads that, a genuine offer does not.
    assert all(facts[c][0] == "public_official" for c in row["claims:public_official:oppose"].refs)
    clash = row["conflicts:private_public"].refs
    assert {facts[c][0] for c in clash} == {"private_anonymous", "public_official"}
    assert {facts[c][1] for c in clash} == {"Russian"}
    assert rating("conflicts:private_public", "deception") == "CC"
    assert rating("conflicts:private_public", "genuine") in ("I", "II")
    # Other sides' words are theirs ("US sources have denied ..."), never the actor's.
    others = [c for k, e in row.items() if k.startswith("claims:others:") for c in e.refs]
    assert others and all(facts[c][1] != "Russian" for c in others)
    if "conflicts:across" in row:
        assert {rating("conflicts:across", r) for r in role} == {"N"}
    # The Kharkiv offensive of 10 May 2024 beside the readiness claims.
    saydo = row["saydo:talks_while_escalating"]
    events = store.query(
        "SELECT date FROM events WHERE list_contains(?, event_id)", [list(saydo.refs)]
    )
    days = {str(r[0]) for r in events.rows}
    assert "2024-05-10" in days and rating("saydo:talks_while_escalating", "genuine") == "II"
    # The feint is not ranked below a divided leadership.
    assert report.ranking.index(role["deception"]) <= report.ranking.index(role["divided"])


def test_without_the_offensive_the_feint_no_longer_leads(case: Any, tmp_path: Path) -> None:
    # Change the evidence and the outcome changes: with no offensive in May 2024 the
    # readiness claims stand unrefuted by deeds, some are corroborated, and the feint
    # falls behind the divided leadership.
    db, judge = case
    with Store.open(copy_store(db, tmp_path)) as store:
        before = assess(store, Q, judge=judge)
        with store.transaction() as con:
            con.execute("DELETE FROM events WHERE date BETWEEN '2024-04-01' AND '2024-06-30'")
        after = assess(store, Q, judge=judge)
    role = {h.role: h.hypothesis_id for h in after.hypotheses}
    feint, divided, genuine = role["deception"], role["divided"], role["genuine"]
    assert after.scores[genuine] > before.scores[genuine]
    assert after.scores[feint] < before.scores[feint]
    assert after.ranking.index(feint) > after.ranking.index(divided)
    assert after.probabilities[feint] < before.probabilities[feint]


def test_assess_from_the_command_line(case: Any) -> None:
    db, _ = case
    proc = subprocess.run(
        [sys.executable, "-m", "feint", "assess", "--db", str(db), "-q", Q, "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert {"judgements", "hypotheses", "evidence"} <= set(out)
    for j in out["judgements"]:  # down to a document and a character span
        assert j["provenance"] and all(
            p["doc_id"] and 0 <= p["start"] < p["end"] and p["quote"] for p in j["provenance"]
        )
    assert all(set(e["ratings"]) == {h["id"] for h in out["hypotheses"]} for e in out["evidence"])

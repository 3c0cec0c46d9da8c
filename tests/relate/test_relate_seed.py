"""The relate stage on the reference article, as issue 4 asks of it.

A10 and A11 contradict; A6 and A7 contradict or are in tension; A4 and A9 take
opposite stances toward "Putin is willing to negotiate a ceasefire". Then the stage
is incremental: a re-run embeds and judges nothing, and a new document's claims
join without disturbing the old ones.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language
from tests.conftest import CORPUS_SAMPLE, SEED, SEED_GOLD

from feint.extract.stage import extract
from feint.ingest import Metadata, ingest
from feint.ingest.dates import parse_date
from feint.relate.stage import relate
from feint.store import Store

pytestmark = [pytest.mark.model, pytest.mark.slow]

# Issue 11's targets on the seed that the retrained judge does not reach yet. The old
# averaged judge passed the first three only because the rules' "unwilling" outvoted
# the model, which issue 11 forbids. Strict: when the judge reaches one, its test
# fails here until the mark is removed.
UNMET = pytest.mark.xfail(
    strict=True, reason="issue 11 target not yet reached by feint-nli on the seed"
)

QUESTION = "Putin is willing to negotiate a ceasefire"


def _tokens(s: str) -> set[str]:
    return set(re.findall(r"\w+", s.lower()))


@pytest.fixture(scope="module")
def related(
    tmp_path_factory: pytest.TempPathFactory, nlp: Language, embedder: Any, default_judge: Any
) -> dict[str, Any]:
    db = tmp_path_factory.mktemp("relate") / "seed.duckdb"
    store = Store.open(db)
    ingest(
        store,
        [str(SEED)],
        metadata=Metadata(outlet="kyivpost.com", published=parse_date("2024-05-24")),
    )
    extract(store, nlp=nlp)
    report = relate(store, question=QUESTION, judge=default_judge, embedder=embedder)
    gold = {g["id"]: g for g in json.loads(SEED_GOLD.read_text("utf-8"))["attributions"]}
    claims = store.query(
        "SELECT c.claim_id, a.content_text FROM claims c JOIN attributions a USING (attr_id)"
    ).rows
    # Each gold attribution's claim: the one whose content is (nearly) the gold content.
    ids: dict[str, str] = {}
    for gid, g in gold.items():
        gt = _tokens(g["content"]["text"])
        best = max(claims, key=lambda c: len(gt & _tokens(c[1])) / len(gt | _tokens(c[1])))
        if len(gt & _tokens(best[1])) / len(gt | _tokens(best[1])) >= 0.9:
            ids[gid] = best[0]
    yield {"store": store, "report": report, "ids": ids, "db": db}
    store.close()


def _kinds(store: Store, a: str, b: str) -> set[str]:
    rows = store.query(
        "SELECT kind FROM relations WHERE list_sort([claim_a, claim_b]) = list_sort([?, ?])",
        [a, b],
    ).rows
    return {r[0] for r in rows}


def test_every_attribution_is_a_claim_with_a_channel(related: dict[str, Any]) -> None:
    store = related["store"]
    n_attr = store.query("SELECT count(*) FROM attributions").rows[0][0]
    rows = store.query("SELECT claim_id, channel, proposition_id, stance FROM claims").rows
    assert len(rows) == n_attr == related["report"].claims
    assert {r[1] for r in rows} <= {"private_anonymous", "public_official", "media", "analyst"}
    assert all(r[2] and r[3] in ("support", "oppose", "neutral") for r in rows)
    channel = dict(store.query("SELECT claim_id, channel FROM claims").rows)
    ids = related["ids"]
    assert channel[ids["A4"]] == "private_anonymous"  # four Russian sources, via Reuters
    assert channel[ids["A9"]] == "public_official"  # Putin and the Kremlin
    assert channel[ids["A1"]] == "media"  # Western media


def test_propositions_are_labelled_by_a_member(related: dict[str, Any]) -> None:
    store = related["store"]
    rows = store.query(
        "SELECT p.proposition_id, p.size, count(c.claim_id), "
        "bool_or(c.claim_id = p.label_claim) FROM propositions p "
        "JOIN claims c USING (proposition_id) GROUP BY 1, 2"
    ).rows
    assert rows and all(size == members and has_label for _, size, members, has_label in rows)
    assert len(rows) < related["report"].claims  # some claims were grouped


@UNMET
def test_a10_and_a11_contradict(related: dict[str, Any]) -> None:
    ids = related["ids"]
    assert "contradicts" in _kinds(related["store"], ids["A10"], ids["A11"])


@UNMET
def test_a6_and_a7_contradict_or_are_in_tension(related: dict[str, Any]) -> None:
    ids = related["ids"]
    assert _kinds(related["store"], ids["A6"], ids["A7"]) & {"contradicts", "tension"}


@UNMET
def test_a4_and_a9_take_opposite_stances_toward_the_question(related: dict[str, Any]) -> None:
    ids = related["ids"]
    stance = dict(
        related["store"]
        .query("SELECT claim_id, stance FROM stances WHERE question = ?", [QUESTION])
        .rows
    )
    assert stance[ids["A4"]] == "support"
    assert stance[ids["A9"]] == "oppose"


def test_relations_carry_score_method_and_explanation(related: dict[str, Any]) -> None:
    rows = related["store"].query("SELECT kind, score, method, explanation FROM relations").rows
    assert {r[0] for r in rows} >= {"contradicts", "repeats"}
    assert all(r[0] in ("contradicts", "shift", "tension", "corroborates", "repeats") for r in rows)
    assert all(0.0 <= r[1] <= 1.0 and r[2] and r[3] and "\n" not in r[3] for r in rows)
    # A nested report and the report relaying it are one origin, never corroboration.
    ids = related["ids"]
    assert "repeats" in _kinds(related["store"], ids["A3"], ids["A4"])


@UNMET
def test_few_contradictions_on_the_seed(related: dict[str, Any]) -> None:
    # One article, one analyst: most of its claims agree or speak of different things.
    # The old averaged judge found 37 "contradictions" among its 36 claims.
    n = related["store"].query("SELECT count(*) FROM relations WHERE kind = 'contradicts'")
    assert n.rows[0][0] <= 5


def test_claims_carry_their_frames(related: dict[str, Any]) -> None:
    frames = dict(
        (r[0], r[1:])
        for r in related["store"]
        .query("SELECT claim_id, frame_actor, frame_time, frame_polarity FROM claims")
        .rows
    )
    ids = related["ids"]
    assert frames[ids["A4"]][0] == "RUSSIA"  # "Putin is ready to negotiate ..."
    assert frames[ids["A11"]][2] == "negative"  # "Putin is unwilling to negotiate ..."
    assert all(f[2] in ("positive", "negative") and f[1] is not None for f in frames.values())


def test_a_rerun_embeds_and_judges_nothing_new(
    related: dict[str, Any], embedder: Any, default_judge: Any, nlp: Language
) -> None:
    store = related["store"]
    before = store.query("SELECT claim_id, proposition_id FROM claims ORDER BY 1").rows
    n_rel = store.query("SELECT count(*) FROM relations").rows[0][0]
    again = relate(store, question=QUESTION, judge=default_judge, embedder=embedder)
    assert (again.new_claims, again.embedded, again.judged_pairs) == (0, 0, 0)
    assert store.query("SELECT count(*) FROM relations").rows[0][0] == n_rel

    # A new document: only its claims are embedded; old claims keep their propositions.
    item = json.loads(CORPUS_SAMPLE.read_text("utf-8").splitlines()[0])
    text_file = Path(related["db"]).parent / "new.txt"
    text_file.write_text(item["text"], "utf-8")
    ingest(store, [str(text_file)])
    extract(store, nlp=nlp)
    grown = relate(store, question=QUESTION, judge=default_judge, embedder=embedder)
    assert grown.new_claims > 0 and grown.embedded <= grown.new_claims
    after = dict(store.query("SELECT claim_id, proposition_id FROM claims").rows)
    assert all(after[c] == p for c, p in before)
    n_stances = store.query("SELECT count(*) FROM stances WHERE question = ?", [QUESTION]).rows[0][
        0
    ]
    assert n_stances == grown.claims


def test_force_redoes_claims_from_documents_and_keeps_coded_statements(
    related: dict[str, Any], embedder: Any, default_judge: Any
) -> None:
    from feint.context import load_context
    from feint.context.readers import GDELT_COLUMNS

    store = related["store"]
    cols = [""] * GDELT_COLUMNS
    cols[0], cols[1], cols[6], cols[16], cols[26], cols[28] = (
        "77", "20240524", "RUSSIA", "UKRAINE", "036", "03",
    )  # fmt: skip
    gdelt = Path(related["db"]).parent / "gdelt.export.CSV"
    gdelt.write_text("\t".join(cols) + "\n", "utf-8")
    assert load_context(store, [str(gdelt)]).statements == 1
    n_docs = store.query("SELECT count(*) FROM attributions").rows[0][0]
    redone = relate(store, question=QUESTION, force=True, judge=default_judge, embedder=embedder)
    assert redone.new_claims == n_docs and redone.embedded == 0  # the cache survives --force
    kept = store.query("SELECT channel FROM claims WHERE claim_id = 'c-gdelt-77'").rows
    assert kept == [("public_official",)]

"""Admiralty grades: reliability per source, credibility per claim, each with its ids."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feint.assess.grades import ClaimFacts, credibility_of, grade, grade_store, reliability_of
from feint.store import Store


def _facts(*rows: tuple[str, str, str | None]) -> list[ClaimFacts]:
    return [ClaimFacts(cid, f"s-{key}", key, kind) for cid, key, kind in rows]


def test_independent_corroboration_raises_credibility_and_repeats_do_not() -> None:
    claims = _facts(
        ("c1", "reuters-sources", "anonymous"),
        ("c2", "bloomberg-sources", "anonymous"),
        ("c3", "relay", "media"),
        ("c4", "ft-sources", "anonymous"),
    )
    relayed_only = grade(claims, [("c1", "c3", "repeats")])
    assert relayed_only[0].credibility == 6  # five relays are one source
    once = grade(claims, [("c1", "c3", "repeats"), ("c1", "c2", "corroborates")])
    assert once[0].credibility == 2 and "c2" in once[0].rationale
    twice = grade(claims, [("c1", "c2", "corroborates"), ("c1", "c4", "corroborates")])
    assert twice[0].credibility == 1
    assert "corroborated by 2 independent source(s) (c2, c4)" in twice[0].rationale


def test_contradiction_and_inconsistency_lower_credibility() -> None:
    claims = _facts(
        ("c1", "a", "anonymous"),
        ("c2", "peskov", "named_official"),
        ("c3", "kuleba", "named_official"),
    )
    once = grade(claims, [("c1", "c2", "contradicts")])
    assert once[0].credibility == 4
    twice = grade(claims, [("c1", "c2", "contradicts"), ("c1", "c3", "contradicts")])
    assert twice[0].credibility == 5
    deeds = grade(claims, [("c1", "c2", "corroborates")], {"c1": ["ev-offensive"]})
    assert deeds[0].credibility == 3 and "ev-offensive" in deeds[0].rationale


def test_a_source_cannot_vouch_for_itself() -> None:
    claims = _facts(("c1", "peskov", "named_official"), ("c2", "peskov", "named_official"))
    assert grade(claims, [("c1", "c2", "corroborates")])[0].credibility == 6


@pytest.mark.parametrize(
    ("kind", "corroborated", "contradicted", "letter"),
    [
        ("anonymous", 9, 0, "F"),  # no identity to carry a record
        ("named_official", 1, 0, "C"),  # too little record: the prior
        ("analyst", 0, 0, "B"),
        ("named_person", 0, 1, "F"),
        ("named_official", 10, 0, "A"),
        ("named_official", 3, 1, "B"),
        ("media", 2, 2, "C"),
        ("named_official", 1, 3, "D"),
        ("named_official", 0, 4, "E"),
    ],
)
def test_reliability_from_kind_then_record(
    kind: str, corroborated: int, contradicted: int, letter: str
) -> None:
    assert reliability_of(kind, corroborated, contradicted)[0] == letter


def test_credibility_without_evidence_cannot_be_judged() -> None:
    assert credibility_of([], [], []) == (6, "no independent source corroborates or contradicts it")


def test_grade_store_writes_one_row_per_claim(store: Store) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    with store.transaction():
        store.insert_rows(
            "documents",
            ("doc_id", "source_path", "status", "ingested_at", "text"),
            [("d1", "a.txt", "ok", now, "x"), ("d2", "b.txt", "ok", now, "y")],
        )
        store.insert_rows(
            "sources",
            ("source_id", "name", "kind", "doc_id"),
            [
                ("s1", "Dmitry Peskov", "named_official", "d1"),
                ("s2", "Dmitry Peskov", "named_official", "d2"),
                ("s3", "four Russian sources", "anonymous", "d2"),
            ],
        )
        store.insert_rows(
            "attributions",
            ("attr_id", "doc_id", "source_id", "content_text"),
            [
                ("a1", "d1", "s1", "Russia is open to talks"),
                ("a2", "d2", "s2", "Russia is open to negotiations"),
                ("a3", "d2", "s3", "Putin is ready for a ceasefire"),
            ],
        )
        store.insert_rows(
            "claims",
            ("claim_id", "attr_id", "source_id", "channel"),
            [
                ("c-a1", "a1", "s1", "public_official"),
                ("c-a2", "a2", "s2", "public_official"),
                ("c-a3", "a3", "s3", "private_anonymous"),
            ],
        )
        store.insert_rows(
            "relations",
            ("claim_a", "claim_b", "kind"),
            [
                ("c-a1", "c-a2", "corroborates"),
                ("c-a2", "c-a3", "corroborates"),
            ],
        )
    assert grade_store(store) == 3
    rows = {
        r[0]: r[1:]
        for r in store.query(
            "SELECT claim_id, reliability, credibility, rationale FROM grades"
        ).rows
    }
    # Peskov quoted twice is one source across documents: no self-corroboration.
    assert rows["c-a1"][1] == 6
    assert rows["c-a2"][1] == 2 and "c-a3" in rows["c-a2"][2]
    assert rows["c-a3"][0] == "F" and rows["c-a3"][1] == 2
    assert grade_store(store) == 3  # replaces, never duplicates
    assert store.query("SELECT count(*) FROM grades").rows[0][0] == 3

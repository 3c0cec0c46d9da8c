"""Evidence rows read who speaks for which side, count a relayed report once, and
take two of the actor's own people as at odds only when they speak at about the same
time. A small store written row by row, no model."""

from __future__ import annotations

from datetime import date

from tests.conftest import write_sourced_claims

from feint.assess.evidence import WITHIN_DAYS, build_evidence
from feint.store import DocumentRow, Store

Q = "Russia is willing to negotiate a ceasefire"

# (claim, source id, channel, stance toward Q, date its text refers to, words)
_CLAIMS = [
    ("leak", "s-ru-anon", "private_anonymous", "support", date(2024, 5, 20),
     "the president is ready to freeze the front where it stands"),
    ("doubt", "s-ru-anon2", "private_anonymous", "neutral", date(2024, 5, 22),
     "the president means to take as much land as the army can hold"),
    ("rhetoric", "s-ru-official", "public_official", "oppose", date(2024, 5, 23),
     "there will be no talks until every aim of the operation is met"),
    ("old-line", "s-ru-official", "public_official", "support", date(2022, 3, 1),
     "a deal could be signed within weeks"),
    ("denial", "s-us-anon", "private_anonymous", "oppose", date(2024, 5, 24),
     "no message from Moscow has reached Washington"),
    ("wire", "s-wire", "media", "support", date(2024, 5, 20),
     "three Russian sources said the president is ready to freeze the front"),
]  # fmt: skip
_SOURCES = [
    ["s-ru-anon", "three Russian sources", "anonymous", 3, "Russian", None, "d1"],
    ["s-ru-anon2", "a Russian source", "anonymous", 1, "Russian", None, "d1"],
    ["s-ru-official", "Kremlin spokesman", "named_official", None, "Russian", None, "d1"],
    ["s-us-anon", "US officials", "anonymous_official", None, "US", None, "d1"],
    ["s-wire", "Reuters", "media", None, "Western", None, "d1"],
]


def _store(store: Store, relations: list[tuple[str, str, str]]) -> None:
    text = " ".join(words for *_, words in _CLAIMS)
    doc = DocumentRow(
        "d1", "d1.txt", "ok", outlet="example.com", title="Talks", published=date(2024, 5, 25),
        text=text,
    )  # fmt: skip
    store.add_documents([doc])
    attrs: list[list[object]] = []
    claims: list[list[object]] = []
    for claim, sid, channel, _, _, words in _CLAIMS:
        start = text.index(words)
        attrs.append([f"a-{claim}", "d1", sid, sid, 0, 1, "said", 0, 1, words, start,
                      start + len(words)])  # fmt: skip
        claims.append([claim, f"a-{claim}", sid, channel])
    with store.transaction() as con:
        write_sourced_claims(store, _SOURCES, attrs, claims, [])
        for claim, *_, when, _ in _CLAIMS:
            con.execute(
                "UPDATE attributions SET time_resolved = ? WHERE attr_id = ?", [when, f"a-{claim}"]
            )
        # The wire story carries the leak: Reuters reported what the sources said.
        con.execute("UPDATE attributions SET parent_id = 'a-wire' WHERE attr_id = 'a-leak'")
        store.insert_rows(
            "stances",
            ("question", "claim_id", "stance", "score", "method"),
            [[Q, c, st, 0.0, "test"] for c, _, _, st, _, _ in _CLAIMS],
        )
        store.insert_rows(
            "relations",
            ("claim_a", "claim_b", "kind", "score", "method"),
            [[a, b, kind, 0.9, "test"] for a, b, kind in relations],
        )


def _rows(store: Store) -> dict[str, tuple[str, ...]]:
    return {e.kind: e.refs for e in build_evidence(store, Q, "Q-t", [], [])}


def test_other_sides_words_are_not_the_actors(store: Store) -> None:
    _store(store, [])
    rows = _rows(store)
    # US officials denying any outreach speak for their side, not for Russia's.
    assert rows["claims:others:oppose"] == ("denial",)
    assert rows["claims:private_anonymous:support"] == ("leak",)
    assert rows["claims:public_official:oppose"] == ("rhetoric",)


def test_a_relay_counts_once_as_the_report_it_carries(store: Store) -> None:
    # The wire story and the leak it carries are one claim of readiness, not two;
    # a conflict the judge found with the wire story is the leak's.
    _store(store, [("wire", "rhetoric", "contradicts")])
    rows = _rows(store)
    assert "claims:media:support" not in rows
    assert rows["conflicts:private_public"] == ("leak", "rhetoric")


def test_the_actors_people_at_odds_must_speak_at_about_the_same_time(store: Store) -> None:
    assert WITHIN_DAYS == 60
    # The spokesman in March 2022 against the spokesman in May 2024: a change of line.
    _store(store, [("old-line", "rhetoric", "contradicts"), ("leak", "rhetoric", "tension")])
    rows = _rows(store)
    assert "conflicts:officials" not in rows
    assert rows["conflicts:private_public"] == ("leak", "rhetoric")


def test_two_insiders_contradicting_each_other_count_when_one_speaks_to_the_question(
    store: Store,
) -> None:
    # The judge read no stance in "means to take as much land as the army can hold",
    # yet it contradicts the leak of readiness from the same side in the same week.
    _store(store, [("leak", "doubt", "contradicts"), ("rhetoric", "denial", "tension")])
    rows = _rows(store)
    assert rows["conflicts:insiders"] == ("doubt", "leak")
    # Across sides only opposite stances count, and a mere tension never widens it.
    assert "conflicts:across" not in rows


def test_a_tension_inside_the_side_needs_opposite_stances(store: Store) -> None:
    _store(store, [("leak", "doubt", "tension")])
    assert "conflicts:insiders" not in _rows(store)

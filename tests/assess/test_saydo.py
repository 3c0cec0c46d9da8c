"""Say-do gaps: words of readiness against deeds of escalation, within a window."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from feint.assess.saydo import (
    Actor,
    Deed,
    Word,
    deed_sign,
    find_gaps,
    inconsistent_claims,
    load_deeds,
    load_words,
    saydo_store,
)
from feint.context import load_context
from feint.context.readers import GDELT_COLUMNS
from feint.store import Store

CONTEXT = Path(__file__).resolve().parents[1] / "data" / "context"
STARTER = CONTEXT / "russian-military-actions-2022-2024.csv"
STARTER_ROWS = list(csv.DictReader(io.StringIO(STARTER.read_text("utf-8"))))


@pytest.mark.parametrize(
    ("kind", "type_", "sub", "sign"),
    [
        ("action", "Battles", "Armed clash", 1),
        ("action", "Explosions/Remote violence", "Missile attack", 1),
        ("action", "Strategic developments", "Mobilization", 1),
        ("action", "Strategic developments", "Withdrawal", -1),
        ("action", "Strategic developments", "Headquarters or base established", 0),
        ("action", "CAMEO 195", None, 1),
        ("statement", "CAMEO 036", None, 0),
    ],
)
def test_deeds_are_escalation_or_deescalation(
    kind: str, type_: str, sub: str | None, sign: int
) -> None:
    assert deed_sign(kind, type_, sub) == sign


WORDS = [
    Word("c-ready", date(2024, 5, 24), "private_anonymous", "support"),
    Word("c-ready2", date(2024, 5, 28), "private_anonymous", "support"),
    Word("c-peskov", date(2024, 5, 24), "public_official", "oppose"),
    Word("c-old", date(2023, 1, 1), "media", "support"),
    Word("c-fact", date(2024, 5, 24), "media", "neutral"),
]
DEEDS = [
    Deed("ev-kharkiv", date(2024, 5, 10), "Russian armed forces", 1),
    Deed("ev-kherson", date(2022, 11, 9), "Russian armed forces", -1),
]


def test_readiness_reported_during_an_offensive_is_a_gap() -> None:
    gaps = find_gaps(WORDS, DEEDS, window_days=14)
    assert len(gaps) == 1
    g = gaps[0]
    assert (g.actor, g.channel, g.period, g.direction) == (
        "Russian armed forces",
        "private_anonymous",
        "2024-05",
        "talks_while_escalating",
    )
    assert g.claim_ids == ("c-ready",)  # c-ready2 is 18 days on: outside the window
    assert (g.event_ids, g.lag_days) == (("ev-kharkiv",), -14)
    assert inconsistent_claims(gaps) == {"c-ready": ["ev-kharkiv"]}


def test_the_window_decides_and_refusal_meets_withdrawal() -> None:
    wide = find_gaps(WORDS, DEEDS, window_days=30)
    assert {c for g in wide for c in g.claim_ids} == {"c-ready", "c-ready2"}
    refusal = find_gaps([Word("c-no", date(2022, 11, 12), "public_official", "oppose")], DEEDS, 7)
    assert [(g.direction, g.lag_days) for g in refusal] == [("refusal_while_deescalating", -3)]
    assert find_gaps(WORDS, DEEDS, window_days=3) == []


@pytest.mark.parametrize(
    ("question", "override", "theirs", "not_theirs"),
    [
        ("Putin is willing to negotiate a ceasefire", "", ["Russian armed forces",
         "Russian government", "KREMLIN", "VLADIMIR PUTIN"], ["Ukrainian armed forces",
         "Wagner Group", "UKRAINE", None]),
        ("The Kremlin seeks a truce with Kyiv", "", ["RUSSIA"], ["Military Forces of Ukraine"]),
        ("Kyiv is ready for talks with Moscow", "", ["Ukrainian armed forces"],
         ["Russian armed forces"]),
        ("Will they give us a ceasefire?", "", [], ["US", "Russian armed forces"]),
        ("Will they give us a ceasefire?", "Moscow", ["Russian government"], ["US"]),
        ("Russia wants a deal", "Russia, Wagner Group", ["Wagner Group", "MOSCOW"],
         ["Ukrainian armed forces", "Wagner"]),
        ("The US will press Kyiv to accept a truce", "", ["UNITED STATES", "US government"],
         ["RUSSIA", "UNITED KINGDOM"]),
    ],
)  # fmt: skip
def test_the_actor_comes_from_the_question_or_the_option(
    question: str, override: str, theirs: list[str], not_theirs: list[str | None]
) -> None:
    actor = Actor.of(question, override)
    assert all(actor.matches(a) for a in theirs), actor
    assert not any(actor.matches(a) for a in not_theirs), actor


def _gdelt_statement(event_id: str, day: str, actor: str, target: str) -> str:
    """A GDELT 2.0 row coding ``actor``'s intent to negotiate (CAMEO 036)."""
    cols = [""] * GDELT_COLUMNS
    cols[0], cols[1], cols[6], cols[16] = event_id, day.replace("-", ""), actor, target
    cols[26], cols[27], cols[28] = "036", "036", "03"
    return "\t".join(cols)


def test_other_actors_deeds_and_statements_make_no_gap(store: Store, tmp_path: Path) -> None:
    # The starter events, beside one deed and one coded statement by Ukraine.
    kursk = tmp_path / "ukraine.csv"
    kursk.write_text(
        "event_date,actor1,event_type,sub_event_type,location,notes\n"
        "2024-08-06,Ukrainian armed forces,Battles,Armed clash,Sudzha,"
        "Ukrainian forces cross into Russia's Kursk region\n",
        "utf-8",
    )
    gdelt = tmp_path / "20240812.export.CSV"
    gdelt.write_text(
        _gdelt_statement("2001", "2024-05-15", "RUSSIA", "UKRAINE") + "\n"
        + _gdelt_statement("2002", "2024-08-10", "RUSSIA", "UKRAINE") + "\n"
        + _gdelt_statement("2003", "2024-08-12", "UKRAINE", "RUSSIA") + "\n",
        "utf-8",
    )  # fmt: skip
    report = load_context(store, [str(STARTER), str(kursk), str(gdelt)])
    assert (report.events, report.statements, report.rejected) == (len(STARTER_ROWS) + 1, 3, [])
    russia = Actor.of("Russia is willing to negotiate a ceasefire")
    deeds = load_deeds(store, russia)
    # Every starter deed but Wagner's is Russia's; the Kursk crossing is not.
    assert {d.actor for d in deeds} == {"Russian armed forces", "Russian government"}
    assert len(deeds) == sum(
        r["actor1"].startswith("Russian")
        and deed_sign("action", r["event_type"], r["sub_event_type"]) != 0
        for r in STARTER_ROWS
    )
    words = load_words(store, "Russia is willing to negotiate a ceasefire", russia)
    assert sorted(w.claim_id for w in words) == ["c-gdelt-2001", "c-gdelt-2002"]

    gaps = saydo_store(store, "Russia is willing to negotiate a ceasefire", 14)
    # Russia's word of 15 May meets its own Kharkiv offensive (10 May) ...
    assert [(g.actor, g.period, g.claim_ids, g.lag_days) for g in gaps] == [
        ("Russian armed forces", "2024-05", ("c-gdelt-2001",), -5)
    ]
    # ... but its word of 10 August is no gap for Ukraine's Kursk crossing of the 6th.
    # Asked about Ukraine, the crossing and Ukraine's own word of the 12th are a gap.
    gaps = saydo_store(store, "Ukraine is willing to negotiate a ceasefire", 14)
    assert [(g.actor, g.period, g.claim_ids, g.lag_days) for g in gaps] == [
        ("Ukrainian armed forces", "2024-08", ("c-gdelt-2003",), -6)
    ]
    # The option names the actor over the question.
    gaps = saydo_store(store, "Ukraine is willing to negotiate a ceasefire", 14, "Kremlin")
    assert [g.claim_ids for g in gaps] == [("c-gdelt-2001",)]
    rows = store.query("SELECT question, actor FROM saydo ORDER BY question").rows
    assert rows == [
        ("Russia is willing to negotiate a ceasefire", "Russian armed forces"),
        ("Ukraine is willing to negotiate a ceasefire", "Russian armed forces"),
    ]

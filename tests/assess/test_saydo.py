"""Say-do gaps: words of readiness against deeds of escalation, within a window."""

from __future__ import annotations

from datetime import date

import pytest

from feint.assess.saydo import Deed, Word, deed_sign, find_gaps, inconsistent_claims


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

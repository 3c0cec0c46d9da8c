"""Entailment judges: the rules judge's behaviour, the registry, clear failures."""

from __future__ import annotations

import pytest

from feint.errors import ModelNotFoundError, UsageError
from feint.relate.judges.judge import get_judge, judge

CASES = [
    ("Putin is ready to negotiate a ceasefire.", "Putin is unwilling to negotiate a ceasefire.",
     "contradiction", "ready vs unwilling"),
    ("Putin is ready to negotiate a ceasefire.", "Putin is not ready to negotiate a ceasefire.",
     "contradiction", "negation"),
    ("Peskov denied that talks were taking place.",
     "Peskov confirmed that talks were taking place.", "contradiction", "deny vs confirm"),
    ("Moscow remains open to talks with Kyiv.", "Moscow has closed the door to talks with Kyiv.",
     "contradiction", "open vs closed"),
    ("Kremlin officials claimed that Russia was open to negotiations.",
     "Russia was open to negotiations.", "entailment", "states"),
    ("The Kremlin is open to talks.", "Russia launched a new offensive in Kharkiv.",
     "neutral", "no clash"),
]  # fmt: skip


@pytest.mark.parametrize(("premise", "hypothesis", "label", "why"), CASES)
def test_rules_judge(premise: str, hypothesis: str, label: str, why: str) -> None:
    verdict = judge(get_judge("rules"), premise, hypothesis)
    assert verdict.label == label
    assert why in verdict.explanation
    assert abs(sum(verdict.scores.values()) - 1.0) < 1e-9


def test_unknown_judges_and_missing_models_say_what_to_do() -> None:
    with pytest.raises(UsageError, match="rules, feint-nli"):
        get_judge("nope")
    with pytest.raises(UsageError, match="PATH_OR_NAME"):
        get_judge("cross-encoder")
    # Offline, a hub name that is not cached (or a missing library) fails clearly.
    with pytest.raises(ModelNotFoundError, match=r"cross-encoder|sentence-transformers"):
        get_judge("cross-encoder:someone/no-such-nli-model")

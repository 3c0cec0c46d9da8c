"""Stance: one function for the proposition, the question and the evaluation."""

from __future__ import annotations

from collections.abc import Sequence

from feint.relate.frames import Frame
from feint.relate.judges.judge import NliVerdict
from feint.relate.stance import judge_stances


class _Counting:
    """A judge that leans each premise a set way, and counts what it reads."""

    name = "counting"

    def __init__(self, lean: dict[str, float]) -> None:
        self.lean = lean
        self.read: list[tuple[str, str]] = []

    def judge_many(self, pairs: Sequence[tuple[str, str]]) -> list[NliVerdict]:
        self.read += pairs
        out = []
        for premise, _ in pairs:
            e = self.lean[premise]
            out.append(NliVerdict({"entailment": e, "neutral": 0.1, "contradiction": 0.9 - e}))
        return out


def _frame(actor: str | None) -> Frame:
    return Frame(actor, actor, None, "positive")


def test_a_claim_about_another_actor_is_neutral_and_not_judged() -> None:
    q = "Russia is willing to negotiate"
    judge = _Counting({"Moscow is open to talks": 0.85, "Kyiv is open to talks": 0.85})
    taken = judge_stances(
        [("Moscow is open to talks", q), ("Kyiv is open to talks", q)],
        [(_frame("RUSSIA"), _frame("RUSSIA")), (_frame("UKRAINE"), _frame("RUSSIA"))],
        judge,
        0.15,
    )
    assert [t.stance for t in taken] == ["support", "neutral"]
    assert taken[1].score == 0.0 and "UKRAINE" in taken[1].why
    assert judge.read == [("Moscow is open to talks", q)]


def test_the_threshold_sets_support_oppose_and_neutral() -> None:
    lean = {"a": 0.8, "b": 0.1, "c": 0.46}  # scores 0.7, -0.7, 0.02
    taken = judge_stances(
        [(p, "Q") for p in lean], [(_frame(None), _frame("X"))] * 3, _Counting(lean), 0.15
    )
    assert [t.stance for t in taken] == ["support", "oppose", "neutral"]

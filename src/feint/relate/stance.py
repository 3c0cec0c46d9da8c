"""Stance: where a claim stands toward a proposition (support, oppose, neutral).

One function for every stance feint takes (toward a claim's proposition, toward
the user's question, and in ``feint eval semantics``), so that what is measured is
what relate does:

- a claim whose frame names another actor than the proposition's is neutral toward
  it, and the judge is not asked (frames.py);
- otherwise the score is the judge's P(entailment) - P(contradiction), claim as
  premise: support at ``threshold`` or more, oppose at minus that or less.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from feint.relate.frames import Frame, same_actor
from feint.relate.judges.judge import Judge, NliVerdict


class Stance(NamedTuple):
    """A claim's stance toward one proposition."""

    stance: str  # support | oppose | neutral
    score: float  # P(entailment) - P(contradiction); 0 when not judged
    confidence: float  # the judge's largest probability; 1 when not judged
    why: str


def stance_of(verdict: NliVerdict, threshold: float) -> tuple[str, float]:
    """(support | oppose | neutral, P(entailment) - P(contradiction))."""
    score = verdict.scores["entailment"] - verdict.scores["contradiction"]
    if score >= threshold:
        return "support", score
    if score <= -threshold:
        return "oppose", score
    return "neutral", score


def judge_stances(
    pairs: Sequence[tuple[str, str]],
    frames: Sequence[tuple[Frame, Frame]],
    judge: Judge,
    threshold: float,
    progress: Callable[[int, int], None] | None = None,
    batch: int = 512,
) -> list[Stance]:
    """The stance of each (claim, proposition) pair, in order.

    Args:
        pairs: (claim statement, proposition) texts.
        frames: (claim frame, proposition frame) of each pair.
        judge: the entailment judge.
        threshold: least |score| for support or oppose.
        progress: called as (done, total) over the pairs the judge reads.
    """
    out: list[Stance | None] = [None] * len(pairs)
    todo = []
    for n, (claim, about) in enumerate(frames):
        if same_actor(claim, about):
            todo.append(n)
        else:
            who = claim.actor_text or claim.actor
            out[n] = Stance("neutral", 0.0, 1.0, f"about {who}, not the proposition's actor")
    for start in range(0, len(todo), batch):
        part = todo[start : start + batch]
        for n, v in zip(part, judge.judge_many([pairs[n] for n in part]), strict=True):
            st, sc = stance_of(v, threshold)
            out[n] = Stance(st, sc, max(v.scores.values()), v.explanation)
        if progress is not None:
            progress(min(start + batch, len(todo)), len(todo))
    return [s for s in out if s is not None]

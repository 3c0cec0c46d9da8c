"""Relations between claims: contradicts, tension, corroborates, repeats.

Candidate pairs are each claim's k nearest neighbours above a least similarity,
so judged pairs grow as n·k. Each pair is first checked for a common origin; a
pair with one is a ``repeats`` row and is not judged, because a report relayed by
several outlets is one report, never corroboration of itself. Other pairs are
judged in both directions:

- ``contradicts``: the judge's verdict is contradiction in either direction;
- ``corroborates``: entailment in both directions, from independent origins;
- ``tension``: no direct contradiction, but the two claims take opposite stances
  (support against oppose) toward a proposition they share, or toward the user's
  question. "Putin has expressed interest in a ceasefire" against "there was no
  official Russian outreach" is a tension: both can be true, yet they pull apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from feint.relate.claims import Claim
from feint.relate.judge import Judge, Judgement

KINDS: Final = ("contradicts", "tension", "corroborates", "repeats")
NEAR_DUPLICATE: Final = 0.95
SAME_SPEAKER: Final = 0.80
_WORD: Final = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Relation:
    """One row of ``relations``."""

    claim_a: str
    claim_b: str
    kind: str
    score: float
    method: str
    explanation: str


def candidate_pairs(
    neighbours: np.ndarray, sims: np.ndarray, min_similarity: float, rows: set[int] | None = None
) -> list[tuple[int, int, float]]:
    """Unordered pairs (i < j, similarity) from a kNN graph, each once.

    With ``rows``, only pairs that touch one of those rows (the new claims).
    """
    seen: dict[tuple[int, int], float] = {}
    for i in range(len(neighbours)):
        for j, s in zip(neighbours[i], sims[i], strict=True):
            j = int(j)
            if s < min_similarity or j == i:
                continue
            if rows is not None and i not in rows and j not in rows:
                continue
            key = (i, j) if i < j else (j, i)
            seen[key] = float(s)
    return [(i, j, s) for (i, j), s in sorted(seen.items())]


def common_origin(a: Claim, b: Claim, similarity: float) -> str | None:
    """Why two claims trace back to one origin, or None if they look independent."""
    if a.parent_attr == b.attr_id or b.parent_attr == a.attr_id:
        return "one report relays the other (nested attribution)"
    # One speaker (or the same unnamed sources) saying the same thing again, or the
    # same statement relayed by several outlets. The same speaker saying different
    # things is two claims, and "a Russian source" in two stories may be two people,
    # so the content must match too.
    same_source = bool(_norm(a.source_name)) and _norm(a.source_name) == _norm(b.source_name)
    if same_source and similarity >= SAME_SPEAKER:
        where = "in one document" if a.doc_id == b.doc_id else "relayed more than once"
        return f"one source ({a.source_name}) saying the same, {where}"
    if a.conduit and _norm(a.conduit) == _norm(b.conduit or "") and similarity >= 0.85:
        return f"the same conduit ({a.conduit}) with the same content"
    if a.doc_id != b.doc_id and similarity >= NEAR_DUPLICATE:
        return f"near-duplicate text across documents (cosine {similarity:.2f})"
    return None


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


StanceOf = Callable[[int], list[tuple[str, str, float]]]
"""For a claim row: (what, stance, score) toward each proposition it can be set against."""


def relate_pairs(
    claims: Sequence[Claim],
    pairs: Sequence[tuple[int, int, float]],
    judge: Judge,
    stances: StanceOf,
    *,
    progress: Callable[[int, int], None] | None = None,
    batch: int = 512,
) -> tuple[list[Relation], int]:
    """Relations among candidate pairs, and how many pairs were judged.

    Pairs that are none of the kinds give no row; neither do pairs of a common
    origin's claims aside (``repeats``) where a claim states nothing
    (``Claim.states_something``): a topic cannot contradict or corroborate.
    """
    out: list[Relation] = []
    to_judge: list[tuple[int, int, float]] = []
    for i, j, s in pairs:
        why = common_origin(claims[i], claims[j], s)
        if why:
            out.append(
                Relation(claims[i].claim_id, claims[j].claim_id, "repeats", s, "origin", why)
            )
        elif claims[i].states_something and claims[j].states_something:
            to_judge.append((i, j, s))
    # Pairs of similar length share a batch, so that little of it is padding (1.5x
    # faster with feint-nli); rows come out in the same order whatever the batches.
    to_judge.sort(key=lambda p: len(claims[p[0]].statement) + len(claims[p[1]].statement))
    for start in range(0, len(to_judge), batch):
        part = to_judge[start : start + batch]
        texts = []
        for i, j, _ in part:
            texts += [
                (claims[i].statement, claims[j].statement),
                (claims[j].statement, claims[i].statement),
            ]
        verdicts = judge.judge_many(texts)
        for n, (i, j, s) in enumerate(part):
            rel = _decide(
                claims[i],
                claims[j],
                verdicts[2 * n],
                verdicts[2 * n + 1],
                judge.name,
                stances(i),
                stances(j),
                s,
            )
            if rel:
                out.append(rel)
        if progress:
            progress(min(start + batch, len(to_judge)), len(to_judge))
    return out, len(to_judge)


def _decide(
    a: Claim,
    b: Claim,
    ab: Judgement,
    ba: Judgement,
    method: str,
    stance_a: list[tuple[str, str, float]],
    stance_b: list[tuple[str, str, float]],
    similarity: float,
) -> Relation | None:
    if "contradiction" in (ab.label, ba.label):
        v = ab if ab.scores["contradiction"] >= ba.scores["contradiction"] else ba
        return Relation(
            a.claim_id,
            b.claim_id,
            "contradicts",
            v.scores["contradiction"],
            method,
            _one_line(v.explanation),
        )
    if ab.label == ba.label == "entailment":
        score = min(ab.scores["entailment"], ba.scores["entailment"])
        return Relation(
            a.claim_id,
            b.claim_id,
            "corroborates",
            score,
            method,
            f"each states the other, from independent origins ({a.source_name}; {b.source_name})",
        )
    return _tension(a, b, method, stance_a, stance_b)


def _tension(
    a: Claim,
    b: Claim,
    method: str,
    stance_a: list[tuple[str, str, float]],
    stance_b: list[tuple[str, str, float]],
) -> Relation | None:
    """Tension on the first proposition (in ``stance_a``'s order) the two take
    opposite stances toward, or None."""
    b_of = {what: (st, sc) for what, st, sc in stance_b}
    for what, st, sc in stance_a:
        other = b_of.get(what)
        if other and {st, other[0]} == {"support", "oppose"}:
            score = min(abs(sc), abs(other[1]))
            side = "supports" if st == "support" else "opposes"
            return Relation(
                a.claim_id,
                b.claim_id,
                "tension",
                score,
                f"{method} stance",
                f"A {side} {what!r}, B the opposite",
            )
    return None


def tension_pairs(
    claims: Sequence[Claim],
    pairs: Sequence[tuple[int, int]],
    method: str,
    stances: StanceOf,
) -> list[Relation]:
    """Tension rows among pairs the judge found neither contradicting nor
    corroborating (``open_pairs``), from the claims' stances alone: no judge call.

    For a later run whose stances moved (a question asked, a proposition relabelled)
    while the pairs' verdicts did not.

    Args:
        claims: the claims the pair rows index.
        pairs: (i, j) rows of judged pairs, i < j.
        method: the judge that took the stances (the rows' method is "<it> stance").
        stances: (what, stance, score) for a row, in the order to prefer.
    """
    out = []
    for i, j in pairs:
        rel = _tension(claims[i], claims[j], method, stances(i), stances(j))
        if rel:
            out.append(rel)
    return out


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]

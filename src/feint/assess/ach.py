"""Analysis of Competing Hypotheses (Heuer), scored as PARC ACH scores it.

Hypotheses come from a file or from the template for questions about stated
intent: the statement is genuine; it is a feint to sway the audience's decisions
(always present: ACH without a deception hypothesis is not ACH); the leadership is
divided; it is a tactical pause to regroup.

Each evidence row is rated against each hypothesis: CC (very consistent), C, N
(neutral), I (inconsistent), II (very inconsistent) or NA. Ratings are proposed by
rules (what each kind of evidence means for each role of hypothesis, below) and,
where the rules have nothing to say (a user's own hypotheses), by the entailment
judge; an analyst's rating overrides both and survives re-runs.

Scores follow PARC ACH: a hypothesis's inconsistency score is the sum over
evidence of I = -1 and II = -2 times the row's weight, credibility x relevance,
each low 1/sqrt 2, medium 1, high sqrt 2. The least inconsistent hypothesis ranks
first. A row's diagnosticity is the spread of its ratings across hypotheses (CC = 2
... II = -2): 0 means it fits every hypothesis alike and cannot tell them apart.
Sensitivity: the rows whose removal, or whose ratings flipped (C <-> I, CC <-> II),
would change which hypothesis ranks first.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Final


class Rating(StrEnum):
    """How one evidence row fits one hypothesis, on PARC ACH's scale (Heuer 1999)."""

    VERY_CONSISTENT = "CC"
    CONSISTENT = "C"
    NEUTRAL = "N"
    INCONSISTENT = "I"
    VERY_INCONSISTENT = "II"
    NOT_APPLICABLE = "NA"


RATINGS: Final[tuple[str, ...]] = tuple(r.value for r in Rating)
"""The ratings from most to least consistent, then NA (the stored values)."""
_NA: Final = Rating.NOT_APPLICABLE.value
_VALUE: Final[dict[str, int]] = {
    Rating.VERY_CONSISTENT: 2,
    Rating.CONSISTENT: 1,
    Rating.NEUTRAL: 0,
    Rating.INCONSISTENT: -1,
    Rating.VERY_INCONSISTENT: -2,
}
_INCONSISTENCY: Final[dict[str, float]] = {
    Rating.INCONSISTENT: -1.0,
    Rating.VERY_INCONSISTENT: -2.0,
}
WEIGHT: Final = {"low": 1 / math.sqrt(2), "medium": 1.0, "high": math.sqrt(2)}
_FLIP: Final[dict[str, str]] = {  # C <-> I, CC <-> II; N and NA stay
    Rating.VERY_CONSISTENT: Rating.VERY_INCONSISTENT,
    Rating.CONSISTENT: Rating.INCONSISTENT,
    Rating.NEUTRAL: Rating.NEUTRAL,
    Rating.INCONSISTENT: Rating.CONSISTENT,
    Rating.VERY_INCONSISTENT: Rating.VERY_CONSISTENT,
    Rating.NOT_APPLICABLE: Rating.NOT_APPLICABLE,
}


def question_id(question: str) -> str:
    """A short id for a question, prefixed to its hypotheses, evidence and timing rows."""
    return "Q-" + hashlib.sha256(question.encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True, slots=True)
class Hypothesis:
    """One hypothesis; ``role`` lets the rules rate it (genuine, deception, divided,
    pause, or other)."""

    hypothesis_id: str
    label: str
    role: str = "other"

    @property
    def is_deception(self) -> bool:
        """Is this the deception hypothesis?"""
        return self.role == "deception"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One evidence row with what it rests on (claim, event, decision ids)."""

    evidence_id: str
    description: str
    kind: str
    credibility: str  # low | medium | high
    relevance: str  # low | medium | high
    refs: tuple[str, ...]

    @property
    def weight(self) -> float:
        """Credibility times relevance, as PARC ACH weighs a row."""
        return WEIGHT[self.credibility] * WEIGHT[self.relevance]


def template(question: str) -> list[Hypothesis]:
    """The built-in hypotheses for a question about stated intent."""
    q = question.rstrip(".")
    return [
        Hypothesis("H1", f"{q}, as the statements say", "genuine"),
        Hypothesis(
            "H2",
            "the statements are a feint, meant to sway the audience's decisions rather than "
            "to announce a real intent",
            "deception",
        ),
        Hypothesis(
            "H3",
            "the leadership is divided: some in power want a settlement, others do not",
            "divided",
        ),
        Hypothesis(
            "H4", "the actor wants a tactical pause to regroup and rearm, not a settlement", "pause"
        ),
    ]


# What each kind of evidence means for each role of hypothesis. The reasoning is
# the reference assessment's: private readiness fits every hypothesis (a feint
# produces it too), official rhetoric against talks and escalation during the
# reported readiness tell against genuine intent, readiness that surges just before
# the audience decides points to a feint, conflicting insiders to division, and
# readiness that independent sources confirm (credibility 1-2) to genuine intent.
ROLES: Final = ("genuine", "deception", "divided", "pause")
_RULES: Final[dict[str, tuple[str, str, str, str]]] = {
    #                                    genuine deception divided pause
    "claims:private_anonymous:support": ("C", "C", "C", "C"),
    "claims:public_official:support": ("C", "C", "C", "C"),
    "claims:media:support": ("C", "C", "N", "N"),
    # Analysts read the same reporting the audience does: their view that the actor
    # is ready tells for it, but a feint is made to be believed, so it rules none out.
    "claims:analyst:support": ("C", "N", "N", "N"),
    "claims:private_anonymous:oppose": ("I", "N", "C", "N"),
    "claims:public_official:oppose": ("I", "C", "C", "C"),
    "claims:media:oppose": ("I", "N", "N", "N"),
    "claims:analyst:oppose": ("I", "C", "N", "C"),
    # Other sides on the actor's intent: their word that it is ready (the audience a
    # feint works on repeats it), or their denial that it reached out at all.
    "claims:others:support": ("C", "C", "N", "C"),
    "claims:others:oppose": ("I", "C", "N", "N"),
    # Conflicts over the question, by who disagrees (the reference assessment reads
    # insiders contradicting each other, and private readiness against public
    # rhetoric, as signs of a feint; officials openly at odds as division; sides
    # disagreeing with each other as nothing about either hypothesis).
    "conflicts:insiders": ("I", "C", "C", "N"),
    "conflicts:private_public": ("I", "CC", "C", "C"),
    "conflicts:officials": ("N", "C", "CC", "N"),
    "conflicts:across": ("N", "N", "N", "N"),
    # Conflicts whose sides are unknown (stores assessed before the split, rows an
    # analyst adds): read as before.
    "contradictions": ("I", "C", "CC", "N"),
    # An actor that needs a pause to regroup does not open new offensives while it
    # talks of talks: escalation during reported readiness tells against the pause.
    "saydo:talks_while_escalating": ("II", "C", "C", "I"),
    "saydo:refusal_while_deescalating": ("C", "I", "C", "C"),
    # Readiness claims that surge before the audience's decisions are coordinated,
    # which sits badly with a leadership split on the question.
    "timing:significant": ("I", "CC", "I", "N"),
    # A test that finds no link does not show there is none: it tells nothing apart.
    "timing:not_significant": ("N", "N", "N", "N"),
    "timing:too_few": ("NA", "NA", "NA", "NA"),
    # Readiness that independent sources on the record confirm, or that they refute.
    "corroborated:support": ("CC", "I", "N", "C"),
    "discredited:support": ("I", "C", "N", "N"),
}


def rule_rating(evidence: Evidence, hypothesis: Hypothesis) -> str | None:
    """The rules' rating, or None where they have none (other roles, other kinds)."""
    row = _RULES.get(evidence.kind)
    if row is None or hypothesis.role not in ROLES:
        return None
    return row[ROLES.index(hypothesis.role)]


def judge_rating(entailment: float, contradiction: float) -> str:
    """A rating from a judge's probabilities (evidence as premise, hypothesis as
    hypothesis): strong entailment CC, entailment C, strong contradiction II, ..."""
    if entailment >= max(contradiction, 0.5):
        return (Rating.VERY_CONSISTENT if entailment >= 0.8 else Rating.CONSISTENT).value
    if contradiction >= max(entailment, 0.5):
        return (Rating.VERY_INCONSISTENT if contradiction >= 0.8 else Rating.INCONSISTENT).value
    return Rating.NEUTRAL.value


Matrix = Mapping[tuple[str, str], str]
"""(hypothesis_id, evidence_id) -> rating."""


def scores(
    hypotheses: Sequence[Hypothesis], evidence: Sequence[Evidence], m: Matrix
) -> dict[str, float]:
    """Weighted inconsistency per hypothesis (0 is best; more negative is worse)."""
    return {
        h.hypothesis_id: sum(
            _INCONSISTENCY.get(m.get((h.hypothesis_id, e.evidence_id), _NA), 0.0) * e.weight
            for e in evidence
        )
        for h in hypotheses
    }


def consistency(
    hypotheses: Sequence[Hypothesis], evidence: Sequence[Evidence], m: Matrix
) -> dict[str, float]:
    """Weighted consistency per hypothesis (C = 1, CC = 2): only to break ties."""
    return {
        h.hypothesis_id: sum(
            max(_VALUE.get(m.get((h.hypothesis_id, e.evidence_id), _NA), 0), 0) * e.weight
            for e in evidence
        )
        for h in hypotheses
    }


def ranking(hypotheses: Sequence[Hypothesis], evidence: Sequence[Evidence], m: Matrix) -> list[str]:
    """Hypothesis ids, least inconsistent first.

    Heuer ranks by inconsistency alone; equal scores are common with few rows, and
    are broken by weighted consistency, then by the hypotheses' order.
    """
    s = scores(hypotheses, evidence, m)
    c = consistency(hypotheses, evidence, m)
    order = {h.hypothesis_id: n for n, h in enumerate(hypotheses)}
    return sorted(s, key=lambda h: (-round(s[h], 9), -round(c[h], 9), order[h]))


def diagnosticity(hypotheses: Sequence[Hypothesis], e: Evidence, m: Matrix) -> int:
    """Spread of a row's ratings across hypotheses (NA rows left out): 0 to 4."""
    values = [
        _VALUE[r]
        for h in hypotheses
        if (r := m.get((h.hypothesis_id, e.evidence_id), _NA)) in _VALUE
    ]
    return max(values) - min(values) if values else 0


def sensitivity(
    hypotheses: Sequence[Hypothesis], evidence: Sequence[Evidence], m: Matrix
) -> dict[str, list[str]]:
    """Evidence id -> how it could change the top hypothesis: ["removed"], ["flipped"]."""
    top = ranking(hypotheses, evidence, m)[0]
    out: dict[str, list[str]] = {}
    for e in evidence:
        why = []
        rest = [x for x in evidence if x.evidence_id != e.evidence_id]
        if rest and ranking(hypotheses, rest, m)[0] != top:
            why.append("removed")
        flipped = dict(m)
        for h in hypotheses:
            key = (h.hypothesis_id, e.evidence_id)
            flipped[key] = _FLIP[m.get(key, _NA)]
        if ranking(hypotheses, evidence, flipped)[0] != top:
            why.append("flipped")
        if why:
            out[e.evidence_id] = why
    return out


LAMBDA: Final = 0.5
"""Log-odds per weighted point of inconsistency in ``probabilities``."""


def probabilities(
    hypotheses: Sequence[Hypothesis], evidence: Sequence[Evidence], m: Matrix
) -> dict[str, float]:
    """The inconsistency scores read as odds: p(h) proportional to exp(LAMBDA x
    score(h)), the score ``scores`` gives and ``ranking`` ranks by (0 is best).

    One monotone rule: a hypothesis with a higher (less inconsistent) score never
    gets a lower probability, hypotheses with equal scores share equally (an all-N
    matrix gives each the same), and each weighted point of inconsistency (an I on a
    row of weight 1) halves a hypothesis's odds against another, roughly (e^-0.5).
    Consistency only breaks ties in the ranking, as in Heuer's ACH, so it moves no
    probability. This is a reading of the matrix, not a fitted likelihood model: the
    judgement's confidence says how far to trust it.
    """
    raw = {h: LAMBDA * s for h, s in scores(hypotheses, evidence, m).items()}
    top = max(raw.values())
    z = {h: math.exp(v - top) for h, v in raw.items()}
    total = sum(z.values())
    return {h: v / total for h, v in z.items()}


def with_evidence(evidence: Sequence[Evidence], *rows: Evidence) -> list[Evidence]:
    """``evidence`` with ``rows`` added or replacing rows of the same id."""
    ids = {r.evidence_id for r in rows}
    return [e for e in evidence if e.evidence_id not in ids] + list(rows)


def reweigh(e: Evidence, credibility: str | None = None, relevance: str | None = None) -> Evidence:
    """A copy of a row with another credibility or relevance."""
    return replace(e, credibility=credibility or e.credibility, relevance=relevance or e.relevance)

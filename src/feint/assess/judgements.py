"""Key judgements in ICD 203 estimative language, with confidence said apart.

ICD 203 (2015) ties each expression of likelihood to a band of probability. The
judgement sentence gives the band; confidence (low, moderate, high) and its reasons
go in a separate sentence, never the same one, because likelihood and confidence
answer different questions: how probable, and how sure of that estimate.

``key_judgements`` draws them from a scored ACH matrix: which rows each rests on,
how sensitive it is to them, and how far an extreme band is held in. It reads the
matrix through ``ach``'s pure rules only; the matrix's storage is ``matrix``'s,
named here for its type alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from feint.assess import ach
from feint.assess.ach import Evidence, Hypothesis

if TYPE_CHECKING:  # the type only: matrix imports this module to conclude
    from feint.assess.matrix import AssessReport


class Band(StrEnum):
    """An ICD 203 expression of likelihood, least likely first (the stored ``band``)."""

    ALMOST_NO_CHANCE = "almost no chance"
    VERY_UNLIKELY = "very unlikely"
    UNLIKELY = "unlikely"
    ROUGHLY_EVEN_CHANCE = "roughly even chance"
    LIKELY = "likely"
    VERY_LIKELY = "very likely"
    ALMOST_CERTAIN = "almost certain"


BANDS: Final[tuple[tuple[str, float, float], ...]] = (
    (Band.ALMOST_NO_CHANCE.value, 0.01, 0.05),
    (Band.VERY_UNLIKELY.value, 0.05, 0.20),
    (Band.UNLIKELY.value, 0.20, 0.45),
    (Band.ROUGHLY_EVEN_CHANCE.value, 0.45, 0.55),
    (Band.LIKELY.value, 0.55, 0.80),
    (Band.VERY_LIKELY.value, 0.80, 0.95),
    (Band.ALMOST_CERTAIN.value, 0.95, 0.99),
)
"""(words, low, high): ICD 203's seven bands (1-5 % ... 95-99 %)."""


@dataclass(frozen=True, slots=True)
class Judgement:
    """One row of ``judgements``."""

    judgement_id: str
    question: str
    text: str
    band: str
    probability_low: float
    probability_high: float
    confidence: str
    confidence_text: str
    evidence_ids: tuple[str, ...]


def band_of(p: float) -> tuple[str, float, float]:
    """The ICD 203 band holding probability ``p``."""
    for words, low, high in BANDS[:-1]:
        if p < high:
            return words, low, high
    return BANDS[-1]


MIN_ROWS_FOR_EXTREMES: Final = 3
"""Independent, credible evidence rows an extreme band (almost no chance, almost
certain) needs: rows that tell this hypothesis from another, of medium or high
credibility, resting on claims, events or decisions no other counted row rests on.
Three sources that agree independently are the least a careful analyst would call
near-certainty on; with fewer the estimate is held at the next band in."""
_EXTREMES: Final = (Band.ALMOST_NO_CHANCE, Band.ALMOST_CERTAIN)

# How each band reads after "We assess that": "it is almost no chance that" is not
# English.
_PHRASES: Final[dict[str, str]] = {
    Band.ALMOST_NO_CHANCE: "there is almost no chance",
    Band.VERY_UNLIKELY: "it is very unlikely",
    Band.UNLIKELY: "it is unlikely",
    Band.ROUGHLY_EVEN_CHANCE: "there is a roughly even chance",
    Band.LIKELY: "it is likely",
    Band.VERY_LIKELY: "it is very likely",
    Band.ALMOST_CERTAIN: "it is almost certain",
}


def temper(p: float, independent_rows: int) -> tuple[float, str | None]:
    """``p`` held out of the extreme bands when fewer than ``MIN_ROWS_FOR_EXTREMES``
    independent, credible rows bear on it, and why (None when it stands)."""
    words = band_of(p)[0]
    if independent_rows >= MIN_ROWS_FOR_EXTREMES or words not in _EXTREMES:
        return p, None
    held = BANDS[0][2] if words == Band.ALMOST_NO_CHANCE else BANDS[-1][1] - 1e-9
    return held, (
        f"the estimate is held at {band_of(held)[0]!r} rather than {words!r} because only "
        f"{independent_rows} independent, credible evidence row(s) bear on it (the extremes "
        f"need {MIN_ROWS_FOR_EXTREMES})"
    )


def confidence_of(
    n_diagnostic: int,
    sensitive: Mapping[str, Sequence[str]],
    high_credibility_share: float,
    about: str = "the leading hypothesis",
    held: str | None = None,
) -> tuple[str, str]:
    """(level, the reasons as one sentence).

    Args:
        n_diagnostic: rows that tell this judgement's hypothesis from another.
        sensitive: row id -> how it would change the judgement (["removed"], ...).
        high_credibility_share: the share of those rows of high credibility.
        about: what a sensitive row would change ("the leading hypothesis", "this
            estimate's band").
        held: why the estimate was held out of an extreme band, if it was.
    """
    reasons = [f"{n_diagnostic} evidence row(s) bear on it"]
    removal = [e for e, how in sensitive.items() if "removed" in how]
    if removal:
        reasons.append(f"dropping {len(removal)} row(s) alone would change {about}")
    elif sensitive:
        reasons.append(f"{len(sensitive)} row(s), if misread, would change {about}")
    else:
        reasons.append(f"no single row, removed or reversed, changes {about}")
    reasons.append(f"{high_credibility_share:.0%} of them are of high credibility")
    if held:
        reasons.append(held)
    if removal or n_diagnostic < 2:
        level = "low"
    elif not sensitive and not held and n_diagnostic >= 4 and high_credibility_share >= 0.5:
        level = "high"
    else:
        level = "moderate"
    return level, f"We have {level} confidence in this judgement: " + "; ".join(reasons) + "."


def sentence(subject: str, p: float) -> tuple[str, str, float, float]:
    """(the estimative sentence, band, low, high) for "``subject``" at probability p."""
    words, low, high = band_of(p)
    return (
        f"We assess that {_PHRASES[words]} ({low:.0%}-{high:.0%}) that {subject.rstrip('.')}.",
        words,
        low,
        high,
    )


def key_judgements(report: AssessReport, qid: str) -> list[Judgement]:
    """J1, the leading hypothesis, and J2, the question's own (genuine) hypothesis.

    Each judgement rests on its own rows (those that tell its hypothesis from
    another) and gives its own confidence: J1 how far single rows could change which
    hypothesis leads, J2 how far they could move its band. An extreme band needs
    ``MIN_ROWS_FOR_EXTREMES`` independent, credible rows (``temper``).

    Args:
        report: a rated matrix that ``ach`` has scored (ranking, probabilities,
            sensitivity filled in).
        qid: the question's id, prefixed to the judgements' ids.
    """
    if not report.evidence:
        return []
    by_id = {h.hypothesis_id: h for h in report.hypotheses}
    top = by_id[report.ranking[0]]
    out = [_judgement(report, f"{qid}:J1", top, top.label, lead=True)]
    genuine = next((h for h in report.hypotheses if h.role == "genuine"), None)
    if genuine is not None:
        out.append(_judgement(report, f"{qid}:J2", genuine, report.question, lead=False))
    return out


def _judgement(
    report: AssessReport, judgement_id: str, h: Hypothesis, subject: str, *, lead: bool
) -> Judgement:
    hs, ev, m = report.hypotheses, report.evidence, report.matrix
    bearing = [e for e in ev if _tells_apart(hs, e, m, h)]
    p = report.probabilities[h.hypothesis_id]
    if lead:
        ids = {e.evidence_id for e in bearing}
        sensitive = {e: how for e, how in report.sensitivity.items() if e in ids}
    else:
        band = band_of(p)[0]
        sensitive = {
            e.evidence_id: ["removed"]
            for e in bearing
            if band_of(ach.probabilities(hs, [x for x in ev if x is not e], m)[h.hypothesis_id])[0]
            != band
        }
    p, held = temper(p, _independent_credible(bearing))
    high = sum(e.credibility == "high" for e in bearing) / len(bearing) if bearing else 0.0
    about = "the leading hypothesis" if lead else "this estimate's band"
    level, why = confidence_of(len(bearing), sensitive, high, about, held)
    text, band_words, low, high_p = sentence(subject, p)
    rests_on = tuple(e.evidence_id for e in (bearing or ev))
    return Judgement(
        judgement_id, report.question, text, band_words, low, high_p, level, why, rests_on
    )


def _tells_apart(hs: list[Hypothesis], e: Evidence, m: ach.Matrix, h: Hypothesis) -> bool:
    """Is ``e`` rated differently for ``h`` than for some other hypothesis?"""
    na = ach.Rating.NOT_APPLICABLE.value
    mine = m.get((h.hypothesis_id, e.evidence_id), na)
    others = {m.get((x.hypothesis_id, e.evidence_id), na) for x in hs if x is not h}
    return mine != na and bool(others - {mine, na})


def _independent_credible(rows: list[Evidence]) -> int:
    """Rows of medium or high credibility, each resting on refs no row counted
    before it rests on (the most credible counted first)."""
    seen: set[str] = set()
    n = 0
    for e in sorted(rows, key=lambda e: -e.weight):
        if e.credibility == "low" or seen & set(e.refs):
            continue
        seen |= set(e.refs)
        n += 1
    return n

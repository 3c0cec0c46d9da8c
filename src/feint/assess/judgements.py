"""Key judgements in ICD 203 estimative language, with confidence said apart.

ICD 203 (2015) ties each expression of likelihood to a band of probability. The
judgement sentence gives the band; confidence (low, moderate, high) and its reasons
go in a separate sentence, never the same one, because likelihood and confidence
answer different questions: how probable, and how sure of that estimate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

BANDS: Final = (
    ("almost no chance", 0.01, 0.05),
    ("very unlikely", 0.05, 0.20),
    ("unlikely", 0.20, 0.45),
    ("roughly even chance", 0.45, 0.55),
    ("likely", 0.55, 0.80),
    ("very likely", 0.80, 0.95),
    ("almost certain", 0.95, 0.99),
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

# How each band reads after "We assess that": "it is almost no chance that" is not
# English.
_PHRASES: Final = {
    "almost no chance": "there is almost no chance",
    "very unlikely": "it is very unlikely",
    "unlikely": "it is unlikely",
    "roughly even chance": "there is a roughly even chance",
    "likely": "it is likely",
    "very likely": "it is very likely",
    "almost certain": "it is almost certain",
}


def temper(p: float, independent_rows: int) -> tuple[float, str | None]:
    """``p`` held out of the extreme bands when fewer than ``MIN_ROWS_FOR_EXTREMES``
    independent, credible rows bear on it, and why (None when it stands)."""
    words = band_of(p)[0]
    if independent_rows >= MIN_ROWS_FOR_EXTREMES or words not in (BANDS[0][0], BANDS[-1][0]):
        return p, None
    held = BANDS[0][2] if words == BANDS[0][0] else BANDS[-1][1] - 1e-9
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

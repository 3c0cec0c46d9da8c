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


def confidence_of(
    n_diagnostic: int, sensitive: Mapping[str, Sequence[str]], high_credibility_share: float
) -> tuple[str, str]:
    """(level, the reasons as one sentence)."""
    reasons = [f"{n_diagnostic} evidence row(s) tell the hypotheses apart"]
    removal = [e for e, how in sensitive.items() if "removed" in how]
    if removal:
        reasons.append(f"dropping {len(removal)} row(s) alone would change the leading hypothesis")
    elif sensitive:
        reasons.append(f"{len(sensitive)} row(s), if misread, would change it")
    else:
        reasons.append("no single row, removed or reversed, changes the leading hypothesis")
    reasons.append(f"{high_credibility_share:.0%} of the rows are of high credibility")
    if removal or n_diagnostic < 2:
        level = "low"
    elif not sensitive and n_diagnostic >= 4 and high_credibility_share >= 0.5:
        level = "high"
    else:
        level = "moderate"
    return level, f"We have {level} confidence in this judgement: " + "; ".join(reasons) + "."


def sentence(subject: str, p: float) -> tuple[str, str, float, float]:
    """(the estimative sentence, band, low, high) for "``subject``" at probability p."""
    words, low, high = band_of(p)
    return (
        f"We assess that it is {words} ({low:.0%}-{high:.0%}) that {subject.rstrip('.')}.",
        words,
        low,
        high,
    )

"""Words for what the report and the web UI would otherwise show as raw ids.

An evidence id such as ``Q-93882db6:E-claims-analyst-oppose`` is a key, not a
label: a reader sees "Analysts' claims opposing the question" and finds the id in
the tooltip. The label comes from the evidence row's ``kind`` (``assess.evidence``
writes one per kind of finding), so it stays short whatever the question; rows of
a kind this module does not know (an analyst's own, an imported PARC ACH item)
show the start of their description.

Missing values print as words too: a date as "undated", never "None".
"""

from __future__ import annotations

from typing import Any, Final

UNDATED: Final = "undated"

_CHANNEL_CLAIMS: Final = {
    "private_anonymous": "Unnamed sources' claims",
    "public_official": "Officials' claims on the record",
    "media": "News media's claims",
    "analyst": "Analysts' claims",
    "unresolved": "Claims of unresolved speakers",
    "others": "Other sides' claims",
}
_STANCE: Final = {"support": "supporting", "oppose": "opposing"}
_KINDS: Final = {
    "corroborated:support": "Supporting claims corroborated by independent sources",
    "discredited:support": "Supporting claims discredited by other sources or deeds",
    "contradictions": "Claims for and against the question in conflict",  # stores before b3007a5
    "conflicts:insiders": "Unnamed sources contradicting each other",
    "conflicts:private_public": "Unnamed sources against officials' public words",
    "conflicts:officials": "Officials contradicting each other on the record",
    "conflicts:across": "Claims from different sides in conflict",
    "saydo:talks_while_escalating": "Talk of talks while the actor escalates",
    "saydo:refusal_while_deescalating": "Refusal while the actor steps back",
}
LABEL_CHARS: Final = 60
"""The longest label cut from a description: about two lines of a matrix's row header."""


def day(value: Any) -> str:
    """A date as it prints in a report: its ISO text, or "undated" when missing."""
    if value is None or value == "":
        return UNDATED
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def evidence_label(evidence_id: str, kind: str | None, description: str | None) -> str:
    """A short label in words for an evidence row (its id goes in a tooltip).

    Args:
        evidence_id: the row's id (its last part is the fallback label).
        kind: the row's kind, as ``assess.evidence`` and ``assess.stage`` write it.
        description: the row's description, cut to ``LABEL_CHARS`` for unknown kinds.

    Returns:
        E.g. "Analysts' claims opposing the question" for ``claims:analyst:oppose``.
    """
    kind = kind or ""
    if kind.startswith("claims:"):
        _, channel, stance = [*kind.split(":"), "", ""][:3]
        who = _CHANNEL_CLAIMS.get(channel, f"Claims ({channel})")
        return f"{who} {_STANCE.get(stance, stance)} the question".strip()
    if kind in _KINDS:
        return _KINDS[kind]
    if kind.startswith("timing:"):
        return "Timing of supporting claims against decisions"
    text = " ".join((description or "").split())
    if not text:
        return evidence_id.split(":")[-1]
    if kind.startswith("analyst"):
        text = f"Analyst: {text}"
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


LAG_HELP: Final = (
    "Lag (days): the deed's date minus the claim's date, for the row's claim and event "
    "closest in time. Positive: the deed came after the words; negative: the deed came "
    "first and the words followed it; 0: the same day. A claim's date is the date its "
    "text refers to when it gives one, else its document's."
)
"""What the say-do table's lag means (``assess.saydo.find_gaps``: deed date minus
claim date, the smallest in size of the row's pairs)."""

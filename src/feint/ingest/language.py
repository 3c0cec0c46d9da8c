"""Is this text English? A cheap check that needs no model.

feint's extraction models are English-only, so a document in another language
would yield nothing but noise. Running prose in English is full of a handful of
function words ("the", "of", "and", "to", "that" ...): about 40 % of tokens in
news text. Other languages that use the Latin alphabet score under 5 %, and
non-Latin scripts score 0. The threshold sits far from both.
"""

from __future__ import annotations

import re
from typing import Final

_FUNCTION_WORDS: Final = frozenset(
    (
        "the",
        "of",
        "and",
        "to",
        "a",
        "in",
        "that",
        "is",
        "was",
        "he",
        "she",
        "it",
        "for",
        "on",
        "with",
        "as",
        "his",
        "her",
        "by",
        "at",
        "from",
        "this",
        "be",
        "are",
        "were",
        "have",
        "has",
        "had",
        "not",
        "but",
        "or",
        "they",
        "their",
        "an",
        "which",
        "will",
        "would",
        "said",
        "who",
        "its",
        "been",
        "we",
        "i",
        "you",
        "there",
        "than",
        "also",
        "after",
        "into",
        "about",
        "more",
    )
)
_TOKEN: Final = re.compile(r"\w+")
ENGLISH_MIN_SHARE: Final = 0.12


def english_share(text: str) -> tuple[float, int]:
    """The share of English function words among tokens, and the token count."""
    tokens = _TOKEN.findall(text.lower())
    if not tokens:
        return 0.0, 0
    hits = sum(1 for t in tokens if t in _FUNCTION_WORDS)
    return hits / len(tokens), len(tokens)


def guess_language(text: str, min_words: int) -> str | None:
    """``"en"`` when the text reads as English, ``"other"`` when it clearly does
    not, ``None`` when it is too short to tell."""
    share, n = english_share(text)
    if n < min_words:
        return "en" if share >= ENGLISH_MIN_SHARE else None
    return "en" if share >= ENGLISH_MIN_SHARE else "other"

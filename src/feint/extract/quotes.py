"""Quotation regions in a text, in the common quote styles.

Curly double quotes, straight double quotes (paired in order), guillemets and
curly single quotes; straight single quotes are left out, since they are far more
often apostrophes. A quote left open at the end of a paragraph and reopened at the
start of the next (the newspaper convention for a long quote) becomes one region
per paragraph, and ``continues_previous`` marks the later ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

_PAIRS: Final = (("“", "”"), ("«", "»"), ("‘", "’"), ("„", "“"))
_MIN_WORDS: Final = 3  # shorter quoted strings are scare quotes ("dramatic"), not speech


@dataclass(frozen=True, slots=True)
class QuoteRegion:
    """[start, end) including the quote marks."""

    start: int
    end: int
    continues_previous: bool


def find_quotes(text: str) -> list[QuoteRegion]:
    """Quote regions of at least three words, sorted by start."""
    regions: list[QuoteRegion] = []
    for line_start, line in _lines(text):
        regions.extend(_in_line(line, line_start))
    regions.sort(key=lambda r: r.start)
    # A paragraph that opens a quote without closing it, followed by a paragraph that
    # opens another: the second continues the first speaker.
    out: list[QuoteRegion] = []
    for r in regions:
        prev = out[-1] if out else None
        cont = bool(
            prev and text[prev.end - 1] not in '”»’"' and text[prev.end : r.start].strip() == ""
        )
        out.append(QuoteRegion(r.start, r.end, cont))
    return out


def _lines(text: str) -> list[tuple[int, str]]:
    out = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _in_line(line: str, offset: int) -> list[QuoteRegion]:
    found: list[QuoteRegion] = []
    for open_q, close_q in _PAIRS:
        i = 0
        while (start := line.find(open_q, i)) != -1:
            end = line.find(close_q, start + 1)
            if end == -1:  # open to the end of the paragraph
                end = len(line) - 1
            if _words(line[start + 1 : end]) >= _MIN_WORDS:
                found.append(QuoteRegion(offset + start, offset + end + 1, False))
            i = end + 1
    straight = [m.start() for m in re.finditer('"', line)]
    for a, b in zip(straight[0::2], straight[1::2], strict=False):
        if _words(line[a + 1 : b]) >= _MIN_WORDS:
            found.append(QuoteRegion(offset + a, offset + b + 1, False))
    if len(straight) % 2 == 1:
        a = straight[-1]
        if _words(line[a + 1 :]) >= _MIN_WORDS:
            found.append(QuoteRegion(offset + a, offset + len(line), False))
    return found


def _words(s: str) -> int:
    return len(s.split())

"""Page furniture in plain-text captures: find it, remove it, keep it apart.

A capture of a news page carries more than the article: related-story headlines,
"JOIN US ON TELEGRAM", follow and share lines, hints about reporting typos. These
are not claims, and left in they would become noise in every later stage. The
rules here are general, not a list of known strings:

- ``call_to_action``: a short line that asks the reader to do something (join,
  follow, subscribe, share, press, click ...) or points at a social account,
  newsletter, cookie notice, copyright line or "read more" link;
- ``all_caps``: a short line in capitals (section labels, banners);
- ``caption``: a photo caption or credit ("FILE PHOTO: ...", "Photo: Jane Doe/AFP",
  "Jane Doe/Reuters");
- ``stray_headline``: a short line without sentence punctuation that stands
  between paragraphs of the body (related-story headlines, navigation).

A line before the first paragraph is never a ``stray_headline``: that is where the
title, byline and dateline live. Hard-wrapped text (paragraphs broken into lines
of similar width, separated by blank lines) is judged paragraph by paragraph, so a
wrapped line is never mistaken for a headline.

The cleaned text is the raw text with whole furniture units (and their newline)
cut out and nothing else changed, so ``to_raw_offset`` can map any offset in it
back to the raw text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Final

# A paragraph of prose: at least this many words, or ending like a sentence with
# at least PROSE_MIN_WORDS_PUNCT words. Chosen so that one-sentence wire-copy
# paragraphs ("Peskov denied the report.") count as prose and headlines do not.
PROSE_MIN_WORDS: Final = 30
PROSE_MIN_WORDS_PUNCT: Final = 6
# Furniture lines are short: headlines and calls to action run to a dozen words
# or so; 20 leaves room for long headlines without reaching real paragraphs.
SHORT_MAX_WORDS: Final = 20
CTA_MAX_WORDS: Final = 30

_SENTENCE_END: Final = re.compile(r"[.!?…][\"'”’»)\]]*\s*$")
_BULLET: Final = re.compile(r"^\s*(?:[-*•–]|\d+[.)])\s+")
_WORD: Final = re.compile(r"\w+(?:[’'\-]\w+)*")

# Markers that make a short line furniture wherever it stands.
_STRONG_CTA: Final = re.compile(
    r"""(?ix)
    (?:^|\s)@\w{2,}                                   # a social handle
    | ctrl\s*\+\s*enter | highlight\ the\ text
    | \b(?:on|via|at)\ (?:telegram|twitter|facebook|instagram|youtube|whatsapp|tiktok|
         linkedin|threads|bluesky|mastodon|google\ news|x\.com)\b
    | \b(?:our|the|a)\ (?:newsletter|telegram\ channel|podcast|app)\b
    | \ball\ rights\ reserved\b | ©
    | \bcookies?\b.{0,40}\b(?:accept|use|policy|consent)\b
    | \b(?:accept|use)\b.{0,40}\bcookies\b
    | \bclick\ here\b | \bsign\ up\b | \bsign\ in\b | \blog\ in\b
    | ^\W*(?:read\ (?:more|also|next)|see\ also|also\ read
          |related(?:\ (?:stories|articles|news|content))?
          |recommended|most\ (?:read|popular)|trending(?:\ now)?|more\ from|more\ on\ this
          |advertisement|sponsored|skip\ to|back\ to\ top|privacy\ policy|terms\ of\ (?:use|service)
          |tags?|topics?|share\ this|comments?)\b\W*(?::|$)
    """
)
# An imperative at the start of a line: furniture only when the line is short and
# either unpunctuated or addressed to the reader ("Subscribe to our newsletter.").
_IMPERATIVE: Final = re.compile(
    r"(?i)^\W*(?:join|follow|subscribe|share|press|click|tap|download|watch|listen|donate|"
    r"support|register|like|bookmark|get|sign|you can also|don't miss|do not miss)\b(?!-)"
)
_READER: Final = re.compile(r"(?i)\b(?:us|our|you|your)\b")
# Captions and photo credits: never a source or a content. (A byline stays in the
# text, where it names the author; the line break after it ends its sentence, see
# extract/component.py.)
_CAPTION: Final = re.compile(
    r"""(?ix)^\W*(?:
        (?:file\ )?(?:photo|image|picture|photograph|video|caption|illustration)s?
            (?:\ credit)?\s*[:|]
        | (?:credit|source)\s*:\s*\S+(?:\ \S+){0,6}\s*$
        | [A-Z][\w.'-]*(?:\ [A-Z][\w.'-]*){0,3}\s*/\s*(?:[A-Z][\w.'-]*)(?:\ [A-Z][\w.'-]*){0,2}
            (?:\ via\ \S+)?\s*$
    )"""
)


@dataclass(frozen=True, slots=True)
class RemovedUnit:
    """A furniture unit cut out of the raw text: [start, end) in raw text."""

    line: int
    start: int
    end: int
    text: str
    rule: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Cleaned:
    """The text with furniture removed, and what was removed."""

    text: str
    removed: tuple[RemovedUnit, ...]


@dataclass(frozen=True, slots=True)
class _Unit:
    line: int
    start: int
    end: int  # end of content, before the newline
    text: str
    cut_end: int  # end including the newline, what removal takes out


def remove_furniture(raw: str) -> Cleaned:
    """Split ``raw`` into article text and furniture.

    Returns:
        ``Cleaned(text, removed)``: ``text`` is ``raw`` less the removed units.
    """
    units = _units(raw)
    rules: dict[int, str] = {}
    for i, u in enumerate(units):
        rule = _strong_rule(u.text)
        if rule:
            rules[i] = rule
    prose = [_is_prose(u.text) for u in units]
    seen_prose = False
    for i, u in enumerate(units):
        if prose[i]:
            seen_prose = True
            continue
        if i in rules or not seen_prose or not _is_short_headline(u.text):
            continue
        # The next unit that is not furniture already: prose, or the end of the text.
        nxt = next((j for j in range(i + 1, len(units)) if j not in rules), None)
        if nxt is None or prose[nxt] or _is_short_headline(units[nxt].text):
            rules[i] = "stray_headline"
    removed = tuple(
        RemovedUnit(u.line, u.start, u.end, u.text, rules[i])
        for i, u in enumerate(units)
        if i in rules
    )
    if not removed:
        return Cleaned(raw, ())
    parts: list[str] = []
    pos = 0
    for i, u in enumerate(units):
        if i in rules:
            parts.append(raw[pos : u.start])
            pos = u.cut_end
    parts.append(raw[pos:])
    text = "".join(parts)
    if pos == len(raw) and not raw.endswith("\n") and text.endswith("\n"):
        text = text[:-1]  # the removed last line had no newline: drop the one before it
    return Cleaned(text, removed)


def to_raw_offset(offset: int, removed: Sequence[RemovedUnit | dict[str, Any]]) -> int:
    """Map an offset in the cleaned text to the same character in the raw text."""
    shift = 0
    for r in sorted(removed, key=_start_of):
        start, cut = _start_of(r), _cut_len(r)
        if start <= offset + shift:
            shift += cut
        else:
            break
    return offset + shift


def _start_of(r: RemovedUnit | dict[str, Any]) -> int:
    return r.start if isinstance(r, RemovedUnit) else int(r["start"])


def _cut_len(r: RemovedUnit | dict[str, Any]) -> int:
    # Units are removed with their newline; the stored end excludes it.
    if isinstance(r, RemovedUnit):
        return r.end - r.start + 1
    return int(r["end"]) - int(r["start"]) + 1


def _units(raw: str) -> list[_Unit]:
    lines: list[tuple[int, int, int]] = []  # (line number, start, end)
    pos = 0
    for n, line in enumerate(raw.split("\n"), start=1):
        lines.append((n, pos, pos + len(line)))
        pos += len(line) + 1
    if _hard_wrapped(raw, lines):
        return _blocks(raw, lines)
    return [_Unit(n, s, e, raw[s:e], min(e + 1, len(raw))) for n, s, e in lines if raw[s:e].strip()]


def _hard_wrapped(raw: str, lines: list[tuple[int, int, int]]) -> bool:
    """Paragraphs broken into lines of similar width (e-mail, older wire feeds)."""
    lengths = [e - s for _, s, e in lines if raw[s:e].strip()]
    if len(lengths) < 5 or max(lengths) > 100:
        return False
    mid_width = sum(1 for n in lengths if 40 <= n <= 100)
    return mid_width / len(lengths) >= 0.6


def _blocks(raw: str, lines: list[tuple[int, int, int]]) -> list[_Unit]:
    units: list[_Unit] = []
    block: list[tuple[int, int, int]] = []
    for item in [*lines, (0, len(raw), len(raw))]:
        n, s, e = item
        if n and raw[s:e].strip():
            block.append(item)
            continue
        if block:
            first, last = block[0], block[-1]
            units.append(
                _Unit(
                    first[0], first[1], last[2], raw[first[1] : last[2]], min(last[2] + 1, len(raw))
                )
            )
            block = []
    return units


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _is_prose(text: str) -> bool:
    n = _words(text)
    return n >= PROSE_MIN_WORDS or (n >= PROSE_MIN_WORDS_PUNCT and bool(_SENTENCE_END.search(text)))


def _is_short_headline(text: str) -> bool:
    return (
        0 < _words(text) <= SHORT_MAX_WORDS
        and not _SENTENCE_END.search(text)
        and not _BULLET.match(text)
    )


def _strong_rule(text: str) -> str | None:
    n = _words(text)
    if n == 0:
        return None
    flat = " ".join(text.split())
    if n <= CTA_MAX_WORDS and _STRONG_CTA.search(flat):
        return "call_to_action"
    if (
        n <= SHORT_MAX_WORDS
        and _IMPERATIVE.match(flat)
        and (not _SENTENCE_END.search(flat) or _READER.search(flat))
    ):
        return "call_to_action"
    if n <= 40 and _CAPTION.match(flat):
        return "caption"
    letters = [c for c in flat if c.isalpha()]
    if 2 <= n <= 12 and len(letters) >= 6 and all(c.isupper() for c in letters):
        return "all_caps"
    return None

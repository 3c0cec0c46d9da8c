"""From token spans to the character spans of a record: trimming punctuation while
keeping quotes whole, cutting the writer's commentary, nesting reports, hedging."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from spacy.tokens import Doc

from feint.extract import lexicon as lx
from feint.extract.quotes import QuoteRegion
from feint.extract.records import Method, Polarity, TextSpan
from feint.extract.syntax import TIME_PREPS
from feint.extract.timex import resolve_time

QUOTE_CHARS: Final = '"“”«»‘’„'
TEXT_KEY: Final = "feint.text"
# A clause that begins after a comma with one of these is the writer's comment on
# the report, not part of it ("..., although this assessment is at odds with ...",
# "..., likely to delay ..."). Calibrated on the seed article; see tests.
CUT_AFTER_COMMA: Final = frozenset(
    ["although", "though", "whereas", "while", "likely", "which", "despite", "even"]
)


def text(doc: Doc) -> str:
    """The document's text, cached for the length of one ``find_attributions`` call."""
    cached = doc.user_data.get(TEXT_KEY)
    if cached is None:
        cached = doc.user_data[TEXT_KEY] = doc.text
    return str(cached)


@dataclass(slots=True)
class Candidate:
    """A candidate in token indices, before nesting and profiling."""

    method: Method
    cue: tuple[int, int] | None
    cue_lemma: str
    content: tuple[int, int] | None = None
    content_chars: tuple[int, int] | None = None  # for quote regions (character offsets)
    source: tuple[int, int] | None = None
    source_head: int | None = None
    conduit: tuple[int, int] | None = None
    polarity: Polarity = Polarity.ASSERT
    time: tuple[int, int] | None = None
    clausal: bool = True


@dataclass(frozen=True, slots=True)
class CharSpans:
    """A candidate's spans as [start, end) character offsets."""

    content: tuple[int, int]
    cue: tuple[int, int] | None
    source: tuple[int, int] | None
    conduit: tuple[int, int] | None
    time: tuple[int, int] | None


def not_future(doc: Doc, span: tuple[int, int], doc_date: date | None) -> bool:
    """A date after the document's own cannot date the report ("will ... in 2025")."""
    when = resolve_time(doc[span[0] : span[1]].text, doc_date)
    return when is not None and (doc_date is None or when <= doc_date)


def char_spans(
    doc: Doc, f: Candidate, quotes: Sequence[QuoteRegion], doc_date: date | None
) -> CharSpans:
    time = f.time
    if f.content_chars is not None:
        content = f.content_chars
    else:
        assert f.content is not None
        lo, hi = f.content
        if f.clausal:
            hi = cut_commentary(doc, lo, hi)
            tail = trailing_time(doc, lo, hi)
            if tail is not None and not_future(doc, tail, doc_date):
                hi = tail[0]
                time = time or tail
        trimmed = trim_punct(doc, lo, hi) or (lo, hi)
        content = (doc[trimmed[0]].idx, end_char(doc, trimmed[1]))
        content = extend_to_quote(content, quotes)
    return CharSpans(
        content=content,
        cue=None if f.cue is None else (doc[f.cue[0]].idx, end_char(doc, f.cue[1])),
        source=chars(doc, f.source),
        conduit=chars(doc, f.conduit),
        time=chars(doc, time),
    )


def chars(doc: Doc, span: tuple[int, int] | None) -> tuple[int, int] | None:
    if span is None:
        return None
    trimmed = trim_punct(doc, *span) or span
    return doc[trimmed[0]].idx, end_char(doc, trimmed[1])


def end_char(doc: Doc, end_token: int) -> int:
    last = doc[end_token - 1]
    return last.idx + len(last.text)


def text_span(doc: Doc, chars: tuple[int, int]) -> TextSpan:
    return TextSpan(chars[0], chars[1], text(doc)[chars[0] : chars[1]])


def trim_punct(doc: Doc, lo: int, hi: int) -> tuple[int, int] | None:
    """Drop punctuation and spaces at both ends, but keep a quote mark whose partner
    is inside the span, and a closing quote (with the stop before it) that closes a
    quote opened inside ('has "always run a lean campaign."')."""
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space) and not paired(doc, lo, hi):
        lo += 1
    while hi > lo and (doc[hi - 1].is_punct or doc[hi - 1].is_space) and not paired(doc, lo, hi):
        hi -= 1
    if hi > lo and open_quote(doc, lo, hi):
        end = hi
        while end < len(doc) and end - hi < 3 and doc[end].is_punct:
            if doc[end].text in '”»"’':
                hi = end + 1
                break
            end += 1
    return (lo, hi) if hi > lo else None


def open_quote(doc: Doc, lo: int, hi: int) -> bool:
    """Whether a quote opens inside [lo, hi) and does not close there."""
    opens = sum(
        1 for t in doc[lo:hi] if t.text in ("“", "«") or (t.text == '"' and t.is_left_punct)
    )
    closes = sum(
        1 for t in doc[lo:hi] if t.text in ("”", "»") or (t.text == '"' and t.is_right_punct)
    )
    return opens > closes


def paired(doc: Doc, lo: int, hi: int) -> bool:
    """Whether both ends are quote marks (a quote kept whole)."""
    return doc[lo].text in QUOTE_CHARS and doc[hi - 1].text in QUOTE_CHARS and hi - lo > 2


def cut_commentary(doc: Doc, lo: int, hi: int) -> int:
    for i in range(lo + 1, hi - 1):
        if doc[i].text == "," and doc[i + 1].lower_ in CUT_AFTER_COMMA:
            return i
    return hi


def trailing_time(doc: Doc, lo: int, hi: int) -> tuple[int, int] | None:
    """A date phrase that ends a clausal content dates the report, not the claim
    ("claimed that Russia was open to negotiations in December 2022")."""
    end = hi
    while end > lo and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    if end - lo < 4 or doc[end - 1].ent_type_ != "DATE":
        return None
    start = end - 1
    while start > lo and doc[start - 1].ent_type_ == "DATE" and doc[start - 1].ent_iob_ != "O":
        start -= 1
        if doc[start].ent_iob_ == "B":
            break
    if start - 1 > lo and doc[start - 1].lower_ in TIME_PREPS:
        return start - 1, end
    return None


def extend_to_quote(content: tuple[int, int], quotes: Sequence[QuoteRegion]) -> tuple[int, int]:
    """Content that ends or starts inside a quote covers the whole quote, so a quote
    over several sentences is one content."""
    lo, hi = content
    for q in quotes:
        if q.start < hi <= q.end and lo >= q.start:
            return q.start, q.end
        if q.start <= lo < q.end and hi > q.end:
            continue
        if lo <= q.start + 1 and q.end - 1 <= hi <= q.end + 1:
            return min(lo, q.start), max(hi, q.end)
    return content


def nest(spans: Sequence[CharSpans]) -> list[int | None]:
    """The index of the smallest attribution whose content holds another's cue."""
    parents: list[int | None] = []
    for i, sp in enumerate(spans):
        anchor = sp.cue or sp.source
        best: int | None = None
        if anchor is not None:
            for j, other in enumerate(spans):
                lo, hi = other.content
                size = hi - lo
                if (
                    j != i
                    and lo <= anchor[0]
                    and anchor[1] <= hi
                    and (size > sp.content[1] - sp.content[0])
                    and (
                        best is None
                        or (hi - lo) < (spans[best].content[1] - spans[best].content[0])
                    )
                ):
                    best = j
        parents.append(best)
    return parents


def dedupe(found: Sequence[Candidate]) -> list[Candidate]:
    """One attribution per cue: the first rule that found it wins."""
    out: list[Candidate] = []
    seen: set[tuple[int, int]] = set()
    for f in found:
        key = f.cue or (-1, -1)
        if f.cue is not None and key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out


def has_predicate(doc: Doc, content: tuple[int, int]) -> bool:
    """Does the content [start, end) hold a verb or an auxiliary? Without one it names
    a topic ("a ceasefire without Ukraine", "the meeting") and asserts nothing."""
    span = doc.char_span(content[0], content[1], alignment_mode="expand")
    return span is not None and any(t.pos_ in ("VERB", "AUX") for t in span)


def hedged(f: Candidate, doc: Doc, content: tuple[int, int]) -> bool:
    if f.cue_lemma in lx.HEDGE_VERBS:
        return True
    words = text(doc)[content[0] : content[1]].lower().split()
    return any(w.strip(',.;:"“”') in lx.HEDGE_WORDS for w in words[:12])

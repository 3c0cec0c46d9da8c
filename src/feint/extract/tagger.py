"""``feint-tagger``: a token tagger for attribution source, cue and content, run with
onnxruntime (no torch), and its union with the rules.

The model is all-MiniLM-L6-v2 fine-tuned for BIO token classification on PolNeAR
train by ``train/tagger.py`` and quantised to int8; it ships in
``extract/data/feint-tagger`` with its tokenizer and a meta.json that records how it
was made. The tagger gives flat role spans; the rules keep what it does not give
(nesting, conduits, polarity, time, source profiles). ``merge`` joins the two inside
extraction (``feint.extract.attribution``): the rules' attributions take the tagger's
boundaries, and the tagger's reports the rules missed are added.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any, Final

import numpy as np
from spacy.tokens import Doc

from feint.extract import lexicon as lx
from feint.extract import spans as sp
from feint.extract.records import Attribution, Method, Polarity, TextSpan
from feint.onnx_model import load

ROLES: Final = ("source", "cue", "content")
# Windows per inference batch; articles rarely need more than ten.
BATCH: Final = 16
# What may lie between two content pieces of one cue for them to be one content,
# once the cue and its source are left out: punctuation and quote marks, as when a
# cue splits a quote ("The talks," he said, "have failed"). Never a line break: the
# pieces on either side of "He said:" between paragraphs are two reports. Chosen on
# PolNeAR dev: with per-word argmax, letting up to two left-out words join as well
# helped (content exact F1 0.367 -> 0.413 for the first epoch's model); with Viterbi
# decoding the gaps are gone and words no longer help (0.540 with none, 0.537 with
# one, 0.537 with two).
_JOIN: Final = re.compile(r"[ ,;:.\-–—\"“”'‘’()]*")
# A content whose words' labels have a mean probability below this is dropped, with
# its cue and source: most of the tagger's false contents are unsure ones. Chosen on
# PolNeAR dev with Viterbi decoding (exact F1 content / cue / source: no threshold
# 0.540 / 0.704 / 0.775; 0.6: 0.553 / 0.698 / 0.769; 0.65: 0.558 / 0.695 / 0.764;
# 0.7: 0.562 / 0.692 / 0.758; 0.75: 0.559 / 0.684 / 0.747): precision leads.
MIN_CONTENT_PROB: Final = 0.7
# Characters the tagger sometimes puts at a content's start (the colon before a
# quote) and PolNeAR never does.
_CONTENT_LEAD: Final = " \n.,;:"
# And at its end: the comma before "the agency reported" (PolNeAR dev exact F1 of
# content 0.562 with it kept, 0.567 without).
_CONTENT_TAIL: Final = ",;:"


@dataclass(frozen=True, slots=True)
class RoleSpans:
    """The tagger's spans for one text: [start, end) character offsets per role."""

    source: tuple[tuple[int, int], ...]
    cue: tuple[tuple[int, int], ...]
    content: tuple[tuple[int, int], ...]

    def of(self, role: str) -> tuple[tuple[int, int], ...]:
        """The spans of ``role`` ("source", "cue" or "content")."""
        spans: tuple[tuple[int, int], ...] = getattr(self, role)
        return spans


class Tagger:
    """An ONNX BIO token classifier with labels O, B/I-SOURCE, B/I-CUE, B/I-CONTENT."""

    name = "feint-tagger"

    def __init__(self, folder: str | Path, spinning: bool = False) -> None:
        """Load the model in ``folder``.

        Args:
            folder: a feint-tagger folder (model.onnx, tokenizer.json, meta.json).
            spinning: let onnxruntime's worker threads busy-wait for work between
                runs, as it does by default. Off by default: extraction runs the
                tagger once per document between spaCy parses, and the spinning
                threads take the cores the parse needs. On PolNeAR dev on two cores
                shared with other work, extraction ran 1.19 times as fast without
                in bench/extract.py (224 s -> 188 s for 84 texts; 1.5 times in a
                shorter run on 24); the attributions are the same.
        """
        model = load(folder, "feint-tagger", "python train/tagger.py", spinning=spinning)
        self.meta, self.tokenizer, self.session = model.meta, model.tokenizer, model.session
        self.spinning = spinning
        self._inputs = model.inputs
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.labels: tuple[str, ...] = tuple(self.meta["labels"])
        self.max_len = int(self.meta.get("max_len", 256))
        self.overlap = int(self.meta.get("overlap", 128))
        vocab = self.tokenizer.get_vocab()
        self._cls, self._sep = vocab["[CLS]"], vocab["[SEP]"]

    @classmethod
    def builtin(cls, spinning: bool = False) -> Tagger:
        """The model shipped with feint (``spinning``: see ``__init__``)."""
        folder = Path(str(resources.files("feint.extract") / "data" / "feint-tagger"))
        return cls(folder, spinning)

    def spans(self, text: str) -> RoleSpans:
        """Role spans predicted for ``text``, decoded from BIO labels per word.

        Long texts are read in overlapping windows; each piece keeps its labels from
        the window where it is most central (it sees most context there).
        """
        enc = self.tokenizer.encode(text, add_special_tokens=False)
        n = len(enc.ids)
        if n == 0:
            return RoleSpans((), (), ())
        size = self.max_len - 2
        wins = _windows(n, size, self.overlap)
        best = np.full(n, -1.0)
        scores = np.zeros((n, len(self.labels)), dtype=np.float32)
        for b in range(0, len(wins), BATCH):
            part = wins[b : b + BATCH]
            width = max(hi - lo for lo, hi in part) + 2
            ids = np.zeros((len(part), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for row, (lo, hi) in enumerate(part):
                ids[row, : hi - lo + 2] = [self._cls, *enc.ids[lo:hi], self._sep]
                mask[row, : hi - lo + 2] = 1
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            logits = self.session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})
            out = np.asarray(logits[0], dtype=np.float32)
            for row, (lo, hi) in enumerate(part):
                pos = np.arange(lo, hi)
                centrality = np.minimum(pos - lo + 1, hi - pos).astype(float)
                if lo == 0:  # the text's own start is context enough
                    centrality = np.maximum(centrality, size - (pos - lo))
                if hi == n:
                    centrality = np.maximum(centrality, size - (hi - pos - 1))
                take = centrality > best[lo:hi]
                best[lo:hi][take] = centrality[take]
                scores[lo:hi][take] = out[row, 1 : hi - lo + 1][take]
        return self._decode(enc, scores)

    def _decode(self, enc: Any, scores: np.ndarray) -> RoleSpans:
        # A word takes the scores of its first piece, so spans never end mid-word.
        bounds: list[tuple[int, int]] = []
        first: list[int] = []
        last_word = None
        for i, w in enumerate(enc.word_ids):
            lo, hi = enc.offsets[i]
            if w is not None and w == last_word:
                bounds[-1] = (bounds[-1][0], hi)
                continue
            bounds.append((lo, hi))
            first.append(i)
            last_word = w
        logp = _log_softmax(scores[first])
        best = _viterbi(logp, self.labels)
        out: dict[str, list[tuple[int, int]]] = {r: [] for r in ROLES}
        spans: list[tuple[str, int, int, list[float]]] = []  # role, start, end, probabilities
        for j, ((lo, hi), k) in enumerate(zip(bounds, best, strict=True)):
            tag, _, role = self.labels[k].partition("-")
            role = role.lower()
            p = float(np.exp(logp[j, k]))
            if spans and tag == "I" and role == spans[-1][0] and spans[-1][2] >= 0:
                spans[-1] = (role, spans[-1][1], hi, [*spans[-1][3], p])
            elif tag == "B" and role in out:
                spans.append((role, lo, hi, [p]))
            elif spans and spans[-1][2] >= 0:
                spans.append(("", -1, -1, []))  # an O closes the span before it
        for role, lo, hi, probs in spans:
            if role and (role != "content" or float(np.mean(probs)) >= MIN_CONTENT_PROB):
                out[role].append((lo, hi))
        return RoleSpans(tuple(out["source"]), tuple(out["cue"]), tuple(out["content"]))


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    out: np.ndarray = logits - np.logaddexp.reduce(logits, axis=1, keepdims=True)
    return out


def _viterbi(logp: np.ndarray, labels: Sequence[str]) -> list[int]:
    """The most probable label sequence under BIO's rule: I-X only after B-X or I-X.

    Per-word argmax leaves a content broken where one word inside it scores O or
    starts with I after O; on PolNeAR dev, decoding under the rule moved exact F1
    source 0.760 -> 0.775, cue 0.674 -> 0.704 and content 0.480 -> 0.537.
    """
    k = len(labels)
    allowed = np.zeros((k, k), dtype=np.float32)  # [previous, next]
    for j, lab in enumerate(labels):
        if lab.startswith("I-"):
            for i, prev in enumerate(labels):
                if prev[2:] != lab[2:]:
                    allowed[i, j] = -np.inf
    start = np.array([-np.inf if lab.startswith("I-") else 0.0 for lab in labels])
    score = start + logp[0]
    back = np.zeros((len(logp), k), dtype=np.int64)
    for t in range(1, len(logp)):
        total = score[:, None] + allowed
        back[t] = total.argmax(0)
        score = total.max(0) + logp[t]
    path = [int(score.argmax())]
    for t in range(len(logp) - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return path[::-1]


def _windows(n: int, size: int, overlap: int) -> list[tuple[int, int]]:
    """[lo, hi) piece ranges of at most ``size`` covering 0..n, overlapping."""
    if n <= size:
        return [(0, n)]
    step = max(1, size - overlap)
    out = [(lo, min(n, lo + size)) for lo in range(0, n - overlap, step)]
    if out[-1][1] < n:
        out.append((n - size, n))
    return out


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Characters between two spans (0 when they touch or overlap)."""
    return max(0, max(a[0], b[0]) - min(a[1], b[1]))


def _only_joiners(text: str, lo: int, hi: int, skip: Sequence[tuple[int, int]]) -> bool:
    """Whether text[lo:hi], less the ``skip`` spans, may join two content pieces."""
    rest = "".join(
        ch for i, ch in enumerate(text[lo:hi], start=lo) if not any(a <= i < b for a, b in skip)
    )
    return _JOIN.fullmatch(rest) is not None


def _strip(text: str, span: tuple[int, int]) -> tuple[int, int] | None:
    lo, hi = span
    while lo < hi and text[lo] in _CONTENT_LEAD:
        lo += 1
    while hi > lo and (text[hi - 1].isspace() or text[hi - 1] in _CONTENT_TAIL):
        hi -= 1
    # A piece of punctuation alone (a stray closing quote) is no content.
    return (lo, hi) if any(ch.isalnum() for ch in text[lo:hi]) else None


def group(text: str, spans: RoleSpans) -> list[dict[str, tuple[int, int]]]:
    """The tagger's spans grouped into attributions: role -> span dicts.

    Each content goes to its nearest cue; the contents of one cue that a cue (and
    its source) split are merged to their covering span, as PolNeAR merges a
    discontinuous content. Each cue takes its nearest source. Contents with no cue
    in the text stand alone. Every cue and content span ends up in one attribution.
    """
    cues = sorted(spans.cue)
    contents = [_strip(text, c) for c in spans.content]
    by_cue: dict[int, list[tuple[int, int]]] = {i: [] for i in range(len(cues))}
    alone: list[tuple[int, int]] = []
    for c in sorted(c for c in contents if c is not None):
        if cues:
            by_cue[min(range(len(cues)), key=lambda i: (_gap(c, cues[i]), i))].append(c)
        else:
            alone.append(c)
    out: list[dict[str, tuple[int, int]]] = []
    for i, cue in enumerate(cues):
        source = min(spans.source, key=lambda s: (_gap(s, cue), s), default=None)
        skip = [cue, *([source] if source else [])]
        merged: list[tuple[int, int]] = []
        for c in by_cue[i]:
            if merged and _only_joiners(text, merged[-1][1], c[0], skip):
                merged[-1] = (merged[-1][0], c[1])
            else:
                merged.append(c)
        base = {"cue": cue} | ({"source": source} if source is not None else {})
        out.extend([base | {"content": c} for c in merged] or [base])
    out.extend({"content": c} for c in alone)
    return out


def _span(text: str, lo: int, hi: int) -> TextSpan:
    return TextSpan(lo, hi, text[lo:hi])


def _without_complementizer(text: str, lo: int, hi: int) -> int:
    """feint's content leaves out a leading "that", which PolNeAR includes."""
    if text[lo : lo + 5].lower() == "that " and hi - lo > 5:
        return lo + 5
    return lo


def attributions_from_spans(text: str, spans: RoleSpans, first_index: int = 0) -> list[Attribution]:
    """Attribution records (method MODEL) from the tagger's spans, grouped by ``group``.

    A cue with no content is dropped (an attribution needs its content). No profile,
    polarity or time: those need the parse (see ``union``).
    """
    out: list[Attribution] = []
    for roles in group(text, spans):
        if "content" not in roles:
            continue
        lo, hi = roles["content"]
        cue = roles.get("cue")
        source = roles.get("source")
        out.append(
            Attribution(
                index=first_index + len(out),
                cue=_span(text, *cue) if cue else None,
                cue_lemma=text[cue[0] : cue[1]].lower() if cue else "",
                content=_span(text, _without_complementizer(text, lo, hi), hi),
                source=_span(text, *source) if source else None,
                conduit=None,
                parent=None,
                polarity=Polarity.ASSERT,
                hedged=False,
                time=None,
                time_resolved=None,
                method=Method.MODEL,
                profile=None,
            )
        )
    return out


Chars = tuple[int, int]
# What an added report's cue must be: a word of saying or thinking the lexicon
# knows. The tagger's cues the rules did not find are often a report's time word
# ("said Tuesday": cue "Tuesday") or a deed ("proclaimed the annexation", "upheld a
# ruling"); on the speakers set, additions without this test raised false actions
# from 0.200 to 0.255 and lowered source 0.644 -> 0.626.
_CUE_WORDS: Final = (
    (lx.REPORTING_VERBS | lx.OBJECT_CUE_VERBS | lx.REPORT_NOUNS | lx.CITING_VERBS)
    - lx.ACTION_VERBS
    - lx.INFERENCE_VERBS
    - lx.QUESTION_VERBS
)


def _ch(span: TextSpan) -> Chars:
    return span.start, span.end


def _overlap(a: Chars | None, b: Chars | None) -> int:
    """Characters two spans share (0 when either is missing)."""
    if a is None or b is None:
        return 0
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _closest(span: Chars | None, found: Sequence[Chars | None]) -> Chars | None:
    """The tagger's span of the same role that overlaps ``span`` most, else ``span``."""
    if span is None:
        return None
    best = max(found, key=lambda f: (_overlap(span, f), -(f[0] if f else 0)), default=None)
    return best if best is not None and _overlap(span, best) else span


def _tokens(doc: Doc, chars: Chars) -> tuple[int, int] | None:
    span = doc.char_span(chars[0], chars[1], alignment_mode="expand")
    return None if span is None or not len(span) else (span.start, span.end)


# The writer's commentary after a report, which the rules cut off (CUT_AFTER_COMMA):
# a tagger content may not run on into it.
_COMMENTARY: Final = re.compile(
    r",\s*(?:" + "|".join(sorted(sp.CUT_AFTER_COMMA)) + r")\b", re.IGNORECASE
)


def _fits(
    text: str, content: Chars, cs: sp.CharSpans, cues: Sequence[Chars], starts: Sequence[int]
) -> bool:  # starts: sorted
    """May the tagger's ``content`` replace the rules' content of ``cs``?

    Not when it takes in the report's own cue or source ("Israeli officials said
    they were ..."), or another report's cue, a sentence start or a paragraph break
    that the rules' content leaves out (". The deputy minister said ..."), nor when
    it leaves out a report the rules' content holds ("X said P, the agency reported":
    the agency's content is "X said P", not P).
    """
    if _overlap(content, cs.cue) or _overlap(content, cs.source):
        return False

    def n_starts(lo: int, hi: int) -> int:  # sentence starts strictly inside (lo, hi)
        return max(0, bisect_left(starts, hi) - bisect_right(starts, lo))

    rules = cs.content
    if content[1] > rules[1] and _COMMENTARY.search(text, rules[1], content[1]):
        return False  # "..., likely to delay ...": the writer's comment the rules cut off
    if any(bool(_overlap(content, c)) != bool(_overlap(rules, c)) for c in cues):
        return False  # it would add a report to the content, or lose one nested in it
    shared = (max(content[0], rules[0]), min(content[1], rules[1]))
    if n_starts(*content) > n_starts(*shared):
        return False  # a sentence start the rules' content leaves out
    return "\n\n" not in text[content[0] : content[1]] or "\n\n" in text[rules[0] : rules[1]]


def merge(
    doc: Doc,
    found: Sequence[sp.Candidate],
    spans: Sequence[sp.CharSpans],
    tagged: Sequence[Attribution],
) -> tuple[list[sp.CharSpans], list[tuple[sp.Candidate, sp.CharSpans]]]:
    """The rules' spans with the tagger's boundaries, and the tagger's additions.

    A rules candidate keeps what the parse gave it (method, source, cue lemma,
    polarity, conduit, time), but where a tagger cue or content overlaps its cue or
    content, that span's boundaries replace the rules'. A content is replaced only by
    tagger pieces that ``_fits`` allows, merged to their covering span, and never when
    that would cut a clause with a verb from the front of the rules' content; a quote
    continuation keeps its quote, which the tagger often splits. Sources keep the
    rules' span: the tagger's moved the source a profile is read from, and on the
    speakers set resolved speakers fell from 0.802 to 0.787 and kinds from 0.817 to
    0.799 with it.

    A tagger attribution is an addition when it has a cue and a content and its cue
    overlaps no rules cue; the caller filters additions as it filters the rules'
    (speech, not deeds). A tagger content with no cue is left out: with neither a cue
    nor a source it says nothing about who reported it.

    Args:
        doc: the parsed document.
        found: the rules' candidates, in token spans.
        spans: their character spans, in the same order.
        tagged: the tagger's attributions for ``doc`` (``attributions_from_spans``).

    Returns:
        (the rules' character spans, in the order of ``found``; additions as
        (candidate, character spans) pairs).
    """
    t_cue = [_ch(t.cue) if t.cue else None for t in tagged]
    t_content = [_ch(t.content) for t in tagged]
    text = sp.text(doc)
    cues = [cs.cue for cs in spans if cs.cue is not None]
    starts = [s.start_char for s in doc.sents]
    out_spans: list[sp.CharSpans] = []
    for f, cs in zip(found, spans, strict=True):
        content = _merged_content(doc, text, f, cs, t_content, cues, starts)
        out_spans.append(replace(cs, cue=_closest(cs.cue, t_cue), content=content))
    additions = [a for t in tagged if (a := _addition(doc, t, spans)) is not None]
    return out_spans, additions


def _merged_content(
    doc: Doc,
    text: str,
    f: sp.Candidate,
    cs: sp.CharSpans,
    t_content: Sequence[Chars],
    cues: Sequence[Chars],
    starts: Sequence[int],
) -> Chars:
    """The content of the rules candidate ``f`` (spans ``cs``) once the tagger's
    contents ``t_content`` are merged in (``merge``)."""
    if f.method is Method.QUOTE_CONTINUED:
        return cs.content
    fits = [c for c in t_content if _overlap(c, cs.content)]
    fits = [c for c in fits if _fits(text, c, cs, cues, starts)]
    if fits:  # pieces the rules read as one content stay one ("A, but that B")
        covering = (min(c[0] for c in fits), max(c[1] for c in fits))
        # ... and a clause the rules' content opens with stays: "as saying that
        # P, a message he believed ..." is P, not the appositive. What the
        # tagger rightly cuts from the front has no verb ("told the ceremony
        # that P", "said in a letter to the board that P").
        cut = doc.char_span(cs.content[0], covering[0], alignment_mode="contract")
        if cut is None or not any(t.pos_ in ("VERB", "AUX") for t in cut):
            return covering
    return cs.content


def _addition(
    doc: Doc, t: Attribution, spans: Sequence[sp.CharSpans]
) -> tuple[sp.Candidate, sp.CharSpans] | None:
    """The tagger's attribution ``t`` as an addition to the rules' ``spans``, or None
    when it is none (``merge``)."""
    if t.cue is None or any(_overlap(_ch(t.cue), cs.cue) for cs in spans):
        return None
    cue = _tokens(doc, _ch(t.cue))
    if cue is None:
        return None
    root = doc[cue[0] : cue[1]].root
    if root.lemma_.lower() not in _CUE_WORDS:
        return None
    content = _ch(t.content)
    if any(_overlap(content, cs.content) * 2 > content[1] - content[0] for cs in spans):
        return None
    source = _tokens(doc, _ch(t.source)) if t.source else None
    cand = sp.Candidate(
        Method.TAGGER,
        cue,
        root.lemma_.lower(),
        content_chars=_ch(t.content),
        source=source,
        source_head=doc[source[0] : source[1]].root.i if source else None,
    )
    chars = sp.CharSpans(
        content=_ch(t.content),
        cue=_ch(t.cue),
        source=_ch(t.source) if t.source else None,
        conduit=None,
        time=None,
    )
    return cand, chars

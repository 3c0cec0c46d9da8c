"""``feint-tagger``: a token tagger for attribution source, cue and content, run with
onnxruntime (no torch), and its union with the rules.

The model is all-MiniLM-L6-v2 fine-tuned for BIO token classification on PolNeAR
train by ``train/tagger.py`` and quantised to int8; it ships in
``extract/data/feint-tagger`` with its tokenizer and a meta.json that records how it
was made. The tagger gives flat role spans; the rules keep what it does not give
(nesting, conduits, polarity, time, source profiles), so ``union`` keeps every rules
attribution and adds the tagger's where the rules found no cue.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any, Final

import numpy as np
from spacy.tokens import Doc

from feint.extract.records import Attribution, Method, Polarity, TextSpan
from feint.onnx_model import load

ROLES: Final = ("source", "cue", "content")
# Windows per inference batch; articles rarely need more than ten.
BATCH: Final = 16
# What may lie between two content pieces of one cue for them to be one content,
# once the cue and its source are left out: punctuation and quote marks, as when a
# cue splits a quote ("The talks," he said, "have failed"), and up to two words the
# tagger left out of a content. Never a line break: the pieces on either side of
# "He said:" between paragraphs are two reports. Chosen on PolNeAR dev (content
# exact F1 of the first epoch's model: 0.350 with any punctuation, line breaks
# included; 0.367 without line breaks; 0.413 with up to two words too).
_JOIN: Final = re.compile(r"[ ,;:.\-–—\"“”'‘’()]*(?:\w+[ ,;:.\-–—\"“”'‘’()]*){0,2}")
# Characters the tagger sometimes puts at a content's start (the colon before a
# quote) and PolNeAR never does.
_CONTENT_LEAD: Final = " \n.,;:"


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

    def __init__(self, folder: str | Path) -> None:
        model = load(folder, "feint-tagger", "python train/tagger.py")
        self.meta, self.tokenizer, self.session = model.meta, model.tokenizer, model.session
        self._inputs = model.inputs
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.labels: tuple[str, ...] = tuple(self.meta["labels"])
        self.max_len = int(self.meta.get("max_len", 256))
        self.overlap = int(self.meta.get("overlap", 128))
        vocab = self.tokenizer.get_vocab()
        self._cls, self._sep = vocab["[CLS]"], vocab["[SEP]"]

    @classmethod
    def builtin(cls) -> Tagger:
        """The model shipped with feint."""
        return cls(Path(str(resources.files("feint.extract") / "data" / "feint-tagger")))

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
        labels = np.zeros(n, dtype=np.int64)
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
            pred = np.asarray(logits[0]).argmax(-1)
            for row, (lo, hi) in enumerate(part):
                pos = np.arange(lo, hi)
                centrality = np.minimum(pos - lo + 1, hi - pos).astype(float)
                if lo == 0:  # the text's own start is context enough
                    centrality = np.maximum(centrality, size - (pos - lo))
                if hi == n:
                    centrality = np.maximum(centrality, size - (hi - pos - 1))
                take = centrality > best[lo:hi]
                best[lo:hi][take] = centrality[take]
                labels[lo:hi][take] = pred[row, 1 : hi - lo + 1][take]
        return self._decode(enc, labels)

    def _decode(self, enc: Any, labels: np.ndarray) -> RoleSpans:
        # A word takes the label of its first piece, so spans never end mid-word.
        words: list[tuple[int, int, str]] = []  # (start, end, label)
        last_word = None
        for i, w in enumerate(enc.word_ids):
            lo, hi = enc.offsets[i]
            if w is not None and w == last_word:
                words[-1] = (words[-1][0], hi, words[-1][2])
                continue
            words.append((lo, hi, self.labels[int(labels[i])]))
            last_word = w
        out: dict[str, list[tuple[int, int]]] = {r: [] for r in ROLES}
        current: tuple[str, int, int] | None = None  # role, start, end
        for lo, hi, label in words:
            tag, _, role = label.partition("-")
            role = role.lower()
            if current is not None and tag == "I" and role == current[0]:
                current = (role, current[1], hi)
                continue
            if current is not None:
                out[current[0]].append((current[1], current[2]))
            current = (role, lo, hi) if tag in ("B", "I") and role in out else None
        if current is not None:
            out[current[0]].append((current[1], current[2]))
        return RoleSpans(tuple(out["source"]), tuple(out["cue"]), tuple(out["content"]))


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
    while hi > lo and text[hi - 1].isspace():
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


def _overlaps(a: TextSpan | None, b: TextSpan | None) -> bool:
    return a is not None and b is not None and a.start < b.end and b.start < a.end


def _closest(span: TextSpan | None, found: Sequence[TextSpan | None]) -> TextSpan | None:
    """The tagger's span of the same role that overlaps ``span`` most, else ``span``."""
    hits = [f for f in found if f is not None and _overlaps(span, f)]
    if span is None or not hits:
        return span
    return max(hits, key=lambda f: (min(span.end, f.end) - max(span.start, f.start), -f.start))


def union(
    doc: Doc, rules: Sequence[Attribution], tagger: Tagger, *, keep_unconfirmed: bool = True
) -> list[Attribution]:
    """The rules' attributions for ``doc`` with the tagger's boundaries, plus the
    tagger's attributions where the rules found none.

    A rules attribution keeps its structure (nesting, conduit, polarity, time, source
    profile, cue lemma), but where a tagger span of the same role overlaps its source,
    cue or content, that span's boundaries replace the rules' (on PolNeAR dev this
    moved exact F1 source 0.699 -> 0.717, cue 0.612 -> 0.649, content 0.415 -> 0.488).
    A tagger attribution is added when its cue overlaps no rules cue (and, without a
    cue, when its content overlaps no rules content), with the cue's lemma and a source
    profile from the parse.

    Args:
        doc: the parsed document the rules ran on.
        rules: the rules' attributions for ``doc``, indexed 0..len-1.
        tagger: a loaded ``Tagger``; load it once (``Tagger.builtin()``) and reuse it.
        keep_unconfirmed: keep rules attributions whose cue no tagger cue overlaps.
            Dropping them (False) is more precise on PolNeAR dev (exact F1 source
            0.723 -> 0.752, cue 0.650 -> 0.674, content 0.485 -> 0.488; content
            overlap F1 0.868 -> 0.847), at the cost of reports the tagger does not
            know; a nested report whose parent is dropped is kept, with no parent.

    Returns:
        The rules' attributions followed by the tagger's additions, indexed in order.
    """
    from feint.sources.profile import SourceResolver

    text = doc.text
    found = attributions_from_spans(text, tagger.spans(text))
    kept = [
        r for r in rules
        if keep_unconfirmed or any(_overlaps(r.cue, f.cue) for f in found)
    ]  # fmt: skip
    renumber = {r.index: i for i, r in enumerate(kept)}
    out = [
        replace(
            r,
            index=i,
            parent=renumber.get(r.parent) if r.parent is not None else None,
            source=_closest(r.source, [f.source for f in found]),
            cue=_closest(r.cue, [f.cue for f in found]),
            content=_closest(r.content, [f.content for f in found]) or r.content,
        )
        for i, r in enumerate(kept)
    ]
    resolver: SourceResolver | None = None
    for a in found:
        if a.cue is not None and any(_overlaps(a.cue, r.cue) for r in rules):
            continue
        if a.cue is None and any(_overlaps(a.content, r.content) for r in rules):
            continue
        lemma, profile = a.cue_lemma, None
        if a.cue is not None:
            cue = doc.char_span(a.cue.start, a.cue.end, alignment_mode="expand")
            if cue is not None:
                lemma = cue.root.lemma_.lower()
        if a.source is not None:
            span = doc.char_span(a.source.start, a.source.end, alignment_mode="expand")
            if span is not None:
                resolver = resolver or SourceResolver(doc)
                profile = resolver.profile(span)
        out.append(replace(a, index=len(out), cue_lemma=lemma, profile=profile))
    return out

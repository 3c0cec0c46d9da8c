"""Scoring attribution extraction on a corpus in PolNeAR's layout.

PolNeAR (Newell, Margolin and Ruths, LREC 2018) keeps articles in ``text/*.txt`` and
brat standoff annotations in ``attributions/<article>_<annotator>.ann``. An
attribution is an ``E`` line tying a Source, a Cue and a Content ``T`` line; a
content may be discontinuous (``Content 209 236;91 186``) and is merged to its
covering span. One annotation file per article is scored: the first annotator
listed in ``metadata.tsv`` when there is one, else the first file by name.

Scores are micro-averaged over the corpus, per role:

- exact: a predicted span is a true positive when a gold span of the same role has
  the same [start, end);
- overlap: precision is the share of predicted tokens inside some gold span of the
  role, recall the share of gold tokens inside some predicted span (whitespace
  tokens, as in PolNeAR's own scorer description).

feint's content excludes the complementizer "that", which PolNeAR includes: the
scorer adds a "that " right before a predicted content back, so that the two
conventions meet.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from spacy.language import Language

from feint.errors import UsageError
from feint.extract.component import AttributionComponent
from feint.extract.nlp import COMPONENT, pipe_attributions
from feint.extract.records import Attribution
from feint.extract.tagger import Tagger, attributions_from_spans

ROLES: Final = ("source", "cue", "content")
_TOKEN: Final = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class GoldAttribution:
    """One annotated attribution: role -> (start, end), any role may be missing."""

    spans: dict[str, tuple[int, int]]


@dataclass(frozen=True, slots=True)
class Article:
    """An article's text and the gold attributions of one annotator."""

    name: str
    text: str
    gold: tuple[GoldAttribution, ...]


@dataclass(slots=True)
class _Counts:
    exact_tp_p: int = 0
    exact_tp_r: int = 0
    n_pred: int = 0
    n_gold: int = 0
    tok_pred: int = 0
    tok_pred_hit: int = 0
    tok_gold: int = 0
    tok_gold_hit: int = 0


@dataclass(slots=True)
class Scorer:
    """Accumulates predictions and gold over articles; ``result()`` gives P/R/F1."""

    counts: dict[str, _Counts] = field(default_factory=lambda: {r: _Counts() for r in ROLES})

    def add(
        self,
        text: str,
        predicted: Sequence[dict[str, tuple[int, int]]],
        gold: Sequence[GoldAttribution],
    ) -> None:
        """Score one article: role -> span dicts for predictions, gold as read."""
        for role in ROLES:
            pred = {p[role] for p in predicted if role in p}
            golds = {g.spans[role] for g in gold if role in g.spans}
            c = self.counts[role]
            c.n_pred += len(pred)
            c.n_gold += len(golds)
            c.exact_tp_p += len(pred & golds)
            c.exact_tp_r += len(golds & pred)
            gold_tokens = _token_starts(text, golds)
            pred_tokens = _token_starts(text, pred)
            c.tok_pred += len(pred_tokens)
            c.tok_gold += len(gold_tokens)
            c.tok_pred_hit += len(pred_tokens & gold_tokens)
            c.tok_gold_hit += len(gold_tokens & pred_tokens)

    def result(self) -> dict[str, dict[str, dict[str, float]]]:
        """{"source": {"exact": {"p", "r", "f1"}, "overlap": {...}}, "cue": ..., ...}."""
        out: dict[str, dict[str, dict[str, float]]] = {}
        for role, c in self.counts.items():
            out[role] = {
                "exact": _prf(c.exact_tp_p, c.n_pred, c.exact_tp_r, c.n_gold),
                "overlap": _prf(c.tok_pred_hit, c.tok_pred, c.tok_gold_hit, c.tok_gold),
            }
        return out


def _prf(tp_p: int, n_p: int, tp_r: int, n_r: int) -> dict[str, float]:
    p = tp_p / n_p if n_p else 0.0
    r = tp_r / n_r if n_r else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f1, 4)}


def _token_starts(text: str, spans: Iterable[tuple[int, int]]) -> set[int]:
    starts: set[int] = set()
    for lo, hi in spans:
        for m in _TOKEN.finditer(text, lo, hi):
            starts.add(m.start())
    return starts


def with_complementizer(text: str, start: int) -> int:
    """Start of a content span in PolNeAR's convention (with a preceding "that ")."""
    if start >= 5 and text[start - 5 : start].lower() == "that ":
        return start - 5
    return start


def load_corpus(folder: str | Path, limit: int | None = None) -> list[Article]:
    """Articles of a PolNeAR-layout folder (``text/`` and ``attributions/``).

    Raises:
        UsageError: the folder lacks ``text/`` or ``attributions/``.
    """
    root = Path(folder)
    text_dir, ann_dir = root / "text", root / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise UsageError(
            f"{str(root)!r} is not in PolNeAR's layout: it needs text/ and attributions/ "
            "folders (e.g. ../shared/data/polnear/dev)."
        )
    order = _annotator_order(root)
    by_article: dict[str, list[Path]] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        article = ann.stem.rpartition("_")[0]
        by_article.setdefault(article, []).append(ann)
    articles: list[Article] = []
    for txt in sorted(text_dir.glob("*.txt")):
        files = by_article.get(txt.stem)
        if not files:
            continue
        preferred = order.get(txt.stem, [])
        files.sort(key=lambda p: (_rank(p, preferred), p.name))
        text = txt.read_text("utf-8")
        articles.append(Article(txt.stem, text, tuple(read_ann(files[0]))))
        if limit is not None and len(articles) >= limit:
            break
    return articles


def _rank(path: Path, preferred: list[str]) -> int:
    annotator = path.stem.rpartition("_")[2]
    return preferred.index(annotator) if annotator in preferred else len(preferred)


def _annotator_order(root: Path) -> dict[str, list[str]]:
    for meta in (root / "metadata.tsv", root.parent / "metadata.tsv"):
        if meta.is_file():
            with open(meta, encoding="utf-8", newline="") as f:
                return {
                    row["filename"]: (row.get("annotators") or "").split("|")
                    for row in csv.DictReader(f, delimiter="\t")
                    if row.get("filename")
                }
    return {}


def read_ann(path: Path) -> list[GoldAttribution]:
    """Attributions of one brat file: role spans, discontinuous content merged."""
    spans: dict[str, tuple[str, tuple[int, int]]] = {}
    events: list[list[str]] = []
    for line in path.read_text("utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            label, _, offsets = parts[1].partition(" ")
            bounds = [tuple(map(int, seg.split())) for seg in offsets.split(";")]
            spans[parts[0]] = (label, (min(b[0] for b in bounds), max(b[1] for b in bounds)))
        elif line.startswith("E") and len(parts) >= 2:
            events.append(parts[1].split())
    out: list[GoldAttribution] = []
    for args in events:
        roles: dict[str, tuple[int, int]] = {}
        for arg in args:
            role, _, tid = arg.partition(":")
            role = role.rstrip("0123456789").lower()
            if role in ROLES and tid in spans:
                roles[role] = spans[tid][1]
        if roles:
            out.append(GoldAttribution(roles))
    return out


METHODS: Final = ("rules", "tagger", "union")
# The method ``feint eval polnear`` scores by default: the one that wins on dev. On
# PolNeAR dev the tagger alone beats the rules and their union (extraction as it
# runs) in exact F1 source (0.758 against 0.668 and 0.676), cue (0.692 against 0.600
# and 0.647), content (0.562 against 0.396 and 0.465) and content overlap F1 (0.880
# against 0.776 and 0.815). Extraction still runs the union: the tagger gives no
# nesting, conduits, polarity, time or source profiles, and on the speakers set the
# union beats the rules alone (see feint.extract.tagger.merge).
DEFAULT_METHOD: Final = "tagger"


def evaluate(
    folder: str | Path,
    nlp: Language | None,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    n_process: int = 1,
    method: str = "rules",
    tagger: Tagger | None = None,
) -> dict[str, dict[str, dict[str, float]]]:
    """Score attribution extraction on a PolNeAR-layout folder.

    Args:
        folder: a folder with ``text/`` and ``attributions/``.
        nlp: a pipeline with ``feint_attributions`` (not needed for "tagger").
        limit: score only the first N articles.
        progress: called with (articles done, articles) after each article.
        n_process: parse in this many processes.
        method: "rules" (the pipeline's attributions with its tagger off), "tagger"
            (the tagger's alone) or "union" (the pipeline with the tagger on, as
            extraction runs: ``feint.extract.tagger.merge``).
        tagger: the tagger for "tagger" and "union" (default: the shipped one).

    Raises:
        UsageError: an unknown method, or no pipeline for "rules" or "union".
    """
    if method not in METHODS:
        raise UsageError(f"Unknown method {method!r}; use one of {', '.join(METHODS)}.")
    articles = load_corpus(folder, limit)
    scorer = Scorer()
    if method == "tagger":
        model = tagger or Tagger.builtin()
        for n, art in enumerate(articles, start=1):
            atts = attributions_from_spans(art.text, model.spans(art.text))
            scorer.add(art.text, [as_roles(art.text, a) for a in atts], art.gold)
            if progress is not None:
                progress(n, len(articles))
        return scorer.result()
    if nlp is None:
        raise UsageError(f"Method {method!r} needs a spaCy pipeline with feint's component.")
    component = nlp.get_pipe(COMPONENT)
    if not isinstance(component, AttributionComponent):
        raise UsageError(f"The pipeline's {COMPONENT!r} is not feint's component.")
    kept = component.tagger
    if method == "rules":
        component.tagger = None
    else:
        component.tagger = tagger or kept or Tagger.builtin()
    try:
        parsed = pipe_attributions(nlp, ((a.text, None) for a in articles), 16, n_process)
        for n, (art, (_, atts)) in enumerate(zip(articles, parsed, strict=True), start=1):
            scorer.add(art.text, [as_roles(art.text, a) for a in atts], art.gold)
            if progress is not None:
                progress(n, len(articles))
    finally:
        component.tagger = kept
    return scorer.result()


def as_roles(text: str, a: Attribution) -> dict[str, tuple[int, int]]:
    """An attribution's spans in PolNeAR's conventions, by role."""
    roles = {"content": (with_complementizer(text, a.content.start), a.content.end)}
    if a.source is not None:
        roles["source"] = (a.source.start, a.source.end)
    if a.cue is not None:
        roles["cue"] = (a.cue.start, a.cue.end)
    return roles

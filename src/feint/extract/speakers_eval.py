"""Scoring who said it: speakers, kinds, conduits and speech-vs-action on a gold set.

The set (tests/data/speakers, written for feint; its README is the guide) gives
plain-text items as a reader gets them (headline line, byline, dateline, captions)
and, per item, the attributions with the speaker as written (``source``), the
person or body it refers to (``resolved``, null for a pronoun with no antecedent),
its kind, cue, content and conduit, and ``not_attributions``: verbs that look like
reports but are deeds or inferences ("passed", "show", "seems").

Each item goes through what ingest does to plain text (furniture removed, a
title read off the first line) and then extraction. A gold attribution is matched
to the predicted one of the same item whose content shares the most words with its
content (token F1 >= 0.5). Over matched pairs:

- ``source``: the predicted source span reads as the gold one (case and
  surrounding punctuation aside); a gold attribution without a surface source (a
  continued quote) counts when the prediction has none either or names the speaker;
- ``resolved``: the name of the entity the predicted source joins, when the set's
  sources are grouped as the store groups them, is the gold ``resolved`` under the
  folding entities use (Dmitri = Dmitry; "Zelensky" alone joins "Volodymyr
  Zelensky" named in another item); for unnamed sources the name need only be part
  of the gold description; null gold wants an ``unresolved`` kind;
- ``kind`` and ``conduit`` (a null conduit wants none);
- ``content``: mean token F1.

``found`` is the share of gold attributions matched; ``false_actions`` the share of
``not_attributions`` that became a predicted cue; ``titles`` the share of items whose
first line is their headline that get that title.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from spacy.language import Language

from feint.errors import UsageError
from feint.extract.entities import SourceMentions, fold, group
from feint.extract.nlp import pipe_attributions
from feint.extract.records import Attribution
from feint.ingest.furniture import remove_furniture
from feint.ingest.pipeline import plain_title

MIN_CONTENT_F1: Final = 0.5
_UNNAMED: Final = frozenset({"anonymous", "anonymous_official", "document"})
_TOKEN: Final = re.compile(r"\w+")
_EDGE: Final = re.compile(r"^\W+|\W+$")


def _tokens(text: str) -> set[str]:
    return set(_TOKEN.findall(text.lower()))


def _f1(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _same_text(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return _EDGE.sub("", a).lower() == _EDGE.sub("", b).lower()


def _read(path: Path) -> list[dict[str, Any]]:
    try:
        return [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]
    except (OSError, json.JSONDecodeError) as e:
        raise UsageError(
            f"Cannot read {str(path)!r} ({e}); give a folder with items.jsonl and gold.jsonl "
            "(e.g. tests/data/speakers)."
        ) from e


def evaluate(
    folder: str | Path,
    nlp: Language,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Scores of ``nlp`` (with feint's component) on a speakers gold folder."""
    root = Path(folder)
    items = {d["id"]: d for d in _read(root / "items.jsonl")}
    gold = _read(root / "gold.jsonl")
    missing = [g["id"] for g in gold if g["id"] not in items]
    if missing:
        raise UsageError(f"gold.jsonl names items not in items.jsonl: {', '.join(missing[:5])}")
    texts = [remove_furniture(items[g["id"]]["text"]).text for g in gold]
    parsed = list(pipe_attributions(nlp, ((t, None) for t in texts), 16))
    canonical = _entity_names([(g["id"], atts) for g, (_, atts) in zip(gold, parsed, strict=True)])
    totals = dict.fromkeys(("source", "resolved", "kind", "conduit", "content"), 0.0)
    n_gold = found = actions = false_actions = headed = titled = 0
    misses: list[dict[str, Any]] = []
    for n, (g, (_, atts)) in enumerate(zip(gold, parsed, strict=True), start=1):
        item = items[g["id"]]
        first = item["text"].split("\n", 1)[0].strip()
        if first == (item.get("title") or "").strip() and "\n\n" in item["text"]:
            headed += 1
            titled += plain_title(item["text"]) == first
        for ga in g["attributions"]:
            n_gold += 1
            a = _match(ga, atts)
            if a is None:
                misses.append({"id": g["id"], "source": ga["source"], "cue": ga["cue"],
                               "content": ga["content"][:80]})  # fmt: skip
                continue
            found += 1
            _score(ga, a, totals, canonical.get((g["id"], a.index)))
        for word in g.get("not_attributions", []):
            actions += 1
            pattern = re.compile(rf"\b{re.escape(word)}\b", re.I)
            false_actions += any(a.cue is not None and pattern.search(a.cue.text) for a in atts)
        if progress is not None:
            progress(n, len(gold))
    out: dict[str, Any] = {
        "items": len(gold),
        "gold_attributions": n_gold,
        "found": round(found / n_gold, 4) if n_gold else 0.0,
        **{k: round(v / found, 4) if found else 0.0 for k, v in totals.items()},
        "false_actions": round(false_actions / actions, 4) if actions else 0.0,
        "titles": round(titled / headed, 4) if headed else 0.0,
        "misses": misses,
    }
    return out


def _match(ga: dict[str, Any], atts: list[Attribution]) -> Attribution | None:
    want = _tokens(ga["content"])
    best, best_f1 = None, MIN_CONTENT_F1
    for a in atts:
        f1 = _f1(want, _tokens(a.content.text))
        if f1 >= best_f1:
            best, best_f1 = a, f1
    return best


def _entity_names(parsed: list[tuple[str, list[Attribution]]]) -> dict[tuple[str, int], str]:
    """(item, attribution index) -> the name of the entity its source joins when the
    set's sources are grouped as the store groups them (``feint.extract.entities``)."""
    rows: dict[str, SourceMentions] = {}
    of: dict[tuple[str, int], str] = {}
    for item, atts in parsed:
        for a in atts:
            p = a.profile
            if p is None or p.name is None:
                continue
            sid = f"{item}\0{p.name}\0{p.kind}"
            of[(item, a.index)] = sid
            rows[sid] = SourceMentions(sid, p.name, p.kind, p.affiliation, p.role, item, 1)
    by_source = {sid: e.name for e in group(list(rows.values())) for sid in e.source_ids}
    return {key: by_source[sid] for key, sid in of.items() if sid in by_source}


def _score(
    ga: dict[str, Any], a: Attribution, totals: dict[str, float], entity: str | None
) -> None:
    name = entity or (a.profile.name if a.profile is not None else None)
    unresolved = a.profile is None or a.profile.kind == "unresolved"
    if ga["source"] is None:
        totals["source"] += a.source is None or (
            ga["resolved"] is not None and name is not None and fold(name) == fold(ga["resolved"])
        )
    else:
        totals["source"] += a.source is not None and _same_text(a.source.text, ga["source"])
    if ga["resolved"] is None:
        totals["resolved"] += unresolved
    elif ga["kind"] in _UNNAMED:
        # "two people briefed on his visit": the name may drop the access phrase.
        totals["resolved"] += name is not None and fold(name) in fold(ga["resolved"])
    else:
        totals["resolved"] += name is not None and fold(name) == fold(ga["resolved"])
    totals["kind"] += a.profile is not None and a.profile.kind == ga["kind"]
    totals["conduit"] += _same_text(a.conduit.text if a.conduit else None, ga["conduit"])
    totals["content"] += _f1(_tokens(ga["content"]), _tokens(a.content.text))

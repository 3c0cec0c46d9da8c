"""Scoring relations and stances against the demo corpus's gold labels.

The corpus (../shared/data/corpus) labels attributions per item in ``gold.jsonl``
and conflicting pairs in ``contradictions.jsonl`` as [item id, attribution index].
A gold attribution is matched to every claim of the same item whose content shares
at least half its words (token F1 >= 0.5): a nested report and the report that
relays it both match. Then:

- recall: the share of gold pairs with some matched claim on each side that feint
  relates as ``contradicts`` (and, separately, as ``contradicts`` or ``tension``);
- precision: of feint's relations between two matched claims, the share that join
  the two sides of a gold pair. The gold list names 30 pairs and is not exhaustive,
  so this is a lower bound;
- stance precision: of those relations, the share whose two claims have opposite
  gold stances toward P1 (support against oppose): a looser reading of "conflict"
  that the gold labels allow to be checked everywhere;
- stance: the share of matched claims whose stance toward the question agrees with
  the gold ``stance_p1``, when the store has stances for ``question``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from feint.errors import UsageError
from feint.store import Store

P1 = "Russia is genuinely willing to negotiate a ceasefire or peace settlement"
"""The corpus README's proposition P1, which gold ``stance_p1`` is about."""

_TOKEN = re.compile(r"\w+")


def _tokens(text: str) -> set[str]:
    return set(_TOKEN.findall(text.lower()))


def _f1(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    try:
        return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    except (OSError, json.JSONDecodeError) as e:
        raise UsageError(f"Cannot read {str(path)!r} ({e}); give the corpus folder.") from e


def evaluate(store: Store, corpus: str | Path, question: str | None = P1) -> dict[str, Any]:
    """Recall and precision of contradictions, and stance agreement, on the corpus."""
    folder = Path(corpus)
    gold = {g["id"]: g for g in _read_jsonl(folder / "gold.jsonl")}
    pairs = _read_jsonl(folder / "contradictions.jsonl")
    matched = _match_gold(store, gold)
    gold_stance = {
        cid: gold[item]["attributions"][n]["stance_p1"]
        for (item, n), cids in matched.items()
        for cid in cids
    }
    relations: dict[frozenset[str], set[str]] = {}
    for a, b, kind in store.query("SELECT claim_a, claim_b, kind FROM relations").rows:
        relations.setdefault(frozenset((a, b)), set()).add(kind)
    hits, gold_keys, n_matched_pairs = _gold_pair_hits(pairs, matched, relations)
    universe = set(gold_stance)
    predicted = {
        kind: [k for k, kinds in relations.items() if k <= universe and kinds & want]
        for kind, want in (
            ("contradicts", {"contradicts"}),
            ("contradicts_or_tension", {"contradicts", "tension"}),
        )
    }
    out: dict[str, Any] = {
        "gold_pairs": len(pairs),
        "gold_pairs_matched": n_matched_pairs,
        "gold_attributions": sum(len(g["attributions"]) for g in gold.values()),
        "attributions_matched": len(matched),
    }
    for kind, related in predicted.items():
        tp = sum(k in gold_keys for k in related)
        opposite = sum({gold_stance[c] for c in k} == {"support", "oppose"} for k in related)
        out[kind] = {
            "recall": hits[kind] / len(pairs) if pairs else 0.0,
            "precision": tp / len(related) if related else 0.0,
            "stance_precision": opposite / len(related) if related else 0.0,
            "predicted": len(related),
        }
    if question:
        out["stance"] = _stance_agreement(store, question, gold_stance)
    return out


def _match_gold(store: Store, gold: dict[str, dict[str, Any]]) -> dict[tuple[str, int], set[str]]:
    """The claims each gold attribution (item id, index) matches: those of its item
    whose content shares at least half its words."""
    rows = store.query(
        """
        SELECT json_extract_string(d.meta, '$.id') AS item, c.claim_id, a.content_text
        FROM claims c JOIN attributions a USING (attr_id) JOIN documents d USING (doc_id)
        WHERE json_extract_string(d.meta, '$.id') IS NOT NULL
        """
    ).rows
    by_item: dict[str, list[tuple[str, set[str]]]] = {}
    for item, claim_id, content in rows:
        by_item.setdefault(item, []).append((claim_id, _tokens(content)))
    matched: dict[tuple[str, int], set[str]] = {}
    for item, g in gold.items():
        for n, ga in enumerate(g["attributions"]):
            gt = _tokens(ga["content"])
            found = {cid for cid, ct in by_item.get(item, []) if _f1(gt, ct) >= 0.5}
            if found:
                matched[(item, n)] = found
    return matched


def _gold_pair_hits(
    pairs: list[dict[str, Any]],
    matched: dict[tuple[str, int], set[str]],
    relations: dict[frozenset[str], set[str]],
) -> tuple[dict[str, int], set[frozenset[str]], int]:
    """How many gold pairs feint relates as ``contradicts`` (and as ``contradicts`` or
    ``tension``), every claim pair joining the two sides of a gold pair, and how many
    gold pairs have a matched claim on each side."""
    hits = {"contradicts": 0, "contradicts_or_tension": 0}
    gold_keys: set[frozenset[str]] = set()
    n_matched_pairs = 0
    for p in pairs:
        side_a = matched.get((p["a"][0], p["a"][1]), set())
        side_b = matched.get((p["b"][0], p["b"][1]), set())
        if not side_a or not side_b:
            continue
        n_matched_pairs += 1
        keys = {frozenset((x, y)) for x in side_a for y in side_b if x != y}
        gold_keys |= keys
        kinds = set().union(*(relations.get(k, set()) for k in keys))
        hits["contradicts"] += "contradicts" in kinds
        hits["contradicts_or_tension"] += bool(kinds & {"contradicts", "tension"})
    return hits, gold_keys, n_matched_pairs


def _stance_agreement(store: Store, question: str, gold_stance: dict[str, str]) -> dict[str, Any]:
    """The share of matched claims whose stance toward ``question`` is the gold one."""
    stance = {
        r[0]: r[1]
        for r in store.query(
            "SELECT claim_id, stance FROM stances WHERE question = ?", [question]
        ).rows
    }
    agree = [stance[cid] == want for cid, want in gold_stance.items() if cid in stance]
    return {
        "question": question,
        "n": len(agree),
        "accuracy": sum(agree) / len(agree) if agree else 0.0,
    }

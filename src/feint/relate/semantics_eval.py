"""Scoring stance and relations on the domain set (data/semantics).

The set is news claims the team wrote, labelled for stance toward a question and
for the relation between two claims, split by setting so that test measures
transfer to disputes never seen (see its README). Both tasks run through what
relate runs, not a shortcut:

- stance: the claim's and the question's frames (a claim about another actor is
  neutral), then the judge's P(entailment) - P(contradiction) against a threshold;
- relation: each pair as two claims with their speakers and dates, through
  ``relations.relate_pairs`` with the frames and the policy (threshold, window,
  rules veto). What it finds maps onto the gold labels: ``contradicts`` and
  ``shift`` as themselves, ``corroborates`` and ``repeats`` as ``agrees``, and
  ``tension`` or nothing as ``compatible``.

Each pair is judged once: a sweep over thresholds reuses the verdicts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Final

from feint.errors import UsageError
from feint.relate.claims import Claim
from feint.relate.frames import FrameInput, FrameReader
from feint.relate.judges.judge import Judge, NliVerdict
from feint.relate.relations import Policy, relate_pairs
from feint.relate.stance import judge_stances

STANCES: Final = ("support", "oppose", "neutral")
RELATIONS: Final = ("contradicts", "shift", "agrees", "compatible")
_AS_GOLD: Final = {
    "contradicts": "contradicts",
    "shift": "shift",
    "corroborates": "agrees",
    "repeats": "agrees",
}

Progress = Callable[[int, int], None]


def read_split(folder: str | Path, task: str, split: str) -> list[dict[str, Any]]:
    """The lines of ``folder/task/split.jsonl``.

    Raises:
        UsageError: the file is missing or not JSON lines.
    """
    path = Path(folder) / task / f"{split}.jsonl"
    try:
        text = path.read_text("utf-8")
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    except (OSError, json.JSONDecodeError) as e:
        raise UsageError(
            f"Cannot read {str(path)!r} ({e}); give the domain set's folder (data/semantics)."
        ) from e


class CachedJudge:
    """A judge that remembers its verdicts, so that a sweep judges each pair once."""

    def __init__(self, judge: Judge) -> None:
        self.judge = judge
        self.name = judge.name
        self._seen: dict[tuple[str, str], NliVerdict] = {}

    def judge_many(self, pairs: Sequence[tuple[str, str]]) -> list[NliVerdict]:
        """Verdicts for (premise, hypothesis) pairs, judging only unseen ones."""
        todo = list(dict.fromkeys(p for p in pairs if p not in self._seen))
        if todo:
            self._seen.update(zip(todo, self.judge.judge_many(todo), strict=True))
        return [self._seen[p] for p in pairs]


def scores(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1, per-label precision, recall and F1, and the confusion."""
    out: dict[str, Any] = {"n": len(gold)}
    out["accuracy"] = sum(g == p for g, p in zip(gold, pred, strict=True)) / max(1, len(gold))
    per: dict[str, dict[str, float]] = {}
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        npred, ngold = sum(p == label for p in pred), sum(g == label for g in gold)
        prec, rec = tp / npred if npred else 0.0, tp / ngold if ngold else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[label] = {"p": prec, "r": rec, "f1": f1, "gold": ngold, "predicted": npred}
    out["per_label"] = per
    out["macro_f1"] = sum(v["f1"] for v in per.values()) / len(labels)
    out["confusion"] = {
        g: {p: sum(x == g and y == p for x, y in zip(gold, pred, strict=True)) for p in labels}
        for g in labels
    }
    return out


def _by_case(rows: Sequence[dict[str, Any]], pred: Sequence[str]) -> dict[str, Any]:
    cases: dict[str, list[bool]] = {}
    for row, p in zip(rows, pred, strict=True):
        cases.setdefault(row.get("case", "plain"), []).append(row["label"] == p)
    return {c: {"n": len(v), "accuracy": sum(v) / len(v)} for c, v in sorted(cases.items())}


def predict_stances(
    rows: Sequence[dict[str, Any]],
    judge: Judge,
    reader: FrameReader,
    threshold: float,
) -> list[str]:
    """Stance of each row's claim toward its question, as relate takes it."""
    claims = reader.read_many([FrameInput(r["claim"], speaker=r.get("source", "")) for r in rows])
    questions = reader.read_many([FrameInput(r["question"]) for r in rows])
    taken = judge_stances(
        [(r["claim"], r["question"]) for r in rows],
        list(zip(claims, questions, strict=True)),
        judge,
        threshold,
    )
    return [t.stance for t in taken]


def _claim(row: dict[str, Any], side: str) -> Claim:
    when = row.get(f"{side}_date")
    return Claim(
        claim_id=f"{row['id']}-{side}",
        attr_id=f"{row['id']}-{side}",
        doc_id=f"{row['id']}-{side}",  # one document per claim: nothing shared
        parent_attr=None,
        source_id=None,
        source_name=row.get(f"{side}_source", ""),
        source_kind=None,
        channel="media",
        content=row[side],
        polarity="assert",
        conduit=None,
        outlet=None,
        published=date.fromisoformat(when) if when else None,
    )


def predict_relations(
    rows: Sequence[dict[str, Any]],
    judge: Judge,
    reader: FrameReader,
    policy: Policy,
) -> list[str]:
    """The relation relate finds for each row's pair, as a gold label.

    Pairs go in with similarity 0: the same speaker repeating itself must be found
    by the judge here, not by relate's origin test (which needs near-identical text).
    """
    claims = [c for r in rows for c in (_claim(r, "a"), _claim(r, "b"))]
    frames = reader.read_many(
        [FrameInput(c.content, speaker=c.source_name, when=c.published) for c in claims]
    )
    pairs = [(2 * n, 2 * n + 1, 0.0) for n in range(len(rows))]
    found, _ = relate_pairs(claims, pairs, judge, lambda _: [], frames=frames, policy=policy)
    kind = {frozenset((r.claim_a, r.claim_b)): r.kind for r in found}
    return [
        _AS_GOLD.get(kind.get(frozenset((claims[2 * n].claim_id, claims[2 * n + 1].claim_id)), ""))
        or "compatible"
        for n in range(len(rows))
    ]


def evaluate(
    folder: str | Path,
    split: str,
    judge: Judge,
    reader: FrameReader,
    *,
    stance_threshold: float,
    policy: Policy,
    tasks: Sequence[str] = ("stance", "relation"),
) -> dict[str, Any]:
    """Stance and relation scores on one split, overall and per hard case."""
    out: dict[str, Any] = {"split": split}
    if "stance" in tasks:
        rows = read_split(folder, "stance", split)
        pred = predict_stances(rows, judge, reader, stance_threshold)
        out["stance"] = scores([r["label"] for r in rows], pred, STANCES)
        out["stance"]["by_case"] = _by_case(rows, pred)
        out["stance"]["threshold"] = stance_threshold
    if "relation" in tasks:
        rows = read_split(folder, "relation", split)
        pred = predict_relations(rows, judge, reader, policy)
        out["relation"] = scores([r["label"] for r in rows], pred, RELATIONS)
        out["relation"]["by_case"] = _by_case(rows, pred)
        out["relation"]["threshold"] = policy.threshold
    return out


def sweep(
    folder: str | Path,
    split: str,
    judge: Judge,
    reader: FrameReader,
    policy: Policy,
    thresholds: Sequence[float],
) -> dict[str, list[dict[str, float]]]:
    """Contradiction precision and recall, and stance macro-F1, at each threshold:
    what the thresholds in the config are chosen from (on dev, never on test)."""
    cached = CachedJudge(judge)
    stance_rows = read_split(folder, "stance", split)
    relation_rows = read_split(folder, "relation", split)
    gold_rel = [r["label"] for r in relation_rows]
    out: dict[str, list[dict[str, float]]] = {"contradicts": [], "stance": []}
    for t in thresholds:
        p = Policy(t, policy.window_days, policy.referee)
        pred = predict_relations(relation_rows, cached, reader, p)
        c = scores(gold_rel, pred, RELATIONS)["per_label"]["contradicts"]
        out["contradicts"].append({"threshold": t, "p": c["p"], "r": c["r"], "f1": c["f1"]})
        st = predict_stances(stance_rows, cached, reader, t)
        macro = scores([r["label"] for r in stance_rows], st, STANCES)["macro_f1"]
        out["stance"].append({"threshold": t, "macro_f1": macro})
    return out

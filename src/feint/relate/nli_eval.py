"""Scoring an entailment judge on NLI pairs (JSONL: premise, hypothesis, label, source).

Reports accuracy, macro-F1, per-label precision/recall/F1 and the confusion matrix,
overall and per ``source`` field. ``held_out_rows`` gives the tenth of
../shared/data/nli/train.jsonl that ``train/nli.py`` held out (never trained on).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from feint.errors import UsageError
from feint.relate.judges.judge import LABELS, Judge

BATCH = 256


def read_pairs(path: str | Path) -> list[dict[str, Any]]:
    """NLI rows from a JSONL file; rows without the three fields are refused."""
    rows = []
    for n, line in enumerate(Path(path).read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise UsageError(f"{path}:{n}: not valid JSON ({e.msg}); fix that line.") from e
        if not all(isinstance(row.get(k), str) for k in ("premise", "hypothesis", "label")):
            raise UsageError(f"{path}:{n}: needs string fields premise, hypothesis and label.")
        if row["label"] not in LABELS:
            raise UsageError(f"{path}:{n}: label {row['label']!r} is not one of {LABELS}.")
        rows.append(row)
    return rows


def held_out_rows(train_path: str | Path) -> list[dict[str, Any]]:
    """The rows of train.jsonl that the shipped feint-nli model never saw."""
    folder = resources.files("feint.relate") / "data" / "feint-nli"
    lines = json.loads((folder / "held_out_lines.json").read_text("utf-8"))
    rows = read_pairs(train_path)
    return [rows[i] for i in lines]


def evaluate(
    judge: Judge,
    rows: Sequence[dict[str, Any]],
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Scores overall and by source."""
    predicted: list[str] = []
    for b in range(0, len(rows), BATCH):
        part = rows[b : b + BATCH]
        predicted.extend(
            j.label for j in judge.judge_many([(r["premise"], r["hypothesis"]) for r in part])
        )
        if progress is not None:
            progress(min(b + BATCH, len(rows)), len(rows))
    gold = [r["label"] for r in rows]
    by_source: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_source[str(r.get("source", "?"))].append(i)
    result = _scores(gold, predicted)
    result["judge"] = judge.name
    result["by_source"] = {
        s: _scores([gold[i] for i in idx], [predicted[i] for i in idx])
        for s, idx in sorted(by_source.items())
    }
    return result


def _scores(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    confusion = {g: dict.fromkeys(LABELS, 0) for g in LABELS}
    for g_label, p_label in zip(gold, pred, strict=True):
        confusion[g_label][p_label] += 1
    per_label: dict[str, dict[str, float]] = {}
    for label in LABELS:
        tp = confusion[label][label]
        n_pred = sum(confusion[g][label] for g in LABELS)
        n_gold = sum(confusion[label].values())
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        per_label[label] = {"p": round(p, 4), "r": round(r, 4), "f1": round(f1, 4), "n": n_gold}
    present = [lab for lab in LABELS if per_label[lab]["n"]]
    macro = sum(per_label[lab]["f1"] for lab in present) / max(1, len(present))
    n = len(gold)
    return {
        "n": n,
        "accuracy": round(sum(a == b for a, b in zip(gold, pred, strict=True)) / n, 4)
        if n
        else 0.0,
        "macro_f1": round(macro, 4),
        "per_label": per_label,
        "confusion": confusion,
    }

"""The entailment judge's speed and what it keeps: feint-nli as relate runs it.

On pairs like relate's (PolNeAR train content spans, paired at random, as
bench/relate.py makes them), it measures, in one run and interleaved chunk by chunk so
that other load on the machine falls on every setting alike:

* ``one-at-a-time``: one pair per inference run on all cores (onnxruntime's threads),
  the setting feint used before issue 16 (``OnnxJudge(runs=1)``);
* ``side-by-side``: one pair per run, ``runs`` runs at once, one core each
  (``OnnxJudge()``, the default now);
* with ``--batch B``: B pairs per run, sorted by length (what batching would give;
  the shipped int8 model's scores then depend on the batch-mates).

It also reports the held-out NLI accuracy of each setting (the tenth of
../shared/data/nli/train.jsonl the model never saw; ``--held-out 0`` skips it), the
largest score difference between settings on the same pairs (0 means a pair's
scores do not depend on how it is run), and how many pairs the tokenizer cuts at
the model's max_len.

    .venv/bin/python bench/judge.py                       # 2,000 pairs, all held-out rows
    .venv/bin/python bench/judge.py --pairs 500 --held-out 1000 --batch 32 --json
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from feint.cores import available_cores
from feint.relate.judges.judge import LABELS
from feint.relate.judges.onnx_judge import BATCH, OnnxJudge
from feint.relate.nli_eval import held_out_rows
from relate import contents

NLI_TRAIN = Path(__file__).resolve().parents[2] / "shared" / "data" / "nli" / "train.jsonl"


def relate_like_pairs(n: int, seed: int = 1) -> list[tuple[str, str]]:
    texts = contents(3_000)
    rng = random.Random(seed)
    return [(rng.choice(texts), rng.choice(texts)) for _ in range(n)]


class _Batched:
    """B pairs per inference run, sorted by length (the judge's session, its tokenizer)."""

    def __init__(self, judge: OnnxJudge, batch: int) -> None:
        self.judge, self.batch = judge, batch

    def probs(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        out = np.zeros((len(pairs), 3))
        for b in range(0, len(order), self.batch):
            idx = order[b : b + self.batch]
            out[idx] = self.judge._probs([pairs[i] for i in idx])
        return out


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    runs = args.runs or available_cores()
    one = OnnxJudge.builtin(runs=1)
    many = OnnxJudge.builtin(runs=runs)
    settings: dict[str, Any] = {
        "one-at-a-time": lambda p: _as_array(one.judge_many(p)),
        f"side-by-side x{runs}": lambda p: _as_array(many.judge_many(p)),
    }
    for b in args.batch:
        settings[f"batches of {b}"] = _Batched(one, b).probs
    return settings


def _as_array(verdicts: list[Any]) -> np.ndarray:
    return np.array([[v.scores[label] for label in LABELS] for v in verdicts])


def run(args: argparse.Namespace) -> dict[str, Any]:
    pairs = relate_like_pairs(args.pairs)
    settings = _settings(args)
    for fn in settings.values():  # warm up
        fn(pairs[:20])
    seconds = dict.fromkeys(settings, 0.0)
    scores: dict[str, list[np.ndarray]] = {name: [] for name in settings}
    for c in range(0, len(pairs), args.chunk):
        for name, fn in settings.items():
            t = time.perf_counter()
            scores[name].append(fn(pairs[c : c + args.chunk]))
            seconds[name] += time.perf_counter() - t
    base_name = next(iter(settings))
    base = np.concatenate(scores[base_name])
    rows = []
    held = held_out_rows(NLI_TRAIN)[: args.held_out] if args.held_out else []
    for name, fn in settings.items():
        got = np.concatenate(scores[name])
        row = {
            "setting": name,
            "pairs_per_s": round(len(pairs) / seconds[name], 1),
            "speedup": round(seconds[base_name] / seconds[name], 2),
            "max_score_difference": float(np.abs(got - base).max()),
        }
        if held:
            probs = fn([(r["premise"], r["hypothesis"]) for r in held])
            right = [
                LABELS[int(np.argmax(p))] == r["label"] for p, r in zip(probs, held, strict=True)
            ]
            row["held_out_accuracy"] = round(float(np.mean(right)), 4)
        rows.append(row)
    judge = OnnxJudge.builtin(runs=1)
    max_len = int(judge.meta.get("max_len", 128))
    cut = sum(len(judge.tokenizer.encode(a, b).ids) >= max_len for a, b in pairs)
    return {
        "machine": platform.processor() or platform.machine(),
        "cores": available_cores(),
        "pairs": len(pairs),
        "held_out_rows": len(held),
        "pairs_per_run": BATCH,
        "max_len": max_len,
        "pairs_cut_at_max_len": round(cut / len(pairs), 4),
        "rows": rows,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--pairs", type=int, default=2_000, help="relate-like pairs timed")
    ap.add_argument("--held-out", type=int, default=6_156, help="held-out NLI rows (0: skip)")
    ap.add_argument("--runs", type=int, default=0, help="side-by-side runs (0: the cores)")
    ap.add_argument("--batch", type=int, nargs="*", default=[], help="also time B pairs a run")
    ap.add_argument("--chunk", type=int, default=100, help="pairs per setting in turn")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    result = run(args)
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"{result['pairs']:,} relate-like pairs on {result['cores']} core(s); "
        f"{result['pairs_cut_at_max_len']:.1%} cut at max_len {result['max_len']}"
    )
    for r in result["rows"]:
        acc = f"  held-out acc {r['held_out_accuracy']}" if "held_out_accuracy" in r else ""
        print(
            f"{r['setting']:>22}: {r['pairs_per_s']:>7} pairs/s  x{r['speedup']:<5}"
            f"  max score diff {r['max_score_difference']:.1e}{acc}"
        )


if __name__ == "__main__":
    main()

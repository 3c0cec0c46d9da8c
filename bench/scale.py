"""Relate at size: rates at 100k and 1M claims, and the hours a 1M-claim run takes.

Claim contents are bench/relate.py's: PolNeAR train content spans, repeated with
variation (a dropped word, a named actor) until there are N. For each N it measures

* embed: claims/s of all-MiniLM-L6-v2 on the first ``--embed-max`` contents;
* frames: claims/s of the frame reader (a spaCy parse per claim) on ``--frames-max``;
* neighbours: relate's ``knn`` (k = 3 x 20, as relate asks) on N vectors, the embedded
  ones grown to N by noisy copies as bench/relate.py does, up to ``--neighbours-max``
  (above it, take the figure of ``bench/relate.py --neighbours-only``);
* judge: pairs/s of feint-nli, both directions, on ``--judge-max`` relate-like pairs
  (an upper bound: relate reads b -> a only where it can change the relation, 1.53
  runs a pair on the demo; bench/relate.py times that);
* write: rows/s of ``Store.insert`` for N claims, N x cap relations and N stances into
  a fresh DuckDB file (cap = ``[relate] judged_per_claim``, the most relations a
  claim's judged pairs can give);
* peak memory (VmHWM, reset before each N).

Rates measured on a sample are marked and extrapolated linearly to N. The projection
for 1M claims uses the per-core rates (rate / cores used): embedding and judging
spread over Ray actors (``--ray``); frames, neighbours and writes stay on the machine
that runs feint, so they do not shrink with more nodes.

    .venv/bin/python bench/scale.py                          # N = 100,000 and 1,000,000
    .venv/bin/python bench/scale.py --sizes 20000 --json
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from feint.config import RelateOptions
from feint.cores import available_cores
from feint.relate.embed import SentenceTransformerEmbedder
from feint.relate.frames import FrameInput, FrameReader
from feint.relate.judges.onnx_judge import OnnxJudge
from feint.relate.neighbours import knn
from feint.store import Store
from feint.store.records import ClaimRow, RelationRow, StanceRow
from relate import contents, grown

CLUSTER_CORES = 16 * 8


def _peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> None:
    # Not on Linux, or not allowed: the peak then spans the whole run.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds else float("inf")


def _write_rate(n: int, per_claim: int) -> dict[str, Any]:
    claims = [ClaimRow(f"c{i}", f"a{i}", f"s{i % 997}", "media") for i in range(n)]
    relations = [
        RelationRow(f"c{i}", f"c{(i + j + 1) % n}", "corroborates", 0.9, "bench", "-")
        for i in range(n)
        for j in range(per_claim)
    ]
    stances = [StanceRow("Q", f"c{i}", "neutral", 0.0, "bench", None) for i in range(n)]
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "w.duckdb") as store:
        start = time.perf_counter()
        for table in (claims, relations, stances):
            with store.transaction():
                store.insert(table)
        seconds = time.perf_counter() - start
    total = len(claims) + len(relations) + len(stances)
    return {
        "write_rows": total,
        "write_s": round(seconds, 1),
        "write_rows_per_s": _rate(total, seconds),
    }


def run(n: int, args: argparse.Namespace) -> dict[str, Any]:
    _reset_peak()
    options = RelateOptions()
    texts = contents(n)
    embedder = SentenceTransformerEmbedder()
    sample = texts[: args.embed_max]
    t = time.perf_counter()
    vectors = embedder.encode(sample)
    embed_rate = _rate(len(sample), time.perf_counter() - t)
    reader = FrameReader.load()
    t = time.perf_counter()
    reader.read_many([FrameInput(x) for x in texts[: args.frames_max]])
    frames_rate = _rate(min(n, args.frames_max), time.perf_counter() - t)
    knn_s = None
    if n <= args.neighbours_max:
        full = grown(vectors, n)
        t = time.perf_counter()
        knn(full, 3 * options.k)
        knn_s = round(time.perf_counter() - t, 1)
        del full
    judge = OnnxJudge.builtin()
    rng = random.Random(1)
    pairs = [(rng.choice(texts), rng.choice(texts)) for _ in range(args.judge_max)]
    t = time.perf_counter()
    judge.judge_many(pairs + [(b, a) for a, b in pairs])
    judge_rate = _rate(len(pairs), time.perf_counter() - t)  # pairs judged both ways
    row = {
        "n": n,
        "embed_claims_per_s": embed_rate,
        "embed_sample": len(sample),
        "frames_claims_per_s": frames_rate,
        "frames_sample": min(n, args.frames_max),
        "knn_s": knn_s,
        "judge_pairs_per_s": judge_rate,
        "judge_sample": len(pairs),
        **_write_rate(min(n, args.write_max), options.judged_per_claim),
    }
    row["peak_mib"] = round(_peak_mib())
    return row


def projection(row: dict[str, Any], cores: int, knn_1m_s: float | None) -> dict[str, Any]:
    """Hours for 1M claims from ``row``'s rates: on ``cores`` cores and on a 16-node,
    8-core cluster (embedding and judging spread over its cores)."""
    n = 1_000_000
    per_claim = RelateOptions().judged_per_claim
    knn_s = knn_1m_s if knn_1m_s is not None else (row["knn_s"] or 0) * n / row["n"]
    local = {
        "frames": n / row["frames_claims_per_s"],
        "neighbours": knn_s,
        "write": n * (2 + per_claim) / row["write_rows_per_s"],
    }
    spread = {
        "embed": n / row["embed_claims_per_s"],
        "judge": n * per_claim / row["judge_pairs_per_s"],
    }
    here = sum(local.values()) + sum(spread.values())
    cluster = sum(local.values()) + sum(spread.values()) * cores / CLUSTER_CORES
    return {
        "assumes": f"{per_claim} judged pairs per claim (the cap; the demo judged 3.2), "
        f"neighbours {'measured at 1M' if knn_1m_s is not None else 'scaled linearly'}",
        "seconds_by_step_here": {k: round(v) for k, v in {**local, **spread}.items()},
        "hours_here": round(here / 3600, 2),
        "hours_16x8_cluster": round(cluster / 3600, 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--embed-max", type=int, default=10_000)
    ap.add_argument("--frames-max", type=int, default=5_000)
    ap.add_argument("--neighbours-max", type=int, default=100_000)
    ap.add_argument("--judge-max", type=int, default=2_000)
    ap.add_argument("--write-max", type=int, default=1_000_000)
    ap.add_argument("--knn-1m-s", type=float, help="bench/relate.py --neighbours-only's 1M figure")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    cores = available_cores()
    rows = [run(n, args) for n in args.sizes]
    result = {
        "machine": platform.processor() or platform.machine(),
        "cores": cores,
        "rows": rows,
        "projection_1m": projection(rows[-1], cores, args.knn_1m_s),
    }
    print(json.dumps(result, indent=None if args.json else 2))


if __name__ == "__main__":
    main()

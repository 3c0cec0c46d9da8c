"""Per-core rates on Ray actors: extract, embed and judge, with 1 and 2 actors.

What ``feint extract --ray`` and ``feint relate --ray`` run, timed once the actors
are up and warm (their start and model loading are not timed; they happen once per
run, not per document):

* extract: documents/s through ``RayParser`` (parts of ``batch_size`` documents);
* embed: claims/s through the actors' all-MiniLM-L6-v2, in calls of 512 texts as
  ``embed_cached`` makes them;
* judge: pairs/s through the actors' feint-nli, in calls of 1,024 pairs as relate's
  relations step makes them (512 pairs, both ways).

Documents are the PolNeAR dev texts (full news articles); claims are the contents
of the attributions found in them, and pairs are each claim with its next three,
both ways. A rate per core is the rate divided by the actors (one CPU each).
The README's "Scaling" section turns these into the time of a large run. Run it with:

    .venv/bin/python bench/ray_scale.py                  # 1 and 2 actors
    .venv/bin/python bench/ray_scale.py --actors 1 2 4 --docs 40 --json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

from feint.config import ExtractOptions, RelateOptions
from feint.extract.distributed import RayParser
from feint.raypool import RayOptions, connect
from feint.relate.distributed import RayModels

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "polnear" / "dev" / "text"
EMBED_CALL = 512  # texts per embed_cached chunk
JUDGE_CALL = 1024  # texts per relations batch: 512 pairs, both ways


def _rate(n: int, seconds: float, actors: int) -> dict[str, Any]:
    return {
        "items": n,
        "seconds": round(seconds, 2),
        "per_s": round(n / seconds, 2),
        "per_s_per_core": round(n / seconds / actors, 2),
    }


def extract_rate(rows: list[Any], actors: int) -> tuple[dict[str, Any], list[str]]:
    """Documents/s on ``actors`` warm actors, and the claim texts found."""
    with RayParser(RayOptions(actors=actors), ExtractOptions()) as parser:
        parser.pool.start()
        list(parser.parse(rows[: actors * parser.part]))  # warm every actor
        start = time.perf_counter()
        batches = list(parser.parse(rows))
        seconds = time.perf_counter() - start
    claims = [
        a.content.text for b in batches for _, atts in b.parsed for a in atts if a.content
    ]  # fmt: skip
    return _rate(len(rows), seconds, actors), claims


def relate_rates(claims: list[str], actors: int) -> dict[str, Any]:
    """Claims/s embedded and pairs/s judged on ``actors`` warm actors."""
    pairs = [
        p for i, a in enumerate(claims) for b in claims[i + 1 : i + 4] for p in ((a, b), (b, a))
    ]
    with RayModels(RayOptions(actors=actors), RelateOptions()) as models:
        models.embedder.encode(claims[: 4 * actors])  # start and warm every actor
        models.judge.judge_many(pairs[: 4 * actors])
        start = time.perf_counter()
        for i in range(0, len(claims), EMBED_CALL):
            models.embedder.encode(claims[i : i + EMBED_CALL])
        embed = _rate(len(claims), time.perf_counter() - start, actors)
        start = time.perf_counter()
        for i in range(0, len(pairs), JUDGE_CALL):
            models.judge.judge_many(pairs[i : i + JUDGE_CALL])
        judge = _rate(len(pairs), time.perf_counter() - start, actors)
    return {"embed": embed, "judge": judge}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=Path, default=DEV, help="folder of .txt files")
    parser.add_argument("--docs", type=int, default=0, help="at most this many (0: all)")
    parser.add_argument("--actors", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    paths = sorted(args.texts.glob("*.txt"))[: args.docs or None]
    rows = [(f"d{i:05d}", p.read_text("utf-8"), None) for i, p in enumerate(paths)]
    connect(None)  # a local Ray runtime with this machine's cores
    results: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}",
        "docs": len(rows),
        "words": sum(len(t.split()) for _, t, _ in rows),
        "runs": {},
    }
    for n in args.actors:
        results.setdefault("load_average_before", {})[n] = round(os.getloadavg()[0], 1)
        extract, claims = extract_rate(rows, n)
        results["claims"] = len(claims)
        results["runs"][n] = {"extract": extract, **relate_rates(claims, n)}
    if args.json:
        print(json.dumps(results))
        return
    print(f"{results['docs']} documents ({results['words']:,} words), {results['claims']} "
          f"claims; {results['machine']}; load average before each run "
          f"{results['load_average_before']}")  # fmt: skip
    print(f"{'actors':>6} {'step':8} {'items':>6} {'seconds':>8} {'per s':>8} {'per s/core':>11}")
    for n, run in results["runs"].items():
        for step, unit in (("extract", "docs"), ("embed", "claims"), ("judge", "pairs")):
            r = run[step]
            print(f"{n:>6} {step:8} {r['items']:>6} {r['seconds']:>8} {r['per_s']:>8} "
                  f"{r['per_s_per_core']:>11}  {unit}")  # fmt: skip


if __name__ == "__main__":
    main()

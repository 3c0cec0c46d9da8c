"""The demo's relate step with the settings before issue 16 and now, on one store.

The bundled case is ingested and extracted once; the store is copied, and relate
runs on each copy (embeddings, frames, propositions, stances, pairs), timed whole:

* ``before``: the defaults before issue 16: k = 10 with every frame-compatible
  candidate judged (``judged_per_claim = 0``; there was no cap) in both directions
  (``needs_reverse`` patched to say yes), one pair per inference run on all cores
  (``OnnxJudge(runs=1)``);
* ``k20-all``: the same with k = 20, the k issue 16 asks the cap to hold at: what
  the cap saves at the new k (this was the "before" of stop 21's figures, which
  therefore overstated the speedup over the old defaults);
* ``now``: the defaults: k = 20, each claim's 5 most similar candidates judged, b -> a
  only where it can change the relation (``judge_both_ways``), pairs run side by
  side, one per core.

What stays outside every setting: a label claim's stance toward its own proposition
is no longer judged (issue 16), which ``before`` cannot switch back on; at the commit
before issue 16's work (5b7c8e2) the demo's relate took 27.4 s against 24.2 s for
``before`` here, on the same quiet machine, so ``before`` is if anything a little fast.

It prints seconds, judged pairs (and per claim), relations by kind and the speedup
over ``before``. The relations of ``now`` are mostly a subset of what ``before``
judged; the report says how many of ``before``'s contradictions ``now`` still finds.

    .venv/bin/python bench/demo_relate.py [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any
from unittest import mock

from feint.config import load_options
from feint.cores import available_cores
from feint.demo import QUESTION, bundled_inputs
from feint.ingest import Metadata
from feint.ingest.dates import parse_date
from feint.relate import relations
from feint.relate.judges.onnx_judge import OnnxJudge
from feint.session import Session

# Each setting: relate options, judge runs, b -> a judged for every pair.
SETTINGS: dict[str, tuple[dict[str, Any], int | None, bool]] = {
    "before": ({"k": 10, "judged_per_claim": 0}, 1, True),
    "k20-all": ({"k": 20, "judged_per_claim": 0}, 1, True),
    "now": ({}, None, False),
}


def extracted_store(folder: Path) -> Path:
    """The bundled case ingested and extracted, as the demo does it."""
    db = folder / "extracted.duckdb"
    seed, corpus, _, _ = bundled_inputs()
    with Session.open(db) as case:
        case.ingest(
            [str(seed)], Metadata(outlet="kyivpost.com", published=parse_date("2024-05-24"))
        )
        case.ingest([str(corpus)])
        case.extract()
    return db


def timed_relate(
    db: Path, relate: dict[str, Any], runs: int | None, both_ways: bool
) -> dict[str, Any]:
    options = load_options(relate=relate)
    judge = OnnxJudge.builtin(runs=runs)
    always = mock.patch.object(relations, "needs_reverse", lambda ab, threshold: True)
    with Session.open(db, options, models={"judge": judge}) as case:
        with always if both_ways else contextlib.nullcontext():
            start = time.perf_counter()
            report = case.relate(QUESTION)
            seconds = time.perf_counter() - start
        contradictions = {
            (a, b)
            for a, b in case.store.query(
                "SELECT claim_a, claim_b FROM relations WHERE kind = 'contradicts'"
            ).rows
        }
    return {
        "k": options.relate.k,
        "judged_per_claim_cap": options.relate.judged_per_claim,
        "judge_runs": judge.runs,
        "both_ways": both_ways,
        "seconds": round(seconds, 1),
        "claims": report.claims,
        "judged_pairs": report.judged_pairs,
        "judged_pairs_per_claim": round(report.judged_pairs / max(report.claims, 1), 2),
        "relations": dict(sorted(report.relations.items())),
        "_contradictions": contradictions,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="feint-bench-") as tmp:
        source = extracted_store(Path(tmp))
        rows = {}
        for name, (relate, runs, both_ways) in SETTINGS.items():
            db = Path(tmp) / f"{name}.duckdb"
            shutil.copy(source, db)
            rows[name] = timed_relate(db, relate, runs, both_ways)
    before, now = rows["before"], rows["now"]
    kept = len(before["_contradictions"] & now["_contradictions"])
    result = {
        "cores": available_cores(),
        "settings": {
            n: {k: v for k, v in r.items() if not k.startswith("_")} for n, r in rows.items()
        },
        "speedup": round(before["seconds"] / now["seconds"], 2),
        "before_contradictions_still_found": f"{kept} of {len(before['_contradictions'])}",
    }
    if args.json:
        print(json.dumps(result))
        return
    for name, r in result["settings"].items():
        print(
            f"{name:>7}: {r['seconds']:>7} s  k {r['k']}, cap {r['judged_per_claim_cap']}, "
            f"judge runs {r['judge_runs']}, both ways {r['both_ways']}: "
            f"{r['judged_pairs']:,} pairs judged "
            f"({r['judged_pairs_per_claim']} per claim of {r['claims']:,})  {r['relations']}"
        )
    print(
        f"relate is {result['speedup']}x faster now; "
        f"{result['before_contradictions_still_found']} of before's contradictions still found"
    )


if __name__ == "__main__":
    main()

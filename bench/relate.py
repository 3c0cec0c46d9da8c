"""Relating claims at scale: embedding, candidate generation and judging.

Claim contents are PolNeAR train content spans (real reported speech), repeated with
variation until there are N of them: each copy drops one word at random and may
swap a named actor, so texts differ as relayed reports do. For each N the script
measures

* embedding: claims/s through all-MiniLM-L6-v2 (sentence-transformers, CPU);
* candidates: the k-nearest-neighbour search (exact below 8,000 claims, the IVF
  index above) and the unordered candidate pairs it yields, against n·k and n^2,
  and, up to --recall-max claims, the index's recall against exact search;
* frames: claims/s through the frame reader (a spaCy parse of each content), and
  the pairs the judge sees once each claim keeps the k of its 3k nearest that may
  share its actor, pairs of two accounts of acts are dropped and each claim keeps its
  ``--judged-per-claim`` most similar, as relate does, per claim (issue 16 aims at 5
  or fewer at k = 20);
* judging: pairs/s of the judge, both directions, on up to --judge-max of those
  pairs (all of them when there are fewer); the time for all pairs is extrapolated
  from that rate and marked so.

    .venv/bin/python bench/relate.py                      # N = 10,000 and 100,000
    .venv/bin/python bench/relate.py --sizes 1000 10000 --judge rules --json
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import time
from pathlib import Path

import numpy as np

from feint.config import RelateOptions
from feint.relate.embed import SentenceTransformerEmbedder
from feint.relate.frames import FrameInput, FrameReader
from feint.relate.judges.judge import get_judge
from feint.relate.neighbours import EXACT_LIMIT, knn
from feint.relate.relations import candidate_pairs, within_budget
from feint.relate.stage import same_actor_neighbours

TRAIN = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "polnear" / "train"
_ACTORS = ("Putin", "the Kremlin", "Moscow", "Biden", "the White House", "Kyiv", "Zelensky")


def contents(n: int, seed: int = 7) -> list[str]:
    """N claim contents: PolNeAR train contents, varied copies after the first pass."""
    from feint.extract.polnear import load_corpus

    spans = (
        art.text[g.spans["content"][0] : g.spans["content"][1]].strip()
        for art in load_corpus(TRAIN)
        for g in art.gold
        if "content" in g.spans
    )
    base = sorted({t for t in spans if 4 <= len(t.split()) <= 60})
    rng = random.Random(seed)
    out = list(base[:n])
    while len(out) < n:
        words = rng.choice(base).split()
        del words[rng.randrange(len(words))]
        if rng.random() < 0.5:
            words.insert(0, rng.choice(_ACTORS) + " said")
        out.append(" ".join(words))
    return out


def run(
    n: int, k: int, judge_name: str, judge_max: int, recall_max: int, per_claim: int
) -> dict[str, object]:
    texts = contents(n)
    embedder = SentenceTransformerEmbedder()
    t = time.perf_counter()
    vectors = embedder.encode(texts)
    embed_s = time.perf_counter() - t
    t = time.perf_counter()
    idx, sims = knn(vectors, 3 * k)  # as relate: 3k, then the k that may share an actor
    knn_s = time.perf_counter() - t
    candidates = len(candidate_pairs(idx[:, :k], sims[:, :k], 0.37))
    recall = None
    if EXACT_LIMIT < n <= recall_max:
        exact, _ = knn(vectors, k, exact_limit=n + 1)
        recall = float(
            np.mean([len(set(a) & set(b[:k])) / k for a, b in zip(exact, idx, strict=True)])
        )
    reader = FrameReader.load()
    t = time.perf_counter()
    frames = reader.read_many([FrameInput(x) for x in texts])
    frames_s = time.perf_counter() - t
    near, near_sims, _ = same_actor_neighbours(idx, sims, frames, k)
    pairs = within_budget(
        [
            (i, j, s)
            for i, j, s in candidate_pairs(near, near_sims, 0.37)
            if not (frames[i].event and frames[j].event)
        ],
        per_claim,
    )
    judge = get_judge(judge_name)
    sample = pairs[:judge_max]
    texts_pairs = [(texts[i], texts[j]) for i, j, _ in sample]
    texts_pairs += [(b, a) for a, b in texts_pairs]
    texts_pairs.sort(key=lambda p: len(p[0]) + len(p[1]))  # as relate_pairs batches them
    t = time.perf_counter()
    judge.judge_many(texts_pairs)
    judge_s = time.perf_counter() - t
    pair_rate = len(sample) / judge_s if judge_s else float("inf")
    return {
        "n": n,
        "k": k,
        "embed_claims_per_s": round(n / embed_s, 1),
        "knn_s": round(knn_s, 2),
        "knn_claims_per_s": round(n / knn_s, 1),
        "index": "exact" if n <= EXACT_LIMIT else "ivf",
        "ivf_recall_at_k": None if recall is None else round(recall, 3),
        "frames_claims_per_s": round(n / frames_s, 1),
        "candidate_pairs": candidates,
        "judged_pairs": len(pairs),
        "judged_pairs_per_claim": round(len(pairs) / n, 2),
        "n_times_k": n * k,
        "n_squared_pairs": n * (n - 1) // 2,
        "judge": judge.name,
        "judged_pairs_timed": len(sample),
        "judge_pairs_per_s": round(pair_rate, 1),
        "judge_claims_per_s": round(pair_rate * n / max(len(pairs), 1), 1),
        "judge_all_pairs_s": round(len(pairs) / pair_rate, 1),
        "judge_all_extrapolated": len(sample) < len(pairs),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument(
        "--k", type=int, default=RelateOptions().k, help="neighbours per claim ([relate] k)"
    )
    ap.add_argument(
        "--judged-per-claim",
        type=int,
        default=RelateOptions().judged_per_claim,
        help="pairs judged per claim at most ([relate] judged_per_claim; 0: all)",
    )
    ap.add_argument("--judge", default="feint-nli")
    ap.add_argument("--judge-max", type=int, default=5_000, help="pairs judged per size, at most")
    ap.add_argument("--recall-max", type=int, default=20_000, help="exact search up to this N")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rows = []
    for n in args.sizes:
        rows.append(
            run(n, args.k, args.judge, args.judge_max, args.recall_max, args.judged_per_claim)
        )
        if not args.json:
            _print(rows[-1])
    if args.json:
        print(json.dumps({"machine": platform.processor() or platform.machine(), "rows": rows}))
        return


def _print(r: dict[str, object]) -> None:
    recall = r["ivf_recall_at_k"]
    extrapolated = " (extrapolated)" if r["judge_all_extrapolated"] else ""
    print(
        f"n={r['n']:>7,}  embed {r['embed_claims_per_s']:>7} claims/s  "
        f"kNN ({r['index']}) {r['knn_s']}s = {r['knn_claims_per_s']} claims/s"
        f"{'' if recall is None else f', recall@k {recall}'}  "
        f"pairs {r['candidate_pairs']:,} (n·k {r['n_times_k']:,}; "
        f"n^2/2 {r['n_squared_pairs']:,})  frames {r['frames_claims_per_s']} claims/s, "
        f"judged {r['judged_pairs']:,} = {r['judged_pairs_per_claim']} per claim  "
        f"judge {r['judge_pairs_per_s']} pairs/s = "
        f"{r['judge_claims_per_s']} claims/s, all pairs {r['judge_all_pairs_s']}s{extrapolated}"
    )


if __name__ == "__main__":
    main()

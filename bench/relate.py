"""Relating claims at scale: embedding, candidate generation and judging.

Claim contents are PolNeAR train content spans (real reported speech), repeated with
variation until there are N of them: each copy drops one word at random and may
swap a named actor, so texts differ as relayed reports do. For each N the script
measures

* embedding: claims/s through all-MiniLM-L6-v2 (sentence-transformers, CPU);
* candidates: the k-nearest-neighbour search (exact below 8,000 claims, the HNSW
  index above) and the unordered candidate pairs it yields, against n·k and n^2,
  and, up to --recall-max claims, the index's recall against exact search;
* frames: claims/s through the frame reader (a spaCy parse of each content), and
  the pairs the judge sees once each claim keeps the k of its 3k nearest that may
  share its actor, pairs of two accounts of acts are dropped and each claim keeps its
  ``--judged-per-claim`` most similar, as relate does, per claim (issue 16 aims at 5
  or fewer at k = 20);
* judging: pairs/s of the judge as relate runs it (``judge_both_ways``: a -> b for
  every pair, b -> a where it can change the relation; feint-nli's pairs side by
  side, one per core), on up to --judge-max of those pairs (all of them when there
  are fewer); the time for all pairs is extrapolated from that rate and marked so.
  Beside it, in turn on the same pairs, as feint judged them before issue 16: both
  directions for every pair, one at a time (feint-nli with ``runs=1``), and the
  speedup.

    .venv/bin/python bench/relate.py                      # N = 10,000 and 100,000
    .venv/bin/python bench/relate.py --sizes 1000 10000 --judge rules --json

--neighbours-only skips frames and judging and compares neighbour search libraries
(hnswlib, which relate uses, faiss's HNSW and IVF indexes, usearch) at each size:

    .venv/bin/python bench/relate.py --neighbours-only --sizes 100000 1000000

Its vectors are real: all-MiniLM-L6-v2 embeddings of --base distinct PolNeAR train
contents (cached with --cache), grown to N by copies of random ones with Gaussian
noise (sigma 0.01 to 0.03 per dimension, so a copy keeps a cosine of about 0.8 to
0.98 with its original) and renormalised, so that clusters of near-duplicates look
like relayed reporting. Each library builds its index on all N and queries all N
rows for k = 20 (--k) in a fresh process; recall@k is measured on --sample random
rows against exact brute force for those rows only. Peak memory is that process's
VmHWM, which includes the N vectors themselves (also shown alone). Builds run on one
thread, as relate builds (repeatable); queries on all cores. --determinism N builds
each library twice on N vectors with all threads, then with one, and reports the
share of rows whose neighbour lists differ.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from feint.config import RelateOptions
from feint.relate.embed import SentenceTransformerEmbedder
from feint.relate.frames import FrameInput, FrameReader
from feint.relate.judges.judge import get_judge
from feint.relate.judges.onnx_judge import OnnxJudge
from feint.relate.neighbours import EXACT_LIMIT, build_index, knn, query_index
from feint.relate.relations import candidate_pairs, judge_both_ways, within_budget
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
    sample = pairs[:judge_max]
    judged = judge_rates(judge_name, [(texts[i], texts[j]) for i, j, _ in sample])
    pair_rate = judged["judge_pairs_per_s"]
    return {
        "n": n,
        "k": k,
        "embed_claims_per_s": round(n / embed_s, 1),
        "knn_s": round(knn_s, 2),
        "knn_claims_per_s": round(n / knn_s, 1),
        "index": "exact" if n <= EXACT_LIMIT else "hnsw",
        "index_recall_at_k": None if recall is None else round(recall, 3),
        "frames_claims_per_s": round(n / frames_s, 1),
        "candidate_pairs": candidates,
        "judged_pairs": len(pairs),
        "judged_pairs_per_claim": round(len(pairs) / n, 2),
        "n_times_k": n * k,
        "n_squared_pairs": n * (n - 1) // 2,
        "judged_pairs_timed": len(sample),
        **judged,
        "judge_claims_per_s": round(pair_rate * n / max(len(pairs), 1), 1),
        "judge_all_pairs_s": round(len(pairs) / pair_rate, 1),
        "judge_all_extrapolated": len(sample) < len(pairs),
    }


def judge_rates(judge_name: str, pairs: list[tuple[str, str]], chunk: int = 250) -> dict[str, Any]:
    """Pairs/s of the judge as relate runs it and as it ran before issue 16, in turn
    chunk by chunk, so that other load on the machine falls on both alike."""
    judge = get_judge(judge_name)
    before = OnnxJudge.builtin(runs=1) if judge_name == "feint-nli" else judge
    threshold = RelateOptions().contradiction_threshold
    for j in (judge, before):  # load and warm up
        j.judge_many(pairs[:10])
    now_s = before_s = 0.0
    reverse = 0
    for c in range(0, len(pairs), chunk):
        part = pairs[c : c + chunk]
        t = time.perf_counter()
        before.judge_many(part + [(b, a) for a, b in part])
        before_s += time.perf_counter() - t
        t = time.perf_counter()
        verdicts = judge_both_ways(judge, part, threshold)
        now_s += time.perf_counter() - t
        reverse += sum(ba is not None for _, ba in verdicts)
    rate = len(pairs) / now_s if now_s else float("inf")
    rate_before = len(pairs) / before_s if before_s else float("inf")
    return {
        "judge": judge.name,
        "judge_pairs_per_s": round(rate, 1),
        "judge_runs_per_pair": round(1 + reverse / max(len(pairs), 1), 3),
        "judge_pairs_per_s_before": round(rate_before, 1),
        "judge_speedup": round(rate / rate_before, 2),
    }


def base_vectors(count: int, cache: Path | None) -> np.ndarray:
    """Embeddings of the first ``count`` distinct PolNeAR train contents (cached)."""
    if cache is not None and cache.exists():
        vectors: np.ndarray = np.load(cache)
        if len(vectors) >= count:
            return vectors[:count]
    vectors = SentenceTransformerEmbedder().encode(contents(count))
    if cache is not None:
        np.save(cache, vectors)
    return vectors


def grown(base: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """N unit vectors: ``base``, then noisy renormalised copies of random base rows."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    out[: min(n, len(base))] = base[:n]
    for start in range(len(base), n, 50_000):
        size = min(n, start + 50_000) - start
        sigma = rng.uniform(0.01, 0.03, (size, 1)).astype(np.float32)
        x = base[rng.integers(0, len(base), size)]
        x = x + sigma * rng.standard_normal((size, base.shape[1]), dtype=np.float32)
        out[start : start + size] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def exact_rows(vectors: np.ndarray, rows: np.ndarray, k: int) -> np.ndarray:
    """Exact k nearest other rows of ``rows`` only, by blocks of the whole set."""
    best_v = np.full((len(rows), k), -np.inf, dtype=np.float32)
    best_i = np.zeros((len(rows), k), dtype=np.int64)
    for start in range(0, len(vectors), 100_000):
        sims = vectors[rows] @ vectors[start : start + 100_000].T
        sims[rows[:, None] - start == np.arange(sims.shape[1])[None, :]] = -np.inf
        vals = np.concatenate([best_v, sims], axis=1)
        ids = np.concatenate(
            [best_i, np.broadcast_to(np.arange(start, start + sims.shape[1]), sims.shape)], axis=1
        )
        part = np.argpartition(-vals, k - 1, axis=1)[:, :k]
        best_v, best_i = np.take_along_axis(vals, part, 1), np.take_along_axis(ids, part, 1)
    return best_i


def _vm(field: str) -> float:
    """This process's VmHWM (peak) or VmRSS, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _build(library: str, x: np.ndarray, threads: int) -> Any:
    """``library``'s index of x, built on ``threads`` threads."""
    if library == "hnswlib":
        return build_index(x, threads=threads)
    if library == "usearch":
        from usearch.index import Index

        index = Index(ndim=x.shape[1], metric="ip", dtype="f32", connectivity=16, expansion_add=100)
        index.add(np.arange(len(x)), x, threads=threads)
        return index
    import faiss  # type: ignore[import-untyped]

    all_threads = faiss.omp_get_max_threads()
    if library == "faiss-hnsw":
        index = faiss.IndexHNSWFlat(x.shape[1], 16, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 100
    else:  # faiss-ivf: this repo's former method, 4·sqrt(n) cells
        cells = int(4 * np.sqrt(len(x)))
        index = faiss.index_factory(x.shape[1], f"IVF{cells},Flat", faiss.METRIC_INNER_PRODUCT)
        faiss.extract_index_ivf(index).cp.seed = 0
        index.train(x)
    faiss.omp_set_num_threads(threads)
    index.add(x)
    faiss.omp_set_num_threads(all_threads)
    return index


def _query(library: str, index: Any, x: np.ndarray, k: int) -> np.ndarray:
    """Every row's k nearest other rows by ``library``'s index, on all cores, with the
    same breadth for each (ef 64 for the graphs; nprobe 16, as before, for IVF)."""
    if library == "hnswlib":
        return np.asarray(query_index(index, x, k, ef=64)[0])
    if library == "usearch":
        index.expansion_search = 64
        labels = np.asarray(index.search(x, k + 1, threads=0).keys, dtype=np.int64)
    else:
        if library == "faiss-hnsw":
            index.hnsw.efSearch = 64
        else:
            index.nprobe = 16
        labels = np.asarray(index.search(x, k + 1)[1], dtype=np.int64)
    mine = labels == np.arange(len(x))[:, None]
    mine[~mine.any(axis=1), -1] = True
    return labels[~mine].reshape(len(x), k)


def _neighbour_job(
    path: str, library: str, k: int, threads: int, rows: np.ndarray | None
) -> dict[str, Any]:
    """One library on the vectors at ``path``, in a fresh process for its own peak."""
    x = np.load(path)
    vectors_mib = _vm("VmRSS")  # with the vectors and the imports, before any index
    t = time.perf_counter()
    index = _build(library, x, threads)
    build_s = time.perf_counter() - t
    t = time.perf_counter()
    idx = _query(library, index, x, k)
    query_s = time.perf_counter() - t
    return {
        "build_s": round(build_s, 1),
        "query_s": round(query_s, 1),
        "peak_mib": round(_vm("VmHWM")),
        "vectors_mib": round(vectors_mib),
        "rows": idx if rows is None else idx[rows],
    }


def _in_fresh_process(*args: Any) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=ctx) as pool:
        return pool.submit(_neighbour_job, *args).result()


def neighbours_only(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The library comparison (module docstring): one row per size and library."""
    base = base_vectors(args.base, args.cache)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path = str(Path(tmp) / "vectors.npy")
            vectors = grown(base, n)
            np.save(path, vectors)
            rng = np.random.default_rng(1)
            sample = np.sort(rng.choice(n, size=min(args.sample, n), replace=False))
            exact = exact_rows(vectors, sample, args.k)
            del vectors
            for library in args.library:
                r = _in_fresh_process(path, library, args.k, 1, sample)
                hits = [len(set(a) & set(b)) for a, b in zip(exact, r.pop("rows"), strict=True)]
                r.update(n=n, library=library, sample=len(sample))
                r["recall_at_k"] = round(float(np.mean(hits)) / args.k, 4)
                rows.append(r)
                if not args.json:
                    print(_neighbour_line(r, args.k), flush=True)
        if args.determinism:
            rows += _determinism(args, base, str(Path(tmp) / "vectors.npy"))
    return rows


def _determinism(args: argparse.Namespace, base: np.ndarray, path: str) -> list[dict[str, Any]]:
    """Each library built twice with all threads, then twice with one: the share of
    rows whose neighbour lists differ between the two builds."""
    np.save(path, grown(base, args.determinism))
    rows = []
    for library in args.library:
        for threads in (os.cpu_count() or 1, 1):
            a, b = (_in_fresh_process(path, library, args.k, threads, None) for _ in "ab")
            differ = float(np.mean((a["rows"] != b["rows"]).any(axis=1)))
            rows.append(
                {
                    "n": args.determinism,
                    "library": library,
                    "build_threads": threads,
                    "rows_differing": round(differ, 4),
                }
            )
            if not args.json:
                print(
                    f"determinism n={args.determinism:,} {library:<10} build threads "
                    f"{threads}: {differ:.2%} of rows differ between two builds",
                    flush=True,
                )
    return rows


def _neighbour_line(r: dict[str, Any], k: int) -> str:
    return (
        f"n={r['n']:>9,}  {r['library']:<10}  recall@{k} {r['recall_at_k']:.4f} "
        f"(sample {r['sample']:,})  build {r['build_s']:>7.1f}s  query {r['query_s']:>7.1f}s  "
        f"peak {r['peak_mib']:>6,} MiB (before the index {r['vectors_mib']:,})"
    )


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
    ap.add_argument("--neighbours-only", action="store_true", help="compare kNN libraries only")
    ap.add_argument(
        "--library", nargs="+", default=["hnswlib", "faiss-hnsw", "usearch", "faiss-ivf"]
    )
    ap.add_argument("--base", type=int, default=16_000, help="real contents embedded")
    ap.add_argument("--cache", type=Path, help="an .npy to keep the base embeddings in")
    ap.add_argument("--sample", type=int, default=2_000, help="rows whose recall is measured")
    ap.add_argument("--determinism", type=int, default=0, help="N for the repeat check")
    args = ap.parse_args()
    if args.neighbours_only:
        rows = neighbours_only(args)
        if args.json:
            print(json.dumps({"machine": platform.processor() or platform.machine(), "rows": rows}))
        return
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
    recall = r["index_recall_at_k"]
    extrapolated = " (extrapolated)" if r["judge_all_extrapolated"] else ""
    print(
        f"n={r['n']:>7,}  embed {r['embed_claims_per_s']:>7} claims/s  "
        f"kNN ({r['index']}) {r['knn_s']}s = {r['knn_claims_per_s']} claims/s"
        f"{'' if recall is None else f', recall@k {recall}'}  "
        f"pairs {r['candidate_pairs']:,} (n·k {r['n_times_k']:,}; "
        f"n^2/2 {r['n_squared_pairs']:,})  frames {r['frames_claims_per_s']} claims/s, "
        f"judged {r['judged_pairs']:,} = {r['judged_pairs_per_claim']} per claim  "
        f"judge {r['judge_pairs_per_s']} pairs/s ({r['judge_runs_per_pair']} runs a pair; "
        f"{r['judge_speedup']}x the {r['judge_pairs_per_s_before']} of before) = "
        f"{r['judge_claims_per_s']} claims/s, all pairs {r['judge_all_pairs_s']}s{extrapolated}"
    )


if __name__ == "__main__":
    main()

"""k nearest neighbours of unit vectors: exact for small sets, an HNSW graph beyond.

Relation finding judges only each claim's k nearest neighbours, never all pairs, so
its cost grows as n·k. Below ``EXACT_LIMIT`` vectors the neighbours are exact
(blocked matrix products). Above it hnswlib's HNSW graph (Malkov and Yashunin 2018,
"Efficient and robust approximate nearest neighbor search using Hierarchical
Navigable Small World graphs") finds them: each vector is inserted into a layered
proximity graph and each query walks it greedily, keeping the ``ef`` best seen.

Why hnswlib: chosen by measurement (``bench/relate.py --neighbours-only``) against
faiss-cpu 1.15.1 (HNSWFlat, and IVFFlat, this module's former method) and usearch
2.26.6, on real all-MiniLM-L6-v2 embeddings of 16,000 PolNeAR claim contents grown
to 100,000 by noisy copies (relayed-report near-duplicates), k = 20, recall on 2,000
rows against exact search. On 2 CPU cores shared with other work (load 9 to 11), so
times are rough, ratios less so; one build thread, queries on both:

    library      recall@20  build s  query s  peak MiB (434 before the index)
    hnswlib        0.9932     187.6     48.5    682
    faiss HNSW     0.9909     447.3    209.2    646

Earlier probes at 100,000 (two build threads, recall on 1,000 rows): hnswlib 0.993
(build 36.5 s, query 14.3 s); faiss IVF with 4·sqrt(n) cells found 0.902 at nprobe
16 (build 25.4 s, query 43.0 s) and 0.848 at nprobe 8, short of 0.95. usearch built
10,000 vectors on one thread in 47 s (inner product, f32) against hnswlib's 13.5 s,
and had not built and queried 100,000 after ten minutes.

At 1,000,000 (the same 16,000 grown by noisy copies; recall on 1,000 rows; one build
thread, queries on both, beside the test suite): hnswlib recall@20 0.9513, build
274.1 s, query 90.8 s, peak 4,210 MiB (1,751 before the index). That is at the 0.95
floor: raise ``EF_SEARCH`` before M if a larger or denser set needs more.
hnswlib has no wheel for 0.8.0, so it compiles at install (g++); faiss-cpu would
not, at two to four times the time.

Determinism: an HNSW graph depends on the order of insertion, which threads make
vary. Built twice on two threads, 2.1% of 16,241 rows' neighbour lists differed
(usearch: 12.4%; faiss HNSW happened to repeat); built on one thread (seeded level
draws) they were identical, as are queries on any number of threads (each reads the
finished graph alone). So the build runs on one thread and the queries on all.
"""

from __future__ import annotations

from typing import Any, Final

import hnswlib
import numpy as np

from feint.cores import available_cores

EXACT_LIMIT: Final = 8_000
_BLOCK: Final = 2_048
# Graph degree and build breadth: hnswlib's usual M 16 with ef_construction 100 kept
# recall@20 above 0.99 at 100,000 real-like vectors; more only slows the build.
M: Final = 16
EF_CONSTRUCTION: Final = 100
# Candidates kept per query (at least k + 1, the row itself among them).
EF_SEARCH: Final = 64


def knn(
    vectors: np.ndarray,
    k: int,
    *,
    exact_limit: int = EXACT_LIMIT,
    ef: int = EF_SEARCH,
    seed: int = 0,
    threads: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's k nearest other rows by dot product.

    Args:
        vectors: (n, d) float32, L2-normalised.
        k: neighbours per row (fewer when n <= k).
        exact_limit: above this many rows, use the HNSW index.
        ef: candidates each query keeps in the index (raised to k + 1 if lower).
        seed: the seed of the index's level draws, so that runs repeat.
        threads: query threads (default: the cores this process may use); the build
            always uses one.

    Returns:
        (indices, similarities), each (n, k'), best first; k' = min(k, n - 1).
    """
    n = len(vectors)
    kk = min(k, n - 1)
    if kk <= 0:
        return np.zeros((n, 0), dtype=np.int64), np.zeros((n, 0), dtype=np.float32)
    if n <= exact_limit:
        return _exact(vectors, vectors, kk, offset=0)
    index = build_index(vectors, seed=seed)
    return query_index(index, vectors, kk, ef=ef, threads=threads)


def build_index(vectors: np.ndarray, *, seed: int = 0, threads: int = 1) -> Any:
    """An hnswlib inner-product index of the rows, labelled 0..n-1.

    ``threads`` above 1 builds faster but not repeatably (module docstring)."""
    index = hnswlib.Index(space="ip", dim=vectors.shape[1])
    index.init_index(
        max_elements=len(vectors), M=M, ef_construction=EF_CONSTRUCTION, random_seed=seed
    )
    index.add_items(
        np.ascontiguousarray(vectors, dtype=np.float32),
        np.arange(len(vectors)),
        num_threads=threads,
    )
    return index


def query_index(
    index: Any, vectors: np.ndarray, k: int, *, ef: int = EF_SEARCH, threads: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The k nearest other rows of each row of ``vectors`` (the index's own rows, in
    order), best first: k + 1 are asked for and the row itself dropped."""
    index.set_ef(max(ef, k + 1))
    labels, dists = index.knn_query(
        np.ascontiguousarray(vectors, dtype=np.float32),
        k=k + 1,
        num_threads=threads or available_cores(),
    )
    # hnswlib's "ip" distance is 1 - dot product.
    return _drop_self(labels.astype(np.int64), (1.0 - dists).astype(np.float32))


def _drop_self(idx: np.ndarray, sims: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop each row's own index, or its last (worst) neighbour when the search
    missed itself, as it may among exact duplicates: k + 1 columns become k."""
    n, width = idx.shape
    mine = idx == np.arange(n)[:, None]
    mine[~mine.any(axis=1), -1] = True
    keep = ~mine
    return idx[keep].reshape(n, width - 1), sims[keep].reshape(n, width - 1)


def _top(sims: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    part = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    vals = np.take_along_axis(sims, part, axis=1)
    order = np.argsort(-vals, axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1), np.take_along_axis(vals, order, axis=1)


def _exact(
    queries: np.ndarray, base: np.ndarray, k: int, *, offset: int
) -> tuple[np.ndarray, np.ndarray]:
    """Exact top-k of queries (rows offset.. of base) among base, self excluded."""
    idx = np.empty((len(queries), k), dtype=np.int64)
    val = np.empty((len(queries), k), dtype=np.float32)
    for start in range(0, len(queries), _BLOCK):
        block = queries[start : start + _BLOCK]
        sims = block @ base.T
        rows = np.arange(len(block))
        sims[rows, offset + start + rows] = -np.inf
        idx[start : start + len(block)], val[start : start + len(block)] = _top(sims, k)
    return idx, val

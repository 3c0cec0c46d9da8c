"""The analyst's view: how long the report takes to write, how large it is, and how
fast the web UI answers, on the bundled case's store.

The store is the demo's (``feint demo``, about 70 s, unless ``--db`` names one). For
each report format the script times ``write_report`` (median of --repeat runs) and
gives the file's size. For the web UI it times requests through the ASGI app
in-process (FastAPI's TestClient: the app's own cost, no socket), median and
95th percentile per endpoint, and one ACH edit (a rating set and the matrix
re-scored).

    .venv/bin/python bench/report.py
    .venv/bin/python bench/report.py --db feint-demo/feint.duckdb --repeat 10 --json
    .venv/bin/python bench/report.py --claims 100000   # and at 100,000 claims

With ``--claims N`` each format is also written from a copy of the store grown to
about N claims (``report_scale.py``: the demo's claims repeated), in a fresh
process, with its write time and peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from feint.demo import run_demo
from feint.report import FORMATS, write_report
from feint.store import Store
from feint.web.app import create_app
from report_scale import grow, print_rows, write_in_child


def _timed(fn: Any, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--db", type=Path, help="an assessed store [default: build the demo's]")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--claims", type=int, help="also write each format at about this many claims")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="feint-bench-report-"))
    try:
        if args.db is None:
            t = time.perf_counter()
            db = Path(run_demo(tmp / "demo").db_path)
            print(f"demo store built in {time.perf_counter() - t:.1f} s")
        else:
            db = tmp / "store.duckdb"
            shutil.copyfile(args.db, db)  # the web UI writes: never into the user's store
        results: dict[str, Any] = {"machine": platform.processor() or platform.machine()}
        with Store.open(db) as store:
            results["documents"] = store.query(
                "SELECT count(*) FROM documents WHERE status = 'ok'"
            ).rows[0][0]
            for fmt in FORMATS:
                times = _timed(lambda f=fmt: write_report(store, tmp / "out", f), args.repeat)
                size = (tmp / "out" / f"report.{fmt}").stat().st_size
                results[f"report_{fmt}"] = {"median_s": statistics.median(times), "bytes": size}
            client = TestClient(create_app(store, hosts=("testserver",)))
            ach = client.get("/api/ach").json()
            doc = client.get("/api/documents?page_size=1").json()["items"][0]["doc_id"]
            endpoints = ["/", "/ach", f"/documents/{doc}", "/claims", "/contradictions",
                         "/sources", "/api/ach", "/api/claims", "/api/report"]  # fmt: skip
            for path in endpoints:
                times = _timed(lambda p=path: client.get(p).raise_for_status(), args.repeat * 4)
                times.sort()
                results[f"GET {path}"] = {
                    "median_ms": 1000 * statistics.median(times),
                    "p95_ms": 1000 * times[int(0.95 * (len(times) - 1))],
                }
            h, e = ach["hypotheses"][0]["id"], ach["evidence"][0]["id"]
            body = {"question": ach["question"], "hypothesis_id": h, "evidence_id": e}
            ratings = ["II", "C"] * args.repeat
            times = []
            for r in ratings:
                t = time.perf_counter()
                client.post("/api/ach/ratings", json={**body, "rating": r}).raise_for_status()
                times.append(time.perf_counter() - t)
            results["POST /api/ach/ratings"] = {"median_ms": 1000 * statistics.median(times)}
        if args.claims:
            with Store.open(db) as store:
                results["claims"] = grow(store, args.claims)
            for fmt in FORMATS:
                results[f"report_{fmt} at {results['claims']:,} claims"] = write_in_child(
                    db, tmp / f"scaled-{fmt}", fmt
                )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=1))
        return
    print(f"{results['documents']} documents on {results['machine']}")
    print_rows(results, width=44, digits=3)


if __name__ == "__main__":
    main()

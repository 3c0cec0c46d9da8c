"""The report at scale: write time and peak memory with many claims (issue 13, item 7).

The store is the demo's (``feint demo``, unless ``--db`` names an assessed one),
copied and grown to about ``--claims`` claims by repeating its documents,
attributions, claims, stances, grades and contradicts relations under new ids, and
by letting every evidence row rest on the copies of its claims as well. Each copy of
a claim quotes a copy of its document, so the report has as many quotes, documents,
sources rows and conflicts to gather as a store of that size would. Each format is then
written in a fresh process, which reports its wall time and its peak resident memory
(VmHWM, reset after the imports), beside the report's size.

    .venv/bin/python bench/report_scale.py                     # 100,000 claims
    .venv/bin/python bench/report_scale.py --claims 10000 --json
    .venv/bin/python bench/report_scale.py --db feint-demo/feint.duckdb
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from feint.demo import run_demo
from feint.report import FORMATS
from feint.store import Store

# One child process writes one report and prints its own wall time, its resident
# memory after the imports, and its peak resident memory while writing (KiB). A
# process started by exec keeps its parent's high-water mark (ru_maxrss), so the
# child resets its own (Linux: "5" to /proc/self/clear_refs) and reads VmHWM.
_CHILD = """
import sys, time
from pathlib import Path
from feint.report import write_report
from feint.store import Store

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])

with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
start_rss = status("VmRSS")
t = time.perf_counter()
with Store.open(Path(sys.argv[1])) as store:
    write_report(store, Path(sys.argv[2]), sys.argv[3])
print(time.perf_counter() - t, start_rss, status("VmHWM"))
"""


def grow(store: Store, claims: int) -> int:
    """Repeat the store's claims (and what hangs on them) until about ``claims``."""
    base = int(store.query("SELECT count(*) FROM claims").rows[0][0])
    copies = max(1, math.ceil(claims / max(base, 1))) - 1
    with store.transaction() as conn:
        for k in range(1, copies + 1):
            s = f"-x{k}"
            # Each copy of a claim sits in a copy of its document, as in a store of that
            # size: documents keep their real number of attributions.
            conn.execute(
                f"INSERT INTO documents SELECT * REPLACE (doc_id || '{s}' AS doc_id) "
                "FROM documents WHERE doc_id NOT LIKE '%-x%' AND status = 'ok'"
            )
            conn.execute(
                f"INSERT INTO attributions SELECT * REPLACE (attr_id || '{s}' AS attr_id, "
                f"doc_id || '{s}' AS doc_id, "
                f"CASE WHEN parent_id IS NULL THEN NULL ELSE parent_id || '{s}' END "
                "AS parent_id) FROM attributions WHERE attr_id NOT LIKE '%-x%'"
            )
            conn.execute(
                f"INSERT INTO claims SELECT * REPLACE (claim_id || '{s}' AS claim_id, "
                f"attr_id || '{s}' AS attr_id) FROM claims WHERE claim_id NOT LIKE '%-x%'"
            )
            for table in ("stances", "grades"):
                conn.execute(
                    f"INSERT INTO {table} SELECT * REPLACE (claim_id || '{s}' AS claim_id) "
                    f"FROM {table} WHERE claim_id NOT LIKE '%-x%'"
                )
            conn.execute(
                f"INSERT INTO relations SELECT * REPLACE (claim_a || '{s}' AS claim_a, "
                f"claim_b || '{s}' AS claim_b) FROM relations "
                "WHERE kind = 'contradicts' AND claim_a NOT LIKE '%-x%'"
            )
        if copies:
            suffixes = [f"-x{k}" for k in range(1, copies + 1)]
            conn.execute(
                "UPDATE evidence SET refs = list_concat(refs, flatten(list_transform(?, "
                "lambda s: list_transform(list_filter(refs, lambda r: r LIKE 'c-%'), "
                "lambda r: r || s))))",
                [suffixes],
            )
    return int(store.query("SELECT count(*) FROM claims").rows[0][0])


def write_in_child(db: Path, out: Path, fmt: str) -> dict[str, Any]:
    """Write one report in a fresh process: its wall time and peak RSS."""
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(db), str(out), fmt],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"writing the {fmt} report failed:\n{proc.stderr}")
    write_s, imported, peak = proc.stdout.strip().splitlines()[-1].split()
    return {
        "write_s": float(write_s),
        "process_s": wall,
        "peak_rss_mib": int(peak) / 1024,
        "imports_rss_mib": int(imported) / 1024,  # resident after importing feint
        "bytes": (out / f"report.{fmt}").stat().st_size,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--db", type=Path, help="an assessed store [default: build the demo's]")
    ap.add_argument("--claims", type=int, default=100_000, help="claims to grow the store to")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="feint-bench-scale-"))
    try:
        if args.db is None:
            db = Path(run_demo(tmp / "demo").db_path)
        else:
            db = tmp / "store.duckdb"
            shutil.copyfile(args.db, db)
        t = time.perf_counter()
        with Store.open(db) as store:
            n = grow(store, args.claims)
        results: dict[str, Any] = {
            "machine": platform.processor() or platform.machine(),
            "claims": n,
            "grow_s": time.perf_counter() - t,
        }
        for fmt in FORMATS:
            results[f"report_{fmt}"] = write_in_child(db, tmp / f"out-{fmt}", fmt)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=1))
        return
    grown = f"grown in {results['grow_s']:.1f} s"
    print(f"{results['claims']:,} claims on {results['machine']} ({grown})")
    print_rows(results, width=12, digits=1)


def print_rows(results: dict[str, Any], width: int, digits: int) -> None:
    """Each measured thing on a line: its name, then its figures (sizes in bytes)."""
    for key, value in results.items():
        if isinstance(value, dict):
            shown = (
                f"{k} {v:,}" if k == "bytes" else f"{k} {v:.{digits}f}" for k, v in value.items()
            )
            print(f"{key[:width]:{width}s} " + ", ".join(shown))


if __name__ == "__main__":
    main()

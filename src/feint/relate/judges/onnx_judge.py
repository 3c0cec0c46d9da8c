"""``feint-nli``: feint's own cross-encoder, run with onnxruntime (no torch).

The model is all-MiniLM-L6-v2 fine-tuned on ../shared/data/nli/train.jsonl by
``train/nli.py`` and quantised to int8; it ships in ``relate/data/feint-nli`` with
its tokenizer and a meta.json that records how it was made.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import numpy as np

from feint.onnx_model import load
from feint.relate.judges.judge import LABELS, NliVerdict

# Pairs per inference run: one. The int8 model quantises its activations over the
# whole input tensor, so in a batch a pair's scores depend on its batch-mates: with
# batches of 64, shuffling 400 demo claims among their batch-mates changed the stance
# of 47 of them toward the same question, and 190 scores moved by more than 0.05. A
# claim's stance must not depend on which other claims are in the store. One pair a
# run has no padding either, and was faster on 2 cores (290 pairs/s against 179).
BATCH = 1


class OnnxJudge:
    """An ONNX sequence-pair classifier with labels entailment, neutral, contradiction."""

    name = "feint-nli"

    def __init__(self, folder: str | Path) -> None:
        model = load(folder, "feint-nli", "python train/nli.py")
        self.meta, self.tokenizer, self.session = model.meta, model.tokenizer, model.session
        self._inputs = model.inputs
        max_len = int(self.meta.get("max_len", 128))
        self.tokenizer.enable_truncation(max_len)
        self.tokenizer.enable_padding()
        self.labels = tuple(self.meta.get("labels", LABELS))

    @classmethod
    def builtin(cls) -> OnnxJudge:
        """The model shipped with feint."""
        return cls(Path(str(resources.files("feint.relate") / "data" / "feint-nli")))

    def judge_many(self, pairs: Sequence[tuple[str, str]]) -> list[NliVerdict]:
        """Verdicts for (premise, hypothesis) pairs, batched."""
        out: list[NliVerdict] = []
        for b in range(0, len(pairs), BATCH):
            enc = self.tokenizer.encode_batch(list(pairs[b : b + BATCH]))
            feeds = {
                "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in enc], dtype=np.int64),
            }
            logits = self.session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})
            z = np.asarray(logits[0], dtype=np.float64)
            probs = np.exp(z - z.max(axis=1, keepdims=True))
            probs /= probs.sum(axis=1, keepdims=True)
            for row in probs:
                scores = {label: float(p) for label, p in zip(self.labels, row, strict=True)}
                out.append(NliVerdict(scores, f"feint-nli: {max(scores, key=scores.__getitem__)}"))
        return out

"""``cross-encoder:PATH_OR_NAME``: any sentence-transformers NLI CrossEncoder.

For users who have one. A folder is loaded as it is; a hub name is tried offline
first and fails with a clear message when it is neither cached nor reachable.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from feint.errors import ModelNotFoundError
from feint.relate.judges.judge import LABELS, NliVerdict


class CrossEncoderJudge:
    """A sentence-transformers CrossEncoder with NLI labels in its config."""

    def __init__(self, name_or_path: str) -> None:
        self.name = f"cross-encoder:{name_or_path}"
        try:
            from sentence_transformers import CrossEncoder
        except ImportError as e:
            raise ModelNotFoundError(
                "The cross-encoder judge needs sentence-transformers and torch: "
                "pip install torch==2.13.0 sentence-transformers."
            ) from e
        local = Path(name_or_path).exists()
        try:
            self.model: Any = CrossEncoder(name_or_path, local_files_only=True)
        except Exception as e:
            where = "folder" if local else "model name (not cached, and feint works offline)"
            raise ModelNotFoundError(
                f"Cannot load the cross-encoder {name_or_path!r} as a {where}: {e}. Give the "
                "path of a downloaded CrossEncoder folder, or use --judge feint-nli."
            ) from e
        id2label = getattr(self.model.model.config, "id2label", {}) or {}
        self.order = [str(id2label.get(i, LABELS[i])).lower() for i in range(len(LABELS))]
        if sorted(self.order) != sorted(LABELS):
            raise ModelNotFoundError(
                f"{name_or_path!r} is not an NLI model: its labels are {self.order}, not "
                "entailment, neutral and contradiction."
            )

    def judge_many(self, pairs: Sequence[tuple[str, str]]) -> list[NliVerdict]:
        """Verdicts for (premise, hypothesis) pairs."""
        logits = np.asarray(self.model.predict(list(pairs), apply_softmax=False), dtype=float)
        probs = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
        return [
            NliVerdict({label: float(p) for label, p in zip(self.order, row, strict=True)})
            for row in probs
        ]

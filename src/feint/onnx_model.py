"""Loading feint's shipped ONNX models (feint-nli, feint-tagger) with onnxruntime and
tokenizers only: no torch at inference, and one clear error when a model is missing."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from feint.cores import available_cores
from feint.errors import ModelNotFoundError


@dataclass(frozen=True, slots=True)
class OnnxModel:
    """A model folder as loaded: meta.json, the tokenizer and the inference session."""

    meta: dict[str, Any]
    tokenizer: Any  # tokenizers.Tokenizer
    session: Any  # onnxruntime.InferenceSession
    inputs: frozenset[str]  # the input names the graph takes


def load(
    folder: str | Path, name: str, retrain: str, *, threads: int = 0, spinning: bool = True
) -> OnnxModel:
    """``model.onnx``, ``tokenizer.json`` and ``meta.json`` from ``folder``.

    ``threads``: the cores one inference run may use. 0: onnxruntime's choice (all
    physical cores), unless this process may use fewer cores than the machine has
    (``feint.cores``; a Ray actor), then that many.

    ``spinning``: whether onnxruntime's worker threads busy-wait for work between
    runs (its default), which takes the cores from whatever runs between them (the
    tagger's, see extract/tagger.py).

    Raises:
        ModelNotFoundError: a file is missing or unreadable; says how to get it back
            (``retrain``: the command that makes the model again).
    """
    import onnxruntime
    from tokenizers import Tokenizer

    folder = Path(folder)
    try:
        meta: dict[str, Any] = json.loads((folder / "meta.json").read_text("utf-8"))
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        options = onnxruntime.SessionOptions()
        budget = available_cores()
        restricted = budget < (os.cpu_count() or budget)
        options.intra_op_num_threads = threads or (budget if restricted else 0)
        if not spinning:
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            options.add_session_config_entry("session.inter_op.allow_spinning", "0")
        session = onnxruntime.InferenceSession(
            str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )
    except Exception as e:  # OSError, ValueError, and onnxruntime's own exceptions
        raise ModelNotFoundError(
            f"Cannot load the {name} model from {str(folder)!r} ({e}). Reinstall feint, or "
            f"retrain it with {retrain!r}."
        ) from e
    return OnnxModel(meta, tokenizer, session, frozenset(i.name for i in session.get_inputs()))

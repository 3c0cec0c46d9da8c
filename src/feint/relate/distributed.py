"""``feint relate --ray``: claims embedded and pairs judged on Ray actors.

Each actor loads the sentence embedder and the entailment judge once. Relate gets
an embedder and a judge (the ``Embedder`` and ``Judge`` protocols) that cut each
call's texts or pairs into one part per actor and put the answers back in order;
relate itself runs unchanged in the calling process and writes the store as it does
without Ray (the embedding cache, relations, stances). Frames and the rules referee
stay local: they are cheap. Retries and failures: ``feint.raypool``.

Verdicts do not depend on the parts: feint-nli reads one pair per run
(``judges/onnx_judge.py``). Embeddings may differ in the last bits, since
sentence-transformers batches a call's texts by length.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from feint.config import RelateOptions
from feint.raypool import ActorPool, Closing, RayOptions, Worker, split
from feint.relate.embed import SentenceTransformerEmbedder
from feint.relate.judges.judge import NliVerdict, get_judge

if TYPE_CHECKING:
    from feint.relate.embed import Embedder
    from feint.relate.judges.judge import Judge


class RelateWorker(Worker):
    """A Ray actor with relate's embedder and judge, each loaded once."""

    def __init__(self, embed_model: str, embed_batch_size: int, judge: str) -> None:
        self.embedder = SentenceTransformerEmbedder(embed_model, batch_size=embed_batch_size)
        self.judge = get_judge(judge)

    def about(self, _: Any = None) -> tuple[str, int, str]:
        """(embedder name, its dimension, judge name)."""
        return self.embedder.name, self.embedder.dim, self.judge.name

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors for a part's texts."""
        return self.embedder.encode(texts)

    def judge_many(self, pairs: Sequence[tuple[str, str]]) -> list[NliVerdict]:
        """Verdicts for a part's (premise, hypothesis) pairs."""
        return self.judge.judge_many(pairs)


class RayModels(Closing):
    """The embedder and the judge relate reads with, both on one set of Ray actors
    (started on first use, stopped on leaving ``with``).

    Args:
        ray: where to run and how many actors.
        options: the embedding model, its batch size and the judge the actors load.
    """

    def __init__(self, ray: RayOptions, options: RelateOptions) -> None:
        args = (options.embed_model, options.embed_batch_size, options.judge)
        self.pool = ActorPool(RelateWorker, args, ray)
        self._about: tuple[str, int, str] | None = None
        # The protocols want plain attributes; these answer them as properties.
        self.embedder = cast("Embedder", _RayEmbedder(self))
        self.judge = cast("Judge", _RayJudge(self))

    def close(self) -> None:
        """Stop the actors."""
        self.pool.close()

    def about(self) -> tuple[str, int, str]:
        """(embedder name, dimension, judge name), asked of an actor once."""
        if self._about is None:
            name, dim, judge = self.pool.call("about")
            self._about = (str(name), int(dim), str(judge))
        return self._about

    def spread(self, method: str, items: Sequence[Any]) -> list[Any]:
        """``method`` over ``items``, one part per actor, the answers in order."""
        parts = split(items, len(self.pool.start()))
        return self.pool.map_ordered(method, parts)


class _RayEmbedder:
    """An ``Embedder`` whose ``encode`` runs on the actors."""

    def __init__(self, models: RayModels) -> None:
        self.models = models

    @property
    def name(self) -> str:
        return self.models.about()[0]

    @property
    def dim(self) -> int:
        return self.models.about()[1]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors for ``texts``, in order."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.concatenate(self.models.spread("encode", texts)).astype(np.float32)


class _RayJudge:
    """A ``Judge`` whose ``judge_many`` runs on the actors."""

    def __init__(self, models: RayModels) -> None:
        self.models = models

    @property
    def name(self) -> str:
        return self.models.about()[2]

    def judge_many(self, pairs: Sequence[tuple[str, str]]) -> list[NliVerdict]:
        """Verdicts for (premise, hypothesis) pairs, in order."""
        if not pairs:
            return []
        return [v for part in self.models.spread("judge_many", pairs) for v in part]

"""``feint extract --ray``: documents parsed on Ray actors, written by the caller.

Each actor loads the extraction pipeline once (spaCy, the cue model, the tagger) and
parses parts of ``batch_size`` documents with ``stage.parse_batch``, the function a
local run parses its batches with; the attributions come back to ``stage.extract``,
which writes them as it writes its own. So a ``--ray`` run leaves the store as a
local run does (``tests/extract/test_distributed.py`` compares them). Retries and
failures: ``feint.raypool``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from feint.config import ExtractOptions
from feint.extract.nlp import load_pipeline
from feint.extract.records import Attribution
from feint.extract.stage import ParsedBatch, model_name, parse_batch
from feint.raypool import ActorPool, Closing, RayOptions, Worker


class ExtractWorker(Worker):
    """A Ray actor with the extraction pipeline, loaded once."""

    def __init__(self, options: ExtractOptions) -> None:
        # The actor is the process: spaCy's own worker processes would fight it for
        # the one CPU Ray gave it.
        self.options = replace(options, n_process=1)
        self.nlp = load_pipeline(options.model, options.cue_model, options.tagger)

    def model(self, _: Any = None) -> str:
        """What ``extract_runs.model`` records of this actor's pipeline."""
        return model_name(self.nlp)

    def parse(
        self, rows: Sequence[Any]
    ) -> tuple[list[tuple[str, list[Attribution]]], list[tuple[str, str]]]:
        """A part's ``(doc_id, text, published)`` rows parsed (``stage.parse_batch``)."""
        return parse_batch(self.nlp, rows, self.options)


class RayParser(Closing):
    """``stage.BatchParser`` over Ray actors; start it with ``with``.

    Args:
        ray: where to run and how many actors.
        options: the pipeline the actors load, and ``batch_size``, the documents in
            a part (a part is what is retried, and what the progress counts).
    """

    def __init__(self, ray: RayOptions, options: ExtractOptions) -> None:
        self.pool = ActorPool(ExtractWorker, (options,), ray)
        self.part = max(options.batch_size, 1)
        self._model: str | None = None

    def close(self) -> None:
        """Stop the actors."""
        self.pool.close()

    @property
    def model(self) -> str:
        """The actors' pipeline, as ``extract_runs.model`` records it."""
        if self._model is None:
            self._model = str(self.pool.call("model"))
        return self._model

    def parse(self, rows: Sequence[Any]) -> Iterator[ParsedBatch]:
        """Parts of ``rows`` parsed on the actors, each as it comes back."""
        _ = self.model  # asked now, before the parts queue up on the actors
        parts = [rows[i : i + self.part] for i in range(0, len(rows), self.part)]
        for index, (parsed, errors) in self.pool.map("parse", parts):
            yield ParsedBatch(len(parts[index]), parsed, errors)

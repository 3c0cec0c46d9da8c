"""``Session``: one case, its store, its options and its models, run stage by stage.

feint's stages are functions over a store (``ingest``, ``extract``, ``relate``,
``load_context``, ``assess``, ``write_report``), each usable alone. What they share
is costly to load: the spaCy pipeline, the sentence embedder, the entailment judge.
A ``Session`` owns them, loads each on first use and keeps it, and is the one place
that knows the stages' order and what each needs from the one before: assessing a
question first relates the store's claims toward it. The command line, the demo, the
web app and the test fixtures all go through it, so the demo loads each model once.
spaCy's ``Language`` plays this part for a pipeline's components.

    with Session.open("case.duckdb") as case:
        case.ingest(["news/"])
        case.extract()
        case.context(events=["acled.csv"], decisions=["calendar.csv"])
        case.assess("Russia is willing to negotiate a ceasefire")
        case.report("case-report")
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from feint.config import Options
from feint.store import Store

if TYPE_CHECKING:
    from spacy.language import Language

    from feint.assess.ach import Hypothesis
    from feint.assess.matrix import AssessReport
    from feint.context import ContextReport
    from feint.extract.stage import ExtractReport
    from feint.ingest import IngestReport, Metadata
    from feint.raypool import RayOptions
    from feint.relate.embed import Embedder
    from feint.relate.frames import FrameReader
    from feint.relate.judges.judge import Judge
    from feint.relate.stage import RelateReport

Progress = Callable[[int, int], None]
StepProgress = Callable[[str, int, int], None]


class _Lazy:
    """A model that loads when a stage first uses it, then stays.

    Stages take their models as arguments and load one themselves only when none is
    given, and only once they know they have work. A session hands them this
    stand-in, so that a stage with nothing to do loads nothing, and one that works
    loads the session's model once for the whole session."""

    def __init__(self, load: Callable[[], Any]) -> None:
        self._load = load
        self._model: Any = None

    def get(self) -> Any:
        if self._model is None:
            self._model = self._load()
        return self._model

    def __getattr__(self, name: str) -> Any:
        return getattr(self.get(), name)


def _given(model: Any) -> Callable[[], Any]:
    return lambda: model


class Session:
    """A store, the options, the models loaded once, and the stages in order.

    Args:
        store: an open, writable store (``Session.open`` opens one).
        options: every stage's options (defaults when None).
        models: models loaded already, by name (``nlp``, ``judge``, ``referee``,
            ``embedder``, ``frames``), to share across sessions (tests, a server
            that opens several stores); they are not counted in ``loads``.
    """

    def __init__(
        self,
        store: Store,
        options: Options | None = None,
        models: Mapping[str, Any] | None = None,
    ) -> None:
        self.store = store
        self.options = options or Options()
        self.loads: Counter[str] = Counter()
        """How many times each model was loaded (one each, at most)."""
        self._models: dict[str, _Lazy] = {}
        for name, model in (models or {}).items():
            self._loader(name)  # a name the session knows
            self._models[name] = _Lazy(_given(model))

    @classmethod
    @contextmanager
    def open(
        cls,
        path: str | Path,
        options: Options | None = None,
        *,
        create: bool = True,
        models: Mapping[str, Any] | None = None,
    ) -> Iterator[Session]:
        """A session over the store at ``path``, closed after.

        Args:
            create: make the store if it is missing (ingest); False for the stages
                after it, which refuse a store that does not exist.
            models: see ``Session``.
        """
        with Store.open(path) if create else Store.open_existing(path) as store:
            yield cls(store, options, models)

    # -- models: each loaded on first use, once ------------------------------

    def _loader(self, name: str) -> Callable[[], Any]:
        """How to load the model ``name`` under this session's options."""
        from feint.extract.nlp import load_pipeline
        from feint.relate.embed import SentenceTransformerEmbedder
        from feint.relate.frames import FrameReader
        from feint.relate.judges.judge import get_judge

        e, r = self.options.extract, self.options.relate
        loaders: dict[str, Callable[[], Any]] = {
            "nlp": lambda: load_pipeline(e.model, e.cue_model, e.tagger),
            "judge": lambda: get_judge(r.judge),
            "referee": lambda: get_judge("rules"),
            "embedder": lambda: SentenceTransformerEmbedder(
                r.embed_model, batch_size=r.embed_batch_size
            ),
            "frames": lambda: FrameReader.load(r.frame_model),
        }
        return loaders[name]

    def _lazy(self, name: str) -> _Lazy:
        """The stand-in for model ``name``: it loads (and is counted) on first use."""
        if name not in self._models:
            load = self._loader(name)

            def counted() -> Any:
                self.loads[name] += 1
                return load()

            self._models[name] = _Lazy(counted)
        return self._models[name]

    @property
    def nlp(self) -> Language:
        """The extraction pipeline (spaCy with feint's component, cue model, tagger)."""
        return cast("Language", self._lazy("nlp").get())

    @property
    def judge(self) -> Judge:
        """The entailment judge relate and assess read pairs with."""
        return cast("Judge", self._lazy("judge").get())

    @property
    def embedder(self) -> Embedder:
        """The sentence embedder relate finds neighbours with."""
        return cast("Embedder", self._lazy("embedder").get())

    @property
    def frame_reader(self) -> FrameReader:
        """The parser that reads who a claim is about, when, and which way."""
        return cast("FrameReader", self._lazy("frames").get())

    # -- the stages, in order -------------------------------------------------

    def ingest(
        self,
        inputs: Sequence[str],
        metadata: Metadata | None = None,
        *,
        stdin: BinaryIO | None = None,
        progress: Callable[[int, int, str], None] | None = None,
    ) -> IngestReport:
        """Stage 1: files, folders, globs, feeds, archives and URLs to documents
        (``progress(done, total, input)``)."""
        from feint.ingest import ingest

        return ingest(self.store, inputs, self.options.ingest, metadata, stdin=stdin,
                      progress=progress)  # fmt: skip

    def extract(
        self,
        *,
        force: bool = False,
        progress: Progress | None = None,
        ray: RayOptions | None = None,
    ) -> ExtractReport:
        """Stage 2: who says what through whom, in every document not yet read; with
        ``ray``, parsed on Ray actors (which load their own pipeline) and written here."""
        from feint.extract.stage import extract

        # A stand-in: the pipeline loads only when there is a document to read.
        nlp = cast("Language", self._lazy("nlp"))
        if ray is None:
            return extract(self.store, self.options.extract, force=force, nlp=nlp,
                           progress=progress)  # fmt: skip
        from feint.extract.distributed import RayParser

        with RayParser(ray, self.options.extract) as parser:  # actors start on first use
            return extract(self.store, self.options.extract, force=force, progress=progress,
                           parser=parser)  # fmt: skip

    def relate(
        self,
        question: str | None = None,
        *,
        force: bool = False,
        progress: StepProgress | None = None,
        ray: RayOptions | None = None,
    ) -> RelateReport:
        """Stage 3: claims, propositions, relations, and stances toward ``question``;
        with ``ray``, claims are embedded and pairs judged on Ray actors."""
        from feint.relate.judges.judge import check_spec
        from feint.relate.stage import relate

        check_spec(self.options.relate.judge)  # a bad name fails now, even with nothing to do
        # Stand-ins, not models: a relate with nothing to do loads nothing.
        veto = self.options.relate.rules == "veto"
        judge = cast("Judge", self._lazy("judge"))
        embedder = cast("Embedder", self._lazy("embedder"))
        with ExitStack() as stack:
            if ray is not None:  # the actors start, and load the models, on first use
                from feint.relate.distributed import RayModels

                models = stack.enter_context(RayModels(ray, self.options.relate))
                judge, embedder = models.judge, models.embedder
            return relate(
                self.store, self.options.relate, question=question, force=force,
                judge=judge, embedder=embedder,
                frame_reader=cast("FrameReader", self._lazy("frames")),
                referee=cast("Judge", self._lazy("referee")) if veto else None,
                progress=progress,
            )  # fmt: skip

    def context(
        self,
        events: Sequence[str] = (),
        decisions: Sequence[str] = (),
        *,
        progress: Progress | None = None,
    ) -> ContextReport:
        """Stage 4: what actors did (events) and when the audience decides."""
        from feint.context import load_context

        return load_context(self.store, events, decisions, progress=progress)

    def assess(
        self,
        question: str,
        *,
        hypotheses: list[Hypothesis] | None = None,
        progress: StepProgress | None = None,
    ) -> AssessReport:
        """Stage 5: competing hypotheses and key judgements for ``question``; the
        claims' stances toward it are taken first (relate), where missing."""
        from feint.assess.stage import assess

        self.relate(question, progress=progress)
        return assess(self.store, question, self.options.assess, hypotheses=hypotheses,
                      judge=self.judge, relate_options=self.options.relate)  # fmt: skip

    def report(
        self,
        out_dir: str | Path,
        fmt: str = "html",
        question: str | None = None,
        *,
        all_documents: bool = False,
    ) -> Path:
        """Stage 6: the report (``report.html``, ``.md`` or ``.json``) in ``out_dir``."""
        from feint.report import write_report

        return write_report(self.store, out_dir, fmt, question, all_documents=all_documents)

"""One Session runs the stages in order and loads each model once (issue 15): the
loaders themselves are counted, wherever a stage might call them, over the whole
flow on the reference article, a second question, and a re-run with nothing new."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import DATA, SEED

from feint.extract import nlp as nlp_module
from feint.ingest import Metadata
from feint.ingest.dates import parse_date
from feint.relate.embed import SentenceTransformerEmbedder
from feint.relate.frames import FrameReader
from feint.relate.judges import judge as judge_module
from feint.session import Session

pytestmark = [pytest.mark.model, pytest.mark.slow]

Q = "Putin is willing to negotiate a ceasefire"


def _count_everywhere(
    monkeypatch: pytest.MonkeyPatch, original: Callable[..., Any], name: str, calls: Counter[str]
) -> None:
    """Count calls of ``original`` under every module name bound to it."""

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[name] += 1
        return original(*args, **kwargs)

    for module in list(sys.modules.values()):
        for attr, value in list(vars(module).items()) if module else []:
            if value is original:
                monkeypatch.setattr(module, attr, counted)


def test_the_flow_loads_each_model_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: Counter[str] = Counter()
    _count_everywhere(monkeypatch, nlp_module.load_pipeline, "nlp", calls)
    specs: list[str] = []
    original_judge = judge_module.get_judge

    def judged(spec: str = judge_module.DEFAULT_JUDGE) -> Any:
        specs.append(spec)
        return original_judge(spec)

    _count_everywhere(monkeypatch, original_judge, "judge", calls)
    monkeypatch.setattr(judge_module, "get_judge", judged)
    embedder_init = SentenceTransformerEmbedder.__init__

    def embedder(self: Any, *args: Any, **kwargs: Any) -> None:
        calls["embedder"] += 1
        embedder_init(self, *args, **kwargs)

    monkeypatch.setattr(SentenceTransformerEmbedder, "__init__", embedder)
    frames_load = FrameReader.load.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(
        FrameReader, "load", classmethod(lambda cls, *a: (calls.update(["frames"]),
                                                          frames_load(cls, *a))[1])
    )  # fmt: skip

    context = DATA / "context"
    with Session.open(tmp_path / "case.duckdb") as case:
        case.ingest([str(SEED)], Metadata(outlet="kyivpost.com",
                                          published=parse_date("2024-05-24")))  # fmt: skip
        assert case.loads == Counter()  # nothing loaded before a stage needs it
        case.extract()
        case.relate(Q)
        case.context([str(context / "russian-military-actions-2022-2024.csv")],
                     [str(context / "western-decisions-2022-2024.csv")])  # fmt: skip
        first = case.assess(Q)
        second = case.assess("Russia is ready for a long war")
        case.extract()  # nothing new: nothing to read
        case.report(tmp_path / "report")
        loads = dict(case.loads)
    assert first.judgements and second.judgements
    assert (tmp_path / "report" / "report.html").exists()
    # Each model once: the extraction pipeline, the judge, the rules referee, the
    # embedder and the frame parser; the loaders themselves agree.
    assert loads == {"nlp": 1, "judge": 1, "referee": 1, "embedder": 1, "frames": 1}
    assert calls["nlp"] == 1 and calls["embedder"] == 1 and calls["frames"] == 1
    assert sorted(specs) == sorted(["feint-nli", "rules"]), specs


def test_a_session_with_nothing_to_do_loads_nothing(tmp_path: Path) -> None:
    with Session.open(tmp_path / "empty.duckdb") as case:
        case.extract()
        case.relate()
        assert case.loads == Counter()

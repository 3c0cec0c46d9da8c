"""``feint relate --ray``: claims embedded and pairs judged on Ray actors give the
relations, stances and propositions a local run gives, even when a worker dies."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from spacy.language import Language
from tests.conftest import CORPUS_SAMPLE
from tests.raytest import local_ray

from feint.config import IngestOptions
from feint.extract.stage import extract
from feint.ingest import ingest
from feint.raypool import DIE_ONCE_ENV, RayOptions
from feint.relate.frames import FrameReader
from feint.session import Session
from feint.store import Store

pytestmark = [pytest.mark.model, pytest.mark.slow]

QUESTION = "Putin is willing to negotiate a ceasefire"
TABLES = ("claims", "propositions", "relations", "open_pairs", "stances")


@pytest.fixture(scope="module")
def ray_runtime() -> Iterator[Any]:
    with local_ray() as ray:
        yield ray


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> Path:
    """The six documents of the corpus sample, extracted (not related)."""
    db = tmp_path_factory.mktemp("extracted") / "case.duckdb"
    with Store.open(db) as store:
        ingest(store, [str(CORPUS_SAMPLE)], IngestOptions())
        extract(store, nlp=nlp)
    return db


def _related(src: Path, dst: Path, models: dict[str, Any], ray: RayOptions | None) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    with Session.open(dst, models=models, create=False) as case:
        case.relate(QUESTION, ray=ray)
    return dst


def _rows(db: Path) -> dict[str, Any]:
    with Store.open_existing(db) as store:
        rows = {t: store.query(f"SELECT * FROM {t} ORDER BY ALL").rows for t in TABLES}
        rows["embeddings"] = {
            key: np.frombuffer(vector, dtype=np.float32)
            for key, vector in store.query("SELECT text_key, vector FROM embeddings").rows
        }
    return rows


def test_ray_relate_gives_the_rows_a_local_relate_gives_though_a_worker_dies(
    ray_runtime: Any,
    extracted: Path,
    tmp_path: Path,
    embedder: Any,
    default_judge: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frames = FrameReader.load()  # local in both runs: one load
    here = _rows(_related(extracted, tmp_path / "here" / "case.duckdb",
                          {"embedder": embedder, "judge": default_judge, "frames": frames},
                          None))  # fmt: skip
    marker = tmp_path / "died"
    monkeypatch.setenv(DIE_ONCE_ENV, f"1:{marker}")  # the second part of a call dies once
    there = _rows(_related(extracted, tmp_path / "ray" / "case.duckdb", {"frames": frames},
                           RayOptions(actors=2)))  # fmt: skip
    assert marker.exists()
    assert len(here["claims"]) > 20 and len(here["stances"]) == len(here["claims"])
    assert here["relations"] and here["open_pairs"]
    for table in TABLES:  # verdicts do not depend on how the pairs were cut
        assert there[table] == here[table], table
    # sentence-transformers batches by length, so vectors may move in the last bits
    assert there["embeddings"].keys() == here["embeddings"].keys()
    for key, vector in here["embeddings"].items():
        np.testing.assert_allclose(there["embeddings"][key], vector, atol=1e-5)

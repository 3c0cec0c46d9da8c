"""``feint extract --ray``: parsed on Ray actors, the store the same as a local run's,
and no document lost (or written twice) when a worker dies in the middle of a part."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language
from tests.conftest import CORPUS_SAMPLE, SEED
from tests.raytest import local_ray
from typer.testing import CliRunner

from feint.cli.main import app
from feint.config import ExtractOptions, IngestOptions, Options
from feint.extract.stage import extract
from feint.ingest import Metadata, ingest
from feint.ingest.dates import parse_date
from feint.raypool import DIE_ONCE_ENV, RayOptions
from feint.session import Session
from feint.store import Store

pytestmark = [pytest.mark.model, pytest.mark.slow]

BATCH = 2  # documents in a part: seven documents make four parts
TABLES = {
    "attributions": "*",
    "sources": "*",
    "entities": "*",
    "extract_runs": "doc_id, model, extractor, n_attributions",
}


@pytest.fixture(scope="module")
def ray_runtime() -> Iterator[Any]:
    with local_ray() as ray:
        yield ray


def _filled(path: Path) -> Path:
    with Store.open(path) as store:
        ingest(store, [str(SEED)], IngestOptions(), Metadata(published=parse_date("2024-05-24")))
        ingest(store, [str(CORPUS_SAMPLE)], IngestOptions())
    return path


def _rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with Store.open_existing(path) as store:
        return {t: store.query(f"SELECT {c} FROM {t} ORDER BY ALL").rows for t, c in TABLES.items()}


@pytest.fixture(scope="module")
def local_rows(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> dict[str, Any]:
    """The tables of the seven documents extracted here, without Ray."""
    db = _filled(tmp_path_factory.mktemp("local") / "case.duckdb")
    with Store.open_existing(db) as store:
        extract(store, ExtractOptions(batch_size=BATCH), nlp=nlp)
    return _rows(db)


def test_ray_extract_leaves_the_store_a_local_extract_leaves(
    ray_runtime: Any, tmp_path: Path, local_rows: dict[str, Any]
) -> None:
    db = _filled(tmp_path / "case.duckdb")
    options = Options(extract=ExtractOptions(batch_size=BATCH))
    with Session.open(db, options, create=False) as case:
        report = case.extract(ray=RayOptions(actors=2))
        assert case.loads["nlp"] == 0  # the actors loaded it, not the driver
    assert report.documents == 7 and not report.errors
    assert len(local_rows["attributions"]) > 20
    assert _rows(db) == local_rows


def test_a_worker_killed_mid_part_loses_no_document(
    ray_runtime: Any, tmp_path: Path, local_rows: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first try of part 1 kills its worker (os._exit); Ray restarts the actor and
    runs the part again, and every document is extracted exactly once."""
    db = _filled(tmp_path / "case.duckdb")
    marker = tmp_path / "died"
    monkeypatch.setenv(DIE_ONCE_ENV, f"1:{marker}")
    result = CliRunner().invoke(
        app,
        ["extract", "--db", str(db), "--ray", "local", "--ray-actors", "2",
         "--batch-size", str(BATCH)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert marker.exists()  # a worker did die
    rows = _rows(db)
    runs = [r[0] for r in rows["extract_runs"]]
    assert len(runs) == len(set(runs)) == 7
    assert rows == local_rows

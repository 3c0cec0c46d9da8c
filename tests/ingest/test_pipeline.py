"""Ingest as a whole: every input becomes a document or a rejected row saying why."""

from __future__ import annotations

import json
import random
from pathlib import Path

from tests.conftest import SEED, corpus_items, news_page

from feint.config import IngestOptions
from feint.ingest import Metadata, doc_id_for, ingest
from feint.ingest.dates import parse_date
from feint.store import Store

FRENCH = (
    "Le Kremlin a déclaré vendredi que la Russie était prête à négocier avec l'Ukraine, "
    "mais seulement à ses propres conditions, et que les pays occidentaux devaient cesser "
    "de livrer des armes. Selon le porte-parole, aucune rencontre entre les présidents "
    "n'était prévue pour le moment, et les discussions techniques restaient suspendues "
    "depuis plusieurs mois malgré les appels répétés de la Turquie et de la Chine."
)


def _bad_and_good(folder: Path) -> dict[str, str]:
    """A folder of the inputs the issue names; returns name -> expected outcome."""
    items = corpus_items()
    folder.mkdir()
    (folder / "good.txt").write_text(items[0]["text"], "utf-8")
    (folder / "latin1.txt").write_bytes(
        (items[1]["text"] + " Zürich, Genève, São Paulo.").encode("latin-1", "replace")
    )
    (folder / "utf16.txt").write_bytes(b"\xff\xfe" + (items[2]["text"]).encode("utf-16-le"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "report.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n")
    (folder / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(512))
    (folder / "noise.bin").write_bytes(random.Random(2).randbytes(2048))
    (folder / "index.html").write_text(
        "<html><body><nav><a href='/'>Home</a></nav></body></html>", "utf-8"
    )
    (folder / "article.html").write_text(news_page(items[3]), "utf-8")
    (folder / "french.txt").write_text(FRENCH, "utf-8")
    lines = [json.dumps(items[4]), "{broken", json.dumps(items[5])]
    (folder / "items.jsonl").write_text("\n".join(lines), "utf-8")
    return {
        "good.txt": "ok", "latin1.txt": "ok", "utf16.txt": "ok", "article.html": "ok",
        "items.jsonl:1": "ok", "items.jsonl:3": "ok",
        "empty.txt": "empty", "report.pdf": "PDF", "logo.png": "PNG",
        "noise.bin": "binary", "index.html": "no article text", "french.txt": "not English",
        "items.jsonl:2": "not valid JSON",
    }  # fmt: skip


def test_a_mixed_batch_keeps_the_good_and_explains_the_bad(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    expected = _bad_and_good(folder)
    report = ingest(store, [str(folder)], IngestOptions())
    rows = store.query("SELECT source_path, status, reason, text FROM documents").records()
    by_name = {r["source_path"].removeprefix(str(folder) + "/"): r for r in rows}
    assert set(by_name) == set(expected)
    for name, outcome in expected.items():
        row = by_name[name]
        if outcome == "ok":
            assert row["status"] == "ok", (name, row["reason"])
            assert row["text"]
        else:
            assert row["status"] == "rejected", name
            assert outcome in row["reason"], (name, row["reason"])
            assert row["source_path"] in row["reason"]  # the reason names the input
    assert report.ingested == 6
    assert len(report.rejected) == 7
    assert not report.ok


def test_decoded_text_is_kept_word_for_word(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    _bad_and_good(folder)
    ingest(store, [str(folder)], IngestOptions())
    [latin] = store.query("SELECT text FROM documents WHERE source_path LIKE '%latin1.txt'").rows[0]
    assert latin.endswith("Zürich, Genève, São Paulo.")
    [utf16] = store.query("SELECT text FROM documents WHERE source_path LIKE '%utf16.txt'").rows[0]
    assert utf16 == corpus_items()[2]["text"]


def test_ingesting_twice_adds_nothing(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    _bad_and_good(folder)
    first = ingest(store, [str(folder)], IngestOptions())
    count = store.table_counts()["documents"]
    second = ingest(store, [str(folder)], IngestOptions())
    assert store.table_counts()["documents"] == count
    assert second.ingested == 0
    assert second.unchanged == first.ingested


def test_the_same_text_from_another_input_is_a_duplicate(store: Store, tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    text = corpus_items()[0]["text"]
    a.write_text(text, "utf-8")
    b.write_text("  " + text.replace(" ", "  ") + "\n", "utf-8")  # same normalised text
    report = ingest(store, [str(a), str(b)], IngestOptions())
    assert report.ingested == 1
    assert report.duplicates == [(str(b), str(a))]
    assert report.ok  # a duplicate is not a failure: its text is stored
    rows = store.query(
        "SELECT status, duplicate_of FROM documents WHERE source_path = ?", [str(b)]
    ).rows
    assert rows == [("rejected", doc_id_for(text))]


def test_seed_is_stored_clean_with_its_furniture_apart(store: Store) -> None:
    ingest(
        store,
        [str(SEED)],
        IngestOptions(),
        Metadata(outlet="kyivpost.com", published=parse_date("2024-05-24")),
    )
    row = store.query(
        "SELECT doc_id, text, raw_text, furniture, outlet, published FROM documents"
    ).records()[0]
    raw = SEED.read_text("utf-8")
    assert row["raw_text"] == raw
    assert "JOIN US ON TELEGRAM" not in row["text"]
    assert len(json.loads(row["furniture"])) == 4
    assert row["doc_id"] == doc_id_for(row["text"])
    assert row["outlet"] == "kyivpost.com"
    assert row["published"].isoformat() == "2024-05-24"


def test_metadata_flags_set_plain_text_but_not_override_others(
    store: Store, tmp_path: Path
) -> None:
    items = corpus_items()
    txt = tmp_path / "a.txt"
    txt.write_text(items[0]["text"], "utf-8")
    page = tmp_path / "b.html"
    page.write_text(news_page(items[1]), "utf-8")
    meta = Metadata(outlet="wire.example", published=parse_date("2020-01-02"), url="u://x")
    ingest(store, [str(txt), str(page)], IngestOptions(), meta)
    got = {
        Path(r[0]).name: r[1:]
        for r in store.query("SELECT source_path, outlet, published::VARCHAR FROM documents").rows
    }
    assert got["a.txt"] == ("wire.example", "2020-01-02")
    assert got["b.html"] == ("Example News", items[1]["published"])


def test_globs_missing_paths_and_thousands_of_files(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "many" / "deep"
    folder.mkdir(parents=True)
    base = corpus_items()[0]["text"]
    n = 2000
    for i in range(n):
        (folder / f"{i:05}.txt").write_text(f"Dispatch {i}. {base}", "utf-8")
    (folder / ".hidden.txt").write_text("hidden files are skipped", "utf-8")
    seen: list[int] = []
    report = ingest(
        store,
        [str(tmp_path / "many" / "**" / "*.txt"), str(tmp_path / "nothing-here.txt")],
        IngestOptions(),
        progress=lambda done, total, name: seen.append(total),
    )
    assert report.ingested == n
    assert store.table_counts()["documents"] == n + 1
    assert set(seen) == {n + 1}
    [(_, reason)] = report.rejected
    assert "nothing-here.txt" in reason and "no such file" in reason


def test_stdin_is_an_input(store: Store) -> None:
    import io

    data = io.BytesIO(corpus_items()[0]["text"].encode("utf-8"))
    report = ingest(store, ["-"], IngestOptions(), stdin=data)
    assert report.ingested == 1
    assert store.query("SELECT source_path FROM documents").rows == [("<stdin>",)]

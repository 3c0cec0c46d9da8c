"""Readers for each input format, on real files written the way the formats are."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

from tests.conftest import corpus_items, news_page
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from feint.config import IngestOptions
from feint.ingest.inputs import InputRef
from feint.ingest.readers import detect_format, read_ref
from feint.ingest.records import Extracted, Item, RejectedItem


def _read(path: Path, **options: object) -> list[Item]:
    return list(read_ref(InputRef(str(path), "file"), IngestOptions(**options)))  # type: ignore[arg-type]


def test_html_page_gives_article_text_and_metadata(tmp_path: Path) -> None:
    item = corpus_items()[0]
    page = tmp_path / "a.html"
    page.write_text(news_page(item), "utf-8")
    [doc] = _read(page)
    assert isinstance(doc, Extracted)
    assert doc.format == "html"
    assert doc.title and item["title"] in doc.title
    assert doc.published is not None and doc.published.isoformat() == item["published"]
    assert doc.outlet == "Example News"
    assert "Deputy Defence Minister Alexander Fomin" in doc.text
    for furniture in ("Subscribe", "All rights reserved", "Markets rally", "Follow us"):
        assert furniture not in doc.text


def test_html_without_an_article_is_rejected_by_name(tmp_path: Path) -> None:
    page = tmp_path / "index.html"
    page.write_text(
        "<html><head><title>Home</title></head><body><nav><a href='/a'>World</a> "
        "<a href='/b'>Sport</a></nav><script>render()</script></body></html>",
        "utf-8",
    )
    [item] = _read(page)
    assert isinstance(item, RejectedItem)
    assert str(page) in item.reason and "no article text" in item.reason


def test_jsonl_with_a_broken_line_keeps_the_good_ones(tmp_path: Path) -> None:
    items = corpus_items()[:3]
    lines = [json.dumps(items[0]), '{"text": "unterminated', json.dumps(items[1]), "",
             json.dumps(items[2])]  # fmt: skip
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(lines), "utf-8")
    got = _read(path)
    assert [type(i).__name__ for i in got] == [
        "Extracted",
        "RejectedItem",
        "Extracted",
        "Extracted",
    ]
    bad = got[1]
    assert isinstance(bad, RejectedItem) and bad.source_path == f"{path}:2"
    assert f"{path}:2" in bad.reason and "not valid JSON" in bad.reason
    good = got[0]
    assert isinstance(good, Extracted)
    assert good.outlet == items[0]["outlet"] and good.meta["id"] == items[0]["id"]
    assert good.published is not None and good.published.isoformat() == items[0]["published"]


def test_csv_needs_a_text_column(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("body,outlet\nhello,x\n", "utf-8")
    [item] = _read(path)
    assert isinstance(item, RejectedItem) and "no 'text' column" in item.reason
    assert "body, outlet" in item.reason


def test_csv_and_json_rows_become_items(tmp_path: Path) -> None:
    items = corpus_items()[:2]
    csv_path = tmp_path / "c.csv"
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=["id", "outlet", "published", "title", "text"])
    writer.writeheader()
    for it in items:
        writer.writerow({k: it[k] for k in ("id", "outlet", "published", "title", "text")})
    csv_path.write_text(buf.getvalue(), "utf-8")
    json_path = tmp_path / "c.json"
    json_path.write_text(json.dumps(items), "utf-8")
    for path in (csv_path, json_path):
        got = _read(path)
        assert [i.text for i in got if isinstance(i, Extracted)] == [it["text"] for it in items]


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Example Wire</title><link>https://wire.example/</link>
<item><title>{t0}</title><link>https://wire.example/a</link><guid>a</guid>
<pubDate>Tue, 29 Mar 2022 12:00:00 GMT</pubDate>
<description><![CDATA[<p>{s0}</p>]]></description></item>
<item><title>Empty</title><link>https://wire.example/b</link><guid>b</guid></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Example Atom</title>
<entry><title>{t0}</title><link href="https://atom.example/a"/><id>urn:a</id>
<updated>2022-06-01T08:00:00Z</updated>
<summary type="html">&lt;p&gt;{s0}&lt;/p&gt;</summary></entry>
</feed>"""


def test_rss_and_atom_entries_become_items(tmp_path: Path) -> None:
    item = corpus_items()[1]
    rss = tmp_path / "news.rss"
    rss.write_text(RSS.format(t0=item["title"], s0=item["text"]), "utf-8")
    atom = tmp_path / "news.xml"
    atom.write_text(ATOM.format(t0=item["title"], s0=item["text"]), "utf-8")
    got = _read(rss)
    assert isinstance(got[0], Extracted) and got[0].text == item["text"]
    assert got[0].outlet == "Example Wire" and got[0].url == "https://wire.example/a"
    assert got[0].published is not None and got[0].published.isoformat() == "2022-03-29"
    assert isinstance(got[1], RejectedItem) and "no summary or content" in got[1].reason
    assert "--fetch" in got[1].reason
    [entry] = _read(atom)
    assert isinstance(entry, Extracted) and entry.text == item["text"]
    assert entry.published is not None and entry.published.isoformat() == "2022-06-01"


def test_xml_that_is_not_a_feed_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "data.xml"
    path.write_text("<?xml version='1.0'?><catalog><book>x</book></catalog>", "utf-8")
    [item] = _read(path)
    assert isinstance(item, RejectedItem) and "not an RSS or Atom feed" in item.reason


def _warc(path: Path, pages: list[tuple[str, str]], gz: bool) -> None:
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=gz)
        for url, html in pages:
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    url,
                    "response",
                    payload=io.BytesIO(html.encode("utf-8")),
                    http_headers=headers,
                )
            )
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                "https://x.example/logo.png",
                "response",
                payload=io.BytesIO(b"\x89PNG\r\n\x1a\n"),
                http_headers=image,
            )
        )


def test_warc_html_responses_become_items(tmp_path: Path) -> None:
    items = corpus_items()[:2]
    pages = [(f"https://news.example/{it['id']}", news_page(it)) for it in items]
    for name, gz in (("a.warc.gz", True), ("a.warc", False)):
        path = tmp_path / name
        _warc(path, pages, gz)
        got = _read(path)
        assert [i.url for i in got] == [u for u, _ in pages]
        assert all(isinstance(i, Extracted) and i.format == "warc" for i in got)
        assert "Fomin" in got[0].text  # type: ignore[union-attr]


def test_damaged_warc_keeps_what_was_read(tmp_path: Path) -> None:
    items = corpus_items()[:3]
    good = tmp_path / "good.warc.gz"
    _warc(good, [(f"https://n.example/{it['id']}", news_page(it)) for it in items], True)
    data = good.read_bytes()
    cut = data[: len(data) // 2]
    for tail in (b"", gzip.compress(b"garbage that is no WARC", mtime=0)):
        damaged = tmp_path / "damaged.warc.gz"
        damaged.write_bytes(cut + tail)
        got = _read(damaged)
        assert isinstance(got[-1], RejectedItem) and "damaged" in got[-1].reason
        assert str(damaged) in got[-1].reason
        assert isinstance(got[0], Extracted) and "Fomin" in got[0].text


def test_oversized_file_is_rejected_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 3000, "utf-8")
    [item] = _read(path, max_bytes=10_000)
    assert isinstance(item, RejectedItem)
    assert "too large" in item.reason and "--max-bytes" in item.reason


def test_format_is_sniffed_when_the_name_does_not_say() -> None:
    assert detect_format("page", b"<!DOCTYPE html><html>") == "html"
    assert detect_format("feed", b"<?xml version='1.0'?><rss version='2.0'>") == "feed"
    assert detect_format("x", b"WARC/1.0\r\n") == "warc"
    assert detect_format("notes", b"Plain words.") == "text"
    assert detect_format("a.warc.gz", b"\x1f\x8b") == "warc"

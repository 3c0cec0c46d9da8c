"""From one input reference to items: size checks, format detection, dispatch."""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Iterator
from typing import BinaryIO, Final

import httpx

from feint.config import IngestOptions
from feint.errors import InputRejected
from feint.ingest.decode import decode_text, sniff_binary
from feint.ingest.feeds import PageReader, looks_like_feed, read_feed
from feint.ingest.fetch import fetch
from feint.ingest.html import is_svg, looks_like_markup, read_html
from feint.ingest.inputs import InputRef
from feint.ingest.records import Extracted, Item, RejectedItem, internal_error
from feint.ingest.tabular import read_csv, read_json, read_jsonl
from feint.ingest.warc import read_warc

log = logging.getLogger(__name__)

_BY_EXTENSION: Final = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "xml",
    ".warc": "warc",
    ".arc": "warc",
}
_BY_CONTENT_TYPE: Final = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/rdf+xml": "feed",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/json": "json",
    "application/x-ndjson": "jsonl",
    "text/csv": "csv",
    "text/plain": "text",
    "application/warc": "warc",
}


def detect_format(name: str, data: bytes, content_type: str | None = None) -> str:
    """The reader for an input, from its name, its content type, then its bytes."""
    lower = name.lower()
    if lower.endswith((".warc.gz", ".arc.gz")):
        return "warc"
    fmt = _BY_EXTENSION.get(os.path.splitext(lower)[1])
    if fmt is None and content_type:
        fmt = _BY_CONTENT_TYPE.get(content_type)
    if fmt in (None, "xml") and looks_like_feed(data):
        return "feed"
    if fmt is None:
        head = data[:2048].lstrip().lower()
        if data.startswith(b"WARC/"):
            return "warc"
        if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
            return "html"
        return "text"
    return fmt


def read_ref(
    ref: InputRef,
    options: IngestOptions,
    stdin: BinaryIO | None = None,
    client: httpx.Client | None = None,
) -> Iterator[Item]:
    """All items in one input. Never raises for bad input: it yields ``RejectedItem``."""
    try:
        if ref.kind == "missing":
            yield RejectedItem(
                ref.name,
                f"{ref.name}: no such file or folder, and no file matches it as a pattern; "
                "check the path",
            )
        elif ref.kind == "stdin":
            data = stdin.read(options.max_bytes + 1) if stdin else b""
            if len(data) > options.max_bytes:
                yield RejectedItem(ref.name, _too_large(ref.name, len(data), options))
            else:
                yield from read_bytes(
                    data, detect_format("", data), ref.name, None, _page_reader(client, options)
                )
        elif ref.kind == "url":
            if client is None:
                yield RejectedItem(
                    ref.name,
                    f"{ref.name}: a URL, but fetching is off; add --fetch to download it",
                    url=ref.name,
                )
                return
            got = fetch(client, ref.name, options.max_bytes)
            fmt = detect_format(got.url.split("?")[0], got.data, got.content_type)
            yield from read_bytes(got.data, fmt, ref.name, got.url, _page_reader(client, options))
        else:
            yield from _read_file(ref.name, options, client)
    except InputRejected as e:
        yield RejectedItem(ref.name, str(e) if str(e).startswith(ref.name) else f"{ref.name}: {e}")
    except Exception as e:  # a bug in a reader must not stop the batch
        log.exception("unexpected error reading %s", ref.name)
        yield RejectedItem(ref.name, internal_error(ref.name, e))


def _read_file(path: str, options: IngestOptions, client: httpx.Client | None) -> Iterator[Item]:
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            head = f.read(4096)
            fmt = detect_format(path, head)
            if fmt == "warc":
                # Archives are streamed; the size limit applies to each record.
                f.seek(0)
                yield from read_warc(f, path, options.max_bytes)
                return
            if size > options.max_bytes:
                yield RejectedItem(path, _too_large(path, size, options), fmt)
                return
            data = head + f.read()
    except OSError as e:
        yield RejectedItem(path, f"{path}: cannot be read ({e.strerror}); check its permissions")
        return
    yield from read_bytes(data, fmt, path, None, _page_reader(client, options))


def read_bytes(
    data: bytes, fmt: str, where: str, url: str | None, fetch_page: PageReader | None
) -> Iterator[Item]:
    """Items from the bytes of one input whose format is known."""
    if fmt == "warc":
        yield from read_warc(io.BytesIO(data), where, len(data) + 1)
        return
    if fmt == "feed":
        binary = sniff_binary(data)
        if binary:
            raise InputRejected(f"binary file: {binary}")
        yield from read_feed(data, where, fetch_page)
        return
    text, encoding = decode_text(data)
    if fmt == "html" or is_svg(text) or (fmt == "text" and looks_like_markup(text)):
        # Markup, whatever its name says: read as a page, which keeps its article
        # text or rejects it as not an article (an SVG, a widget, script).
        yield read_html(text, where, url=url)
        return
    if fmt == "xml":
        raise InputRejected(
            "an XML file that is not an RSS or Atom feed; feint reads feeds, HTML, text, "
            "JSONL/CSV and WARC"
        )
    if fmt == "jsonl":
        yield from read_jsonl(text, where)
    elif fmt == "json":
        yield from read_json(text, where)
    elif fmt in ("csv", "tsv"):
        yield from read_csv(text, where, "\t" if fmt == "tsv" else None)
    else:
        meta = {} if encoding == "utf-8" else {"encoding": encoding}
        yield Extracted(source_path=where, format="text", text=text, url=url, meta=meta)


def _page_reader(client: httpx.Client | None, options: IngestOptions) -> PageReader | None:
    if client is None:
        return None

    def read_page(url: str, where: str) -> Item:
        got = fetch(client, url, options.max_bytes)
        html, _ = decode_text(got.data)
        return read_html(html, where, url=got.url)

    return read_page


def _too_large(name: str, size: int, options: IngestOptions) -> str:
    return (
        f"{name}: too large ({size:,} bytes > the limit of {options.max_bytes:,}); raise "
        "--max-bytes if it is really one article or corpus file, or split it"
    )

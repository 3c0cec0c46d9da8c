"""WARC archives (plain or gzipped) with warcio: HTML response records."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from feint.errors import InputRejected
from feint.ingest.decode import decode_text
from feint.ingest.html import read_html
from feint.ingest.records import Item, RejectedItem

log = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHUNK = 1 << 16


def read_warc(stream: IO[bytes], path: str, max_bytes: int) -> Iterator[Item]:
    """One item per HTML response record; other records are skipped.

    A record over ``max_bytes`` is rejected on its own. A damaged archive (cut
    short, or corrupt) yields the records read before the damage and one rejection
    that names the archive and the byte offset of the damaged record (the offset
    ``warcio extract`` takes).
    """
    size = _size(stream)
    archive = ArchiveIterator(stream)
    records = iter(archive)
    n_html = 0
    while True:
        offset = archive.offset  # where the next record starts
        try:
            record = next(records)
        except StopIteration:
            break
        except Exception as e:  # warcio fails in many ways on a cut or corrupt header
            yield _damaged(path, offset, n_html, e)
            return
        if not _whole_header(record):
            yield _damaged(path, offset, n_html, "the record header is cut or unreadable")
            return
        try:
            item = _html_item(record, path, offset, max_bytes)
            _drain(record)
            archive.read_to_end()
        except Exception as e:  # corrupt compressed data (zlib.error, ...) or I/O
            yield _damaged(path, offset, n_html, e)
            return
        if getattr(record.raw_stream, "limit", 0) > 0:
            # Fewer bytes than the record header promised: the file was cut short.
            yield _damaged(path, offset, n_html, "the record is cut short")
            return
        if archive.err_count:
            # warcio counts a record whose Content-Length does not end at a blank line.
            yield _damaged(path, offset, n_html, "its Content-Length does not match its bytes")
            return
        if item is not None:
            n_html += 1
            yield item
    if size is not None and archive.offset < size:
        # warcio stops without an error when a gzip member or a header is cut:
        # bytes it did not read are a record it could not parse.
        yield _damaged(path, archive.offset, n_html, "a record that cannot be parsed")
        return
    if n_html == 0:
        yield RejectedItem(
            path,
            f"{path}: the archive holds no HTML response records; feint reads the HTML "
            "pages of a WARC (check it was recorded with responses, not only requests)",
            "warc",
        )


def _html_item(record: ArcWarcRecord, path: str, offset: int, max_bytes: int) -> Item | None:
    """The item of an HTML response record; None for other records."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    ctype = (record.http_headers.get_header("Content-Type") or "").lower()
    if not ctype.startswith(_HTML_TYPES):
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    rid = record.rec_headers.get_header("WARC-Record-ID") or f"offset-{offset}"
    where = f"{path}#{rid.strip('<>')}"
    body = record.content_stream().read(max_bytes + 1)
    if len(body) > max_bytes:
        return RejectedItem(
            where,
            f"{where}: the record is over the size limit ({max_bytes:,} bytes); "
            "raise --max-bytes if it is really an article",
            "warc",
            url,
        )
    _drain(record)
    if getattr(record.raw_stream, "limit", 0) > 0:
        return None  # cut short: the caller reports the damage with the offset
    try:
        html, _ = decode_text(body)
    except InputRejected as e:
        return RejectedItem(where, f"{where}: {e}", "warc", url)
    return read_html(html, where, url=url, fmt="warc")


def _whole_header(record: ArcWarcRecord) -> bool:
    """False for a header cut short: warcio parses one as far as it goes, into a
    record with no type or no length, instead of raising."""
    if not record.rec_type:
        return False
    length = record.rec_headers.get_header("Content-Length") or ""
    return record.format != "warc" or length.strip().isdigit()


def _drain(record: ArcWarcRecord) -> None:
    """Read the rest of a record, so that a cut one shows in ``raw_stream.limit``."""
    while record.raw_stream.read(_CHUNK):
        pass


def _damaged(path: str, offset: int, n_html: int, cause: Exception | str) -> RejectedItem:
    if isinstance(cause, str):
        why = cause
    else:
        # warcio's messages can quote raw record bytes: keep a printable, short one.
        said = "".join(c if c.isprintable() else " " for c in str(cause).strip())
        said = " ".join(said.split())
        why = f"{type(cause).__name__}: {said[:100] + '…' if len(said) > 100 else said}"
    log.debug("damaged WARC record in %s at %d: %s", path, offset, why)
    return RejectedItem(
        f"{path}@{offset}",
        f"{path}: the archive is damaged at the record at byte offset {offset:,} ({why}); "
        f"the {n_html} HTML record(s) before it were read. Fetch or copy the archive "
        "again, or cut it before that offset",
        "warc",
    )


def _size(stream: IO[bytes]) -> int | None:
    """The stream's length in bytes, or None when it cannot seek."""
    try:
        here = stream.tell()
        end = stream.seek(0, io.SEEK_END)
        stream.seek(here)
    except (OSError, ValueError):
        return None
    return end - here

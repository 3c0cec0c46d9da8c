"""WARC archives (plain or gzipped) with warcio: HTML response records."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from feint.errors import InputRejected
from feint.ingest.decode import decode_text
from feint.ingest.html import read_html
from feint.ingest.records import Item, Rejected

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(stream: IO[bytes], path: str, max_bytes: int) -> Iterator[Item]:
    """One item per HTML response record; other records are skipped.

    A record over ``max_bytes`` is rejected on its own. A damaged archive yields
    the records read before the damage and one rejection for the rest.
    """
    n_html = 0
    try:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            ctype = (record.http_headers.get_header("Content-Type") or "").lower()
            if not ctype.startswith(_HTML_TYPES):
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            rid = record.rec_headers.get_header("WARC-Record-ID") or str(n_html)
            where = f"{path}#{rid.strip('<>')}"
            n_html += 1
            body = record.content_stream().read(max_bytes + 1)
            if len(body) > max_bytes:
                yield Rejected(
                    where,
                    f"{where}: the record is over the size limit ({max_bytes:,} bytes); "
                    "raise --max-bytes if it is really an article",
                    "warc",
                    url,
                )
                continue
            if getattr(record.raw_stream, "limit", 0) > 0:
                # Fewer bytes than the record header promised: the file was cut short.
                yield Rejected(
                    where,
                    f"{path}: the archive is damaged: record {rid} is truncated after "
                    f"{len(body):,} bytes; the records before it were read",
                    "warc",
                    url,
                )
                return
            try:
                html, _ = decode_text(body)
            except InputRejected as e:
                yield Rejected(where, f"{where}: {e}", "warc", url)
                continue
            yield read_html(html, where, url=url, fmt="warc")
    except (ArchiveLoadFailed, OSError, ValueError, EOFError) as e:
        yield Rejected(
            f"{path}#after-{n_html}",
            f"{path}: the archive is damaged after {n_html} HTML record(s) ({e}); the "
            "records before it were read",
            "warc",
        )
    if n_html == 0:
        yield Rejected(
            path,
            f"{path}: the archive holds no HTML response records; feint reads the HTML "
            "pages of a WARC (check it was recorded with responses, not only requests)",
            "warc",
        )

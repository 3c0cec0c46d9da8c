"""RSS and Atom feeds with feedparser: one document per entry.

An entry becomes a document from its content or summary; with --fetch, from the
page it links to (falling back to the summary, with the fetch error kept in
``meta``, when the page cannot be had).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from typing import Any, Final

import feedparser

from feint.errors import InputRejected
from feint.ingest.dates import parse_date
from feint.ingest.html import html_to_text
from feint.ingest.records import Extracted, Item, RejectedItem

log = logging.getLogger(__name__)

_FEED_ROOT: Final = re.compile(rb"<(?:rss|feed|rdf:RDF)\b", re.IGNORECASE)

PageReader = Callable[[str, str], Item]
"""(url, source_path) -> the linked page as an item; raises InputRejected."""


def looks_like_feed(data: bytes) -> bool:
    """True when the first kilobytes hold an RSS, Atom or RDF root element."""
    return bool(_FEED_ROOT.search(data[:4096]))


def read_feed(data: bytes, path: str, fetch_page: PageReader | None = None) -> Iterator[Item]:
    """Documents from the entries of a feed."""
    parsed: Any = feedparser.parse(data)
    entries = parsed.get("entries") or []
    if not entries:
        why = parsed.get("bozo_exception")
        detail = f" ({why})" if why else ""
        yield RejectedItem(
            path,
            f"{path}: not an RSS/Atom feed with entries{detail}; check the file is a feed",
            "feed",
        )
        return
    site = parsed.get("feed", {}).get("title")
    for i, entry in enumerate(entries):
        link = entry.get("link")
        where = f"{path}#{entry.get('id') or link or i}"
        title = entry.get("title")
        published = parse_date(entry.get("published_parsed") or entry.get("updated_parsed"))
        meta: dict[str, Any] = {"feed": path}
        if fetch_page is not None and link:
            try:
                page = fetch_page(link, where)
            except InputRejected as e:
                meta["fetch_error"] = str(e)
                log.info("feed entry %s: %s; using its summary", where, e)
            else:
                if isinstance(page, Extracted):
                    yield Extracted(
                        source_path=where,
                        format="feed",
                        text=page.text,
                        url=link,
                        outlet=page.outlet or site,
                        title=page.title or title,
                        published=page.published or published,
                        meta=meta,
                    )
                    continue
                meta["fetch_error"] = page.reason
        body = _entry_text(entry)
        if not body:
            if "fetch_error" in meta:
                # The page's reason (a refused address, a deadline) holds the fix.
                why = f"its linked page was not read ({meta['fetch_error']})"
            elif not link:
                why = "it links to no page"
            else:
                why = "use --fetch to read the linked page"
            yield RejectedItem(
                where, f"{where}: the feed entry has no summary or content; {why}", "feed", link
            )
            continue
        yield Extracted(
            source_path=where,
            format="feed",
            text=body,
            url=link,
            outlet=site,
            title=title,
            published=published,
            meta=meta,
        )


def _entry_text(entry: Any) -> str:
    contents = entry.get("content") or []
    html = contents[0].get("value") if contents else None
    html = html or entry.get("summary") or ""
    return html_to_text(html)

"""HTML pages to main text and metadata with trafilatura (htmldate as fallback)."""

from __future__ import annotations

import logging
import re
from typing import Final
from urllib.parse import urlsplit

import lxml.html
import trafilatura
from lxml import etree

from feint.ingest.dates import parse_date
from feint.ingest.records import Extracted, Item, RejectedItem

log = logging.getLogger(__name__)

# Fewer words than this is navigation that trafilatura fell back to, not an article:
# the shortest items of the demo corpus have 60 words.
MIN_ARTICLE_WORDS = 20

# An SVG document: its root element, after any XML declaration, doctype or comment.
# Its text is labels and script, never an article, whatever trafilatura would make
# of it (on a bare <svg> it raises).
_SVG_ROOT: Final = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*|<!--.*?-->\s*|<!doctype[^>]*>\s*)*<svg[\s>/]", re.I | re.S
)
SVG_IMAGE: Final = (
    "not an article: an SVG image (drawing markup, perhaps with script) has no article "
    "text; give feint the article's page or its text"
)
_TAG: Final = re.compile(r"<[a-zA-Z!?/][^>]*>")


def is_svg(text: str) -> bool:
    """True when ``text`` is an SVG document."""
    return bool(_SVG_ROOT.match(text[:4096]))


def looks_like_markup(text: str) -> bool:
    """True when ``text`` is markup from end to end (tags first and last), e.g. an
    HTML fragment saved as .txt: its text is what a reader of the page would see,
    not the tags and script around it."""
    s = text.strip()
    return s.startswith("<") and s.endswith(">") and len(_TAG.findall(s[:4096])) >= 2


def read_html(html: str, source_path: str, url: str | None = None, fmt: str = "html") -> Item:
    """Extract the article from an HTML page.

    Returns ``RejectedItem`` when the page has no article text (an index page, a login
    wall, a page built by script, an SVG image).
    """
    if is_svg(html):
        return RejectedItem(source_path, f"{source_path}: {SVG_IMAGE}", fmt, url)
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            # The date comes from htmldate, which trafilatura runs on the page: the
            # original publication date, searching the text too when the markup has none.
            date_extraction_params={"original_date": True, "extensive_search": True},
        )
    except Exception as e:  # trafilatura raises many kinds on broken markup
        log.debug("trafilatura failed on %s", source_path, exc_info=True)
        return RejectedItem(
            source_path,
            f"{source_path}: the HTML could not be parsed ({type(e).__name__}: {e}); "
            "check that the file is a complete HTML page",
            fmt,
            url,
        )
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    n_words = len(text.split())
    if n_words < MIN_ARTICLE_WORDS:
        return RejectedItem(
            source_path,
            f"{source_path}: not an article: no article text found in the markup "
            f"({n_words} words of page "
            "text: an index page, a login wall or a page built by script?); save the "
            "article page itself, or its text as .txt",
            fmt,
            url,
        )
    published = parse_date(getattr(doc, "date", None))
    page_url = url or getattr(doc, "url", None)
    outlet = getattr(doc, "sitename", None) or getattr(doc, "hostname", None)
    if not outlet and page_url:
        outlet = urlsplit(page_url).hostname
    return Extracted(
        source_path=source_path,
        format=fmt,
        text=text,
        url=page_url,
        outlet=outlet,
        title=getattr(doc, "title", None),
        published=published,
    )


_BLOCKS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "tr",
        "section",
        "article",
    }
)


def html_to_text(fragment: str) -> str:
    """Visible text of an HTML fragment (a feed summary), one line per block."""
    if "<" not in fragment:
        return fragment.strip()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCKS:
            el.tail = "\n" + (el.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)

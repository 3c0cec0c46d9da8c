"""Time expressions attached to a report, resolved against the document's date."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Final

import dateparser

_LEADING: Final = re.compile(r"^(?:on|in|at|since|during|by|from|last|early|late|mid-?)\s+",
                             re.IGNORECASE)  # fmt: skip
_HAS_YEAR: Final = re.compile(r"\b(?:19|20)\d{2}\b")
_RELATIVE: Final = re.compile(
    r"\b(?:today|yesterday|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday|week|month|year|ago|recent|recently|currently|now)\b",
    re.IGNORECASE,
)


def resolve_time(text: str, doc_date: date | None) -> date | None:
    """The calendar date a time expression points to, or None.

    "on May 24" and "in January" are read relative to ``doc_date`` (the latest such
    date not after it); month-only expressions resolve to the first of the month.
    Without a document date only expressions that carry a year are resolved.
    Relative expressions ("last week", "on Friday") are left unresolved: a wrong
    date is worse than none.

    Args:
        text: the expression as written, e.g. "in December 2022".
        doc_date: the document's publication date, if known.
    """
    core = _LEADING.sub("", text.strip())
    if not core or _RELATIVE.search(core) or not any(ch.isdigit() or ch.isalpha() for ch in core):
        return None
    if doc_date is None and not _HAS_YEAR.search(core):
        return None
    if re.fullmatch(r"(?:19|20)\d{2}", core):
        return date(int(core), 1, 1)
    settings: dict[str, Any] = {
        "PREFER_DAY_OF_MONTH": "first",
        "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PARSERS": ["custom-formats", "absolute-time"],
    }
    if doc_date is not None:
        settings["RELATIVE_BASE"] = datetime(doc_date.year, doc_date.month, doc_date.day)
    parsed = dateparser.parse(core, languages=["en"], settings=settings)
    return parsed.date() if parsed else None

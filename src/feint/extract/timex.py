"""Time expressions attached to a report, resolved against the document's date."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Final

import dateparser

_LEADING: Final = re.compile(r"^(?:on|in|at|since|during|by|from|last|early|late|mid-?)\s+",
                             re.IGNORECASE)  # fmt: skip
_HAS_YEAR: Final = re.compile(r"\b(?:19|20)\d{2}\b")
_DAY: Final = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\b")
AHEAD_DAYS: Final = 45
"""How far after its publication a report's dates may point (coming talks)."""
_RELATIVE: Final = re.compile(
    r"\b(?:today|yesterday|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday|week|month|year|ago|recent|recently|currently|now)\b",
    re.IGNORECASE,
)


def resolve_time(text: str, doc_date: date | None) -> date | None:
    """The calendar date a time expression points to, or None.

    "on May 24" and "in January" are read relative to ``doc_date``: the latest such
    date not after it, or a day up to ``AHEAD_DAYS`` after it in the same year ("on 2
    June" in a report of 28 May); month-only expressions resolve to the first of the
    month, in the past.
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
    if parsed is None:
        return None
    found: date = parsed.date()
    if doc_date is not None and not _HAS_YEAR.search(core) and _DAY.search(core):
        found = _nearest_year(found, doc_date)
    return found


def _nearest_year(found: date, doc_date: date) -> date:
    """A day without a year ("on 2 June") in the document's year when that day is
    at most ``AHEAD_DAYS`` after the document: reports name the days of coming talks
    ("talks in Istanbul on 2 June"). Otherwise the latest such day not after the
    document, which dateparser already gave."""
    try:
        same_year = found.replace(year=doc_date.year)
    except ValueError:  # 29 February
        return found
    if 0 < (same_year - doc_date).days <= AHEAD_DAYS:
        return same_year
    return found

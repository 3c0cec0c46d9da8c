"""Dates from metadata strings, to ISO calendar dates."""

from __future__ import annotations

import re
import time
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Final

import dateparser

_ISO: Final = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
# dateparser settings: no relative dates ("yesterday" depends on when you ingest),
# a year required (a bare "May 24" would silently become this year).
_SETTINGS: Final[dict[str, Any]] = {
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "REQUIRE_PARTS": ["year"],
    "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
}


def parse_date(value: Any) -> date | None:
    """A calendar date from a date, datetime, time tuple or string; None if none.

    Strings may be ISO 8601 ("2024-05-24", "2024-05-24T10:00:00Z"), RFC 2822
    ("Fri, 24 May 2024 10:00:00 GMT") or written dates with a year ("24 May 2024").
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, time.struct_time):
        return date(value.tm_year, value.tm_mon, value.tm_mday)
    text = str(value).strip()
    if not text:
        return None
    m = _ISO.match(text)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        pass
    parsed = dateparser.parse(text, settings=_SETTINGS)
    return parsed.date() if parsed else None

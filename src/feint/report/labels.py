"""Words for what the report and the web UI would otherwise print as Python values.

Missing values print as words: a date as "undated", never "None".
"""

from __future__ import annotations

from typing import Any, Final

UNDATED: Final = "undated"


def day(value: Any) -> str:
    """A date as it prints in a report: its ISO text, or "undated" when missing."""
    if value is None or value == "":
        return UNDATED
    return value.isoformat() if hasattr(value, "isoformat") else str(value)

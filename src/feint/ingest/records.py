"""What ingest readers produce, before documents are made of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class Extracted:
    """Text and metadata read from one input item (a file, a line, a feed entry...)."""

    source_path: str
    format: str
    text: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: date | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RejectedItem:
    """An input item that cannot become a document, and why (naming input and fix)."""

    source_path: str
    reason: str
    format: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Metadata:
    """Metadata the user gives on the command line (--outlet, --published, --url).

    Plain text has none of its own, so these set it; other formats keep their own
    and take these only where they have nothing.
    """

    outlet: str | None = None
    published: date | None = None
    url: str | None = None


Item = Extracted | RejectedItem


def internal_error(name: str, error: Exception) -> str:
    """The reason stored when feint itself fails on an input: a bug to report."""
    return (
        f"{name}: feint failed on this input ({type(error).__name__}: {error}); this is a "
        "bug in feint, please report it with the file"
    )

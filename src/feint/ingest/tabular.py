"""JSONL, JSON and CSV inputs: one document per row with a ``text`` field.

Known columns: ``text`` (required), ``url``, ``outlet``, ``title``, ``published``
(``date`` is accepted for it). Other columns go to ``documents.meta``, so nothing
the user supplied is lost. A broken row is rejected on its own; the rest load.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from feint.ingest.dates import parse_date
from feint.ingest.records import Extracted, Item, Rejected

KNOWN = ("text", "url", "outlet", "title", "published")


def read_jsonl(text: str, path: str) -> Iterator[Item]:
    """One JSON object per line; blank lines are skipped."""
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield Rejected(
                where,
                f"{where}: line {n} is not valid JSON ({e.msg} at column {e.colno}); "
                "fix or remove that line",
                "jsonl",
            )
            continue
        yield _row(obj, where, "jsonl")


def read_json(text: str, path: str) -> Iterator[Item]:
    """A JSON array of objects, or one object."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        yield Rejected(
            path,
            f"{path}: not valid JSON ({e.msg} at line {e.lineno}, column {e.colno}); "
            "if it holds one object per line, name it .jsonl",
            "json",
        )
        return
    rows = data if isinstance(data, list) else [data]
    for i, obj in enumerate(rows):
        yield _row(obj, f"{path}[{i}]" if isinstance(data, list) else path, "json")


def read_csv(text: str, path: str, delimiter: str | None = None) -> Iterator[Item]:
    """CSV (or TSV) with a header row that names a ``text`` column."""
    sample = text[:8192]
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = reader.fieldnames or []
    if "text" not in header:
        yield Rejected(
            path,
            f"{path}: no 'text' column (columns: {', '.join(header) or 'none'}); "
            "rename the column that holds the article text to 'text'",
            "csv",
        )
        return
    try:
        for row in reader:
            where = f"{path}:{reader.line_num}"
            if None in row:  # more fields than the header
                yield Rejected(
                    where,
                    f"{where}: the row has more fields than the header; quote fields "
                    "that contain the delimiter",
                    "csv",
                )
                continue
            yield _row(row, where, "csv")
    except csv.Error as e:
        yield Rejected(
            f"{path}:{reader.line_num}",
            f"{path}:{reader.line_num}: malformed CSV ({e}); the rows before it were read",
            "csv",
        )


def _row(obj: Any, where: str, fmt: str) -> Item:
    if not isinstance(obj, dict):
        return Rejected(
            where,
            f"{where}: expected an object with a 'text' field, got {type(obj).__name__}",
            fmt,
        )
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return Rejected(
            where,
            f"{where}: the 'text' field is missing or empty; every row needs the "
            "article text in 'text'",
            fmt,
            _str(obj.get("url")),
        )
    raw_date = obj.get("published", obj.get("date"))
    published = parse_date(raw_date)
    meta = {k: v for k, v in obj.items() if k not in KNOWN and v not in (None, "")}
    if raw_date not in (None, "") and published is None:
        meta["unparsed_published"] = raw_date
    return Extracted(
        source_path=where,
        format=fmt,
        text=text.replace("\r\n", "\n").replace("\r", "\n"),
        url=_str(obj.get("url")),
        outlet=_str(obj.get("outlet")),
        title=_str(obj.get("title")),
        published=published,
        meta=meta,
    )


def _str(value: Any) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None

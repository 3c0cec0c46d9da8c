"""JSONL, JSON and CSV inputs: one document per row with a ``text`` field.

Known columns: ``text`` (required), ``url``, ``outlet``, ``title``, ``published``
(``date`` is accepted for it). Other columns go to ``documents.meta``, so nothing
the user supplied is lost. A broken row is rejected on its own; the rest load.

CSV is read strictly, so that an unterminated quote is found instead of silently
merging every later row into one field; the row it opens is rejected and reading
starts again on the next line.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from feint.ingest.dates import parse_date
from feint.ingest.records import Extracted, Item, RejectedItem

if TYPE_CHECKING:
    from _csv import Reader  # the type csv.reader returns (named in the stubs only)

KNOWN = ("text", "url", "outlet", "title", "published")
# Deepest nesting kept in documents.meta. Corpus exports nest a few levels; a
# thousand is an attack on the parser (and on json.dumps when the row is stored).
MAX_DEPTH = 64
_TOO_DEEP = (
    "is nested deeper than feint reads (more than {depth} levels of arrays or objects); "
    "flatten it, or keep only the text and metadata fields"
)


def read_jsonl(text: str, path: str) -> Iterator[Item]:
    """One JSON object per line; blank lines are skipped."""
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            obj = json.loads(line)
        except RecursionError:
            yield RejectedItem(
                where, f"{where}: line {n} {_TOO_DEEP.format(depth=MAX_DEPTH)}", "jsonl"
            )
            continue
        except json.JSONDecodeError as e:
            yield RejectedItem(
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
    except RecursionError:
        yield RejectedItem(path, f"{path}: the JSON {_TOO_DEEP.format(depth=MAX_DEPTH)}", "json")
        return
    except json.JSONDecodeError as e:
        yield RejectedItem(
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
    # One field may be as long as the input, which has passed the --max-bytes check
    # already (the csv module's own limit, 128 KiB, cuts a long article). The limit
    # is per process; raising it never narrows what another reader accepts.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    lines = io.StringIO(text, newline="\n").readlines()
    reader = _reader(lines, 0, delimiter)
    try:
        header: list[str] = next(reader, [])
    except csv.Error:
        header = []
    if "text" not in header:
        yield RejectedItem(
            path,
            f"{path}: no 'text' column (columns: {', '.join(header) or 'none'}); "
            "rename the column that holds the article text to 'text'",
            "csv",
        )
        return
    base = 0  # lines before the one the reader started on
    while True:
        before = reader.line_num
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            first = base + before + 1  # the line the broken row starts on
            if reader.line_num - before <= 1:
                # A stray quote inside one line ('"Putin" said'): read that line as
                # the csv module always has, keeping the quote-less text.
                row = next(csv.reader([lines[first - 1]], delimiter=delimiter), [])
                base, reader = first, _reader(lines, first, delimiter)
                line = first
            else:
                yield RejectedItem(
                    f"{path}:{first}",
                    f"{path}:{first}: malformed CSV ({e}): the quote that opens a field on "
                    "this line is never closed, so the lines after it would run into that "
                    "field; close or remove the quote. The other rows were read",
                    "csv",
                )
                base, reader = first, _reader(lines, first, delimiter)
                continue
        else:
            line = base + reader.line_num  # the row's last line, as csv counts
        if not row:
            continue  # a blank line
        where = f"{path}:{line}"
        if len(row) > len(header):
            yield RejectedItem(
                where,
                f"{where}: the row has more fields than the header; quote fields "
                "that contain the delimiter",
                "csv",
            )
            continue
        yield _row(dict(zip(header, row, strict=False)), where, "csv")


def _reader(lines: list[str], start: int, delimiter: str) -> Reader:
    """A strict csv reader over ``lines`` from index ``start`` on."""
    return csv.reader(
        (lines[i] for i in range(start, len(lines))), delimiter=delimiter, strict=True
    )


def _row(obj: Any, where: str, fmt: str) -> Item:
    if not isinstance(obj, dict):
        return RejectedItem(
            where,
            f"{where}: expected an object with a 'text' field, got {type(obj).__name__}",
            fmt,
        )
    if _depth(obj) > MAX_DEPTH:
        return RejectedItem(where, f"{where}: the row {_TOO_DEEP.format(depth=MAX_DEPTH)}", fmt)
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return RejectedItem(
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


def _depth(value: Any) -> int:
    """How deep lists and dicts nest in ``value`` (1 for a flat object); iterative,
    so that depth itself cannot exhaust the stack."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, dict):
            children: Iterable[Any] = v.values()
        elif isinstance(v, list):
            children = v
        else:
            continue
        deepest = max(deepest, d)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((c, d + 1) for c in children)
    return deepest

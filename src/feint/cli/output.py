"""One set of output options for every command that prints rows."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.table import Table

from feint.errors import UsageError
from feint.store import QueryResult

console = Console()
err_console = Console(stderr=True)


class Format(StrEnum):
    """How rows are printed."""

    table = "table"
    json = "json"
    csv = "csv"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def print_rows(result: QueryResult, fmt: Format, max_width: int | None = None) -> None:
    """Print a result as a table (for people), JSON (an array of row objects) or CSV."""
    if fmt is Format.json:
        objects = [{k: _plain(v) for k, v in r.items()} for r in result.records()]
        sys.stdout.write(json.dumps(objects, ensure_ascii=False, default=str) + "\n")
    elif fmt is Format.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([[_plain(v) for v in row] for row in result.rows])
    else:
        rows = [["" if v is None else str(_plain(v)) for v in row] for row in result.rows]
        if max_width:
            rows = [
                [c if len(c) <= max_width else c[: max_width - 1] + "…" for c in r] for r in rows
            ]
        table = Table(show_lines=False)
        for i, name in enumerate(result.columns):
            # The last column wraps; the others keep one line and end in an ellipsis,
            # and short ones (ids, dates) are never squeezed out of sight.
            last = i == len(result.columns) - 1
            widest = max([len(name), *(len(r[i]) for r in rows)])
            table.add_column(
                name,
                no_wrap=not last,
                overflow="fold" if last else "ellipsis",
                min_width=min(widest, 12),
                max_width=None if last else 40,
            )
        for r in rows:
            table.add_row(*r)
        console.print(table)
        console.print(f"{len(result.rows)} row(s)", style="dim")


def pick_format(as_table: bool, as_json: bool, as_csv: bool) -> Format:
    """The format from the shared --table/--json/--csv flags (table by default)."""
    chosen = [
        f
        for f, on in ((Format.table, as_table), (Format.json, as_json), (Format.csv, as_csv))
        if on
    ]
    if len(chosen) > 1:
        raise UsageError("Choose one of --table, --json and --csv.")
    return chosen[0] if chosen else Format.table

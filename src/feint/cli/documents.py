"""``feint documents``: list what the store holds."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from feint.cli.options import DEFAULT_DB_PATH, CsvFlag, DbOption, JsonFlag, TableFlag
from feint.cli.output import pick_format, print_rows
from feint.store import Store


class Status(StrEnum):
    ok = "ok"
    rejected = "rejected"
    all = "all"


def documents_cmd(
    db: DbOption = DEFAULT_DB_PATH,
    status: Annotated[Status, typer.Option(help="Which documents to list.")] = Status.ok,
    limit: Annotated[int, typer.Option(help="At most this many rows (0: all).")] = 50,
    as_table: TableFlag = False,
    as_json: JsonFlag = False,
    as_csv: CsvFlag = False,
) -> None:
    """List documents, newest first: id, date, outlet, title, source, and why rejected.

    Examples:

      feint documents --db case.duckdb

      feint documents --status rejected --limit 0 --csv
    """
    fmt = pick_format(as_table, as_json, as_csv)
    where = "" if status is Status.all else "WHERE status = ?"
    params: list[object] = [] if status is Status.all else [status.value]
    columns = {
        Status.ok: "published, outlet, title, length(text) AS chars",
        Status.rejected: "source_path, reason",
        Status.all: "status, published, outlet, title, reason",
    }[status]
    sql = (
        f"SELECT left(doc_id, 12) AS doc_id, {columns} FROM documents {where}"
        + " ORDER BY published DESC NULLS LAST, source_path"
        + (f" LIMIT {int(limit)}" if limit > 0 else "")
    )
    with Store.open(db, read_only=True) as store:
        result = store.query(sql, params)
    print_rows(result, fmt, max_width=60)

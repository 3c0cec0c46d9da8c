"""``feint query``: read-only SQL over the store."""

from __future__ import annotations

from typing import Annotated

import typer

from feint.cli.options import DEFAULT_DB_PATH, CsvFlag, DbOption, JsonFlag, TableFlag
from feint.cli.output import err_console, pick_format, print_rows
from feint.errors import UsageError
from feint.store import Store

DEFAULT_LIMIT = 10_000


def query_cmd(
    sql: Annotated[str, typer.Argument(help="One or more read-only SQL statements.")],
    db: DbOption = DEFAULT_DB_PATH,
    limit: Annotated[
        int, typer.Option(help="Print at most this many rows; stderr says when it cut.")
    ] = DEFAULT_LIMIT,
    as_table: TableFlag = False,
    as_json: JsonFlag = False,
    as_csv: CsvFlag = False,
) -> None:
    """Run read-only SQL (DuckDB dialect) over the store; writes are refused.

    The SQL sees the store and nothing else: writing, reading other files, ATTACH,
    INSTALL and LOAD fail. At most --limit rows are printed.

    Tables: documents, attributions, sources, claims, propositions, relations, events,
    decisions, grades, saydo, timing, hypotheses, evidence, ratings, judgements,
    schema_version.

    Examples:

      feint query "SELECT outlet, count(*) n FROM documents GROUP BY 1 ORDER BY n DESC"

      feint query "SELECT doc_id, reason FROM documents WHERE status = 'rejected'" --json

      feint query "SELECT * FROM documents" --csv --limit 1000000 > documents.csv
    """
    fmt = pick_format(as_table, as_json, as_csv)
    if limit < 1:
        raise UsageError(f"--limit must be a positive number of rows, not {limit}.")
    with Store.open(db, read_only=True) as store:
        result = store.query(sql, max_rows=limit)
    print_rows(result, fmt, max_width=80)
    if result.truncated:
        # stderr, so that --json and --csv output stays a plain array or table.
        err_console.print(
            f"Printed the first {limit:,} rows only; the query has more. Add a LIMIT or "
            "WHERE to the SQL, or raise --limit.",
            highlight=False,
        )

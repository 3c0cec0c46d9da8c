"""``feint query``: read-only SQL over the store."""

from __future__ import annotations

from typing import Annotated

import typer

from feint.cli.options import DEFAULT_DB_PATH, CsvFlag, DbOption, JsonFlag, TableFlag
from feint.cli.output import pick_format, print_rows
from feint.store import Store


def query_cmd(
    sql: Annotated[str, typer.Argument(help="One or more read-only SQL statements.")],
    db: DbOption = DEFAULT_DB_PATH,
    as_table: TableFlag = False,
    as_json: JsonFlag = False,
    as_csv: CsvFlag = False,
) -> None:
    """Run read-only SQL (DuckDB dialect) over the store; writes are refused.

    Tables: documents, attributions, sources, claims, propositions, relations, events,
    decisions, grades, saydo, timing, hypotheses, evidence, ratings, judgements,
    schema_version.

    Examples:

      feint query "SELECT outlet, count(*) n FROM documents GROUP BY 1 ORDER BY n DESC"

      feint query "SELECT doc_id, reason FROM documents WHERE status = 'rejected'" --json

      feint query "SELECT * FROM documents" --csv > documents.csv
    """
    fmt = pick_format(as_table, as_json, as_csv)
    with Store.open(db, read_only=True) as store:
        result = store.query(sql)
    print_rows(result, fmt, max_width=80)

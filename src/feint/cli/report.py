"""``feint report``: what the store holds, written for a person to read."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from feint.cli.options import DEFAULT_DB_PATH, DbOption
from feint.cli.output import console
from feint.errors import UsageError
from feint.session import Session


def report_cmd(
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="Folder to write report.FORMAT into (and report.json, every row)."
        ),
    ] = Path("feint-report"),
    db: DbOption = DEFAULT_DB_PATH,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="html (one self-contained file), md or json.")
    ] = "html",
    question: Annotated[
        str | None,
        typer.Option("--question", "-q", help="Which assessed question \\[default: the latest]."),
    ] = None,
    all_documents: Annotated[
        bool,
        typer.Option("--all-documents", help="Include every document, not only those cited."),
    ] = False,
) -> None:
    """Write the report: key judgements first, then the ACH matrix, sources and grades,
    contradictions, words against deeds, timing, and the documents.

    Every judgement links to its evidence rows and every evidence row to the quotes
    it rests on, highlighted in their documents. The HTML works offline: no script,
    no network, one file. HTML and Markdown cut long lists; report.json, written
    beside them, holds every row.

    Examples:

      feint report --db case.duckdb --out case-report

      feint report --db case.duckdb --out case-report --format md

      feint report --db case.duckdb --out case-report -f json -q "Russia seeks a truce"
    """
    from feint.report import FORMATS

    fmt = fmt.lower().lstrip(".")
    if fmt == "markdown":
        fmt = "md"
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: choose one of {', '.join(FORMATS)}.")
    with Session.open(db, create=False) as case:
        path = case.report(out, fmt, question, all_documents=all_documents)
    console.print(f"Report written: {path}", highlight=False)
    if path.suffix != ".json":
        console.print(f"Every row, in JSON: {path.with_name('report.json')}", highlight=False)

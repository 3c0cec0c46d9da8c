"""``feint context``: event data and decision calendars into the store."""

from __future__ import annotations

from typing import Annotated

import typer

from feint.cli.options import DEFAULT_DB_PATH, DbOption
from feint.cli.output import console, err_console
from feint.cli.progress import StageProgress
from feint.errors import UsageError
from feint.store import Store


def context_cmd(
    db: DbOption = DEFAULT_DB_PATH,
    events: Annotated[
        list[str] | None,
        typer.Option(
            "--events",
            help="What actors did: an ACLED export, a GDELT 2.0 event file or a plain "
            "CSV (event_date, actor1, event_type, sub_event_type, location, notes). Repeatable.",
        ),
    ] = None,
    decisions: Annotated[
        list[str] | None,
        typer.Option(
            "--decisions",
            help="When the audience decides: a CSV with date, audience, decision, kind. "
            "Repeatable.",
        ),
    ] = None,
) -> None:
    """Load what actors did and when the audience decides.

    Events feed the say-do analysis (stated intent against observed action), the
    decision calendar the timing analysis. GDELT statements of intent (CAMEO 036,
    046) become official-channel claims. Rows that cannot be read are listed with
    the reason and kept in context_rejects; the rest load. Loading a file twice
    adds nothing.

    Examples:

      feint context --db case.duckdb --events acled-2024.csv --decisions calendar.csv

      feint context --db case.duckdb --events 20240524.export.CSV

      feint query "SELECT date, actor, type, description FROM events ORDER BY date" --db case.duckdb
    """
    from feint.context import load_context

    if not events and not decisions:
        raise UsageError("Give --events FILE, --decisions FILE, or both.")
    with Store.open(db) as store, StageProgress() as progress:
        report = load_context(
            store, events or [], decisions or [], progress=progress.counter("context")
        )
        progress.finished(
            "context", f"{report.events} event(s), {report.decisions} decision(s) loaded"
        )
    console.print(
        f"[bold]{report.events}[/] event(s), {report.statements} coded statement(s) and "
        f"{report.decisions} decision(s) loaded; {report.unchanged} already there; "
        f"[{'red' if report.rejected else 'green'}]{len(report.rejected)} rejected[/].",
        highlight=False,
    )
    for r in report.rejected:
        err_console.print(
            f"  rejected: {r.origin}: {r.reason}", highlight=False, markup=False, soft_wrap=True
        )
    if report.rejected:
        raise typer.Exit(1)

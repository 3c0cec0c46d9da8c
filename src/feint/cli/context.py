"""``feint context``: event data and decision calendars into the store."""

from __future__ import annotations

from typing import Annotated

import typer

from feint.cli.options import DEFAULT_DB_PATH, DbOption
from feint.cli.output import console, err_console
from feint.cli.progress import StageProgress
from feint.errors import FeintError, UsageError
from feint.session import Session


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
    the reason and kept in context_rejects; the rest load. A bad cell (a date that
    is not a whole day, a count that is not a whole number from 0 in ASCII digits,
    a cell over 131,072 characters) rejects its row, naming the line and the field.
    Loading a file twice adds nothing; it replaces the file's rejects.

    Exit status: 0 when every row loaded; 1 when some rows or files were rejected
    (listed on stderr and in context_rejects; the rest loaded); 2 when the command
    could not run (usage, store); 3 when feint itself failed (a bug: the traceback
    is printed, and the file it was on is not stored).

    Examples:

      feint context --db case.duckdb --events acled-2024.csv --decisions calendar.csv

      feint context --db case.duckdb --events 20240524.export.CSV

      feint query "SELECT date, actor, type, description FROM events ORDER BY date" --db case.duckdb
    """
    if not events and not decisions:
        raise UsageError("Give --events FILE, --decisions FILE, or both.")
    with Session.open(db) as case, StageProgress() as progress:
        try:
            report = case.context(
                events or [], decisions or [], progress=progress.counter("context")
            )
        except FeintError:
            raise
        except Exception as e:
            # Bad cells never get here (they are rejected rows): this is a bug, and
            # exit 1 would pass it off as "some rows rejected".
            err_console.print_exception()
            err_console.print(
                "[bold red]error:[/] feint context failed on a bug, not on a bad row; "
                "the files before the failing one are stored. Please report it with "
                "the traceback above.",
                highlight=False,
            )
            raise typer.Exit(3) from e
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

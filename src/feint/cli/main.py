"""``feint``: the command-line entry point.

Commands live one per module (``cli/ingest.py`` ...) and call the library; this
module assembles them and turns feint's errors into messages and exit codes:
0 success, 1 some inputs rejected, 2 the command could not run (usage, store).

"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from rich.markup import escape

from feint import __version__
from feint.cli import (
    assess,
    context,
    demo,
    documents,
    evaluate,
    extract,
    ingest,
    judge,
    query,
    relate,
    report,
    serve,
)
from feint.cli.options import fill_bare_options
from feint.cli.output import err_console
from feint.errors import FeintError

app = typer.Typer(
    name="feint",
    help=(
        "feint: how far to believe what the news says an actor intends.\n\n"
        "Ingest reporting, extract who says what through whom, weigh the sources, and "
        "judge stated intent against words, deeds and timing.\n\n"
        "Start with:  feint demo"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
P = ParamSpec("P")
R = TypeVar("R")


def _friendly(func: Callable[P, R]) -> Callable[P, R]:
    """feint's own errors become a one-line message and exit status 2, not a traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except FeintError as e:
            err_console.print(f"[bold red]error:[/] {escape(str(e))}", highlight=False)
            raise typer.Exit(2) from e

    return wrapper


app.command("ingest")(_friendly(ingest.ingest_cmd))
app.command("extract")(_friendly(extract.extract_cmd))
app.command("relate")(_friendly(relate.relate_cmd))
app.command("context")(_friendly(context.context_cmd))
app.command("assess")(_friendly(assess.assess_cmd))
app.command("documents")(_friendly(documents.documents_cmd))
app.command("query")(_friendly(query.query_cmd))
app.command("report")(_friendly(report.report_cmd))
app.command("serve")(_friendly(serve.serve_cmd))
app.command("demo")(_friendly(demo.demo_cmd))
app.command("judge")(_friendly(judge.judge_cmd))
for _command in evaluate.app.registered_commands:
    assert _command.callback is not None
    _command.callback = _friendly(_command.callback)
app.add_typer(evaluate.app, name="eval")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"feint {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what feint does."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


def main() -> None:
    """Run the CLI (the ``feint`` console script)."""
    app(args=fill_bare_options(sys.argv[1:]))

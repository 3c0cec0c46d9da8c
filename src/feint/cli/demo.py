"""``feint demo``: the whole flow so far on the bundled case."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer

from feint.cli.ingest import print_summary
from feint.cli.options import ConfigOption
from feint.cli.output import console
from feint.cli.progress import StageProgress
from feint.cli.relate import RELATE_UNITS
from feint.config import load_options
from feint.demo import QUESTION, DemoResult, run_demo


def demo_cmd(
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the demo's store and report.")
    ] = Path("feint-demo"),
    db: Annotated[
        Path | None,
        typer.Option("--db", help="The store to write \\[default: OUT/feint.duckdb]; replaced."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Run feint on the bundled case and write its report (OUT/report.html).

    The case: the ISW assessment of 24 May 2024 on Russian ceasefire feelers, and 88
    dated news items on Russian statements about talks (2022-2025).

    The case ships with feint, so the demo needs no network and no other files.
    It replaces its store (OUT/feint.duckdb, or --db) and its report each time.

    Example:

      feint demo --out /tmp/feint-demo
    """
    with StageProgress() as stages:
        result = run_demo(
            out, load_options(config), db,
            progress=stages.counter("extract"),
            relate_progress=stages.steps("relate", RELATE_UNITS),
            on_stage=stages.finished,
        )  # fmt: skip
    _print_findings(result)
    _print_hints(result)


def _print_findings(result: DemoResult) -> None:
    """What each stage found, the key judgements and the models it loaded."""
    print_summary(result.ingest, result.db_path)
    console.print(
        f"Documents: {result.documents} from {result.outlets} outlets, "
        f"{result.first_date} to {result.last_date}; "
        f"{result.furniture_lines} furniture line(s) set apart.",
        highlight=False,
    )
    kinds = ", ".join(f"{kind} {n}" for kind, n in result.by_kind)
    console.print(
        f"Attributions: {result.extract.attributions} from {result.extract.documents} "
        f"documents; by source kind: {kinds}.",
        highlight=False,
    )
    for source, cue, conduit in result.relayed_examples:
        console.print(f"  e.g. {source} {cue} (via {conduit})", highlight=False, markup=False)
    rel = result.relate
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(rel.relations.items()))
    stances = ", ".join(f"{k} {v}" for k, v in sorted(rel.question_stances.items()))
    console.print(
        f"Claims: {rel.claims} in {rel.propositions} propositions; relations: {kinds}.\n"
        f"Stance toward {QUESTION!r}: {stances}.",
        highlight=False,
    )
    if result.contradiction_example:
        a, b, why = result.contradiction_example
        console.print(f"  e.g. {a!r}\n   vs {b!r}\n   ({why})", highlight=False, markup=False)
    ctx = result.context
    console.print(
        f"Context: {ctx.events} military actions, {ctx.decisions} decision dates.",
        highlight=False,
    )
    console.print("[bold]Key judgements[/]")
    for j in result.assess.judgements:
        console.print(f"  {j.text}", highlight=False)
        console.print(f"    {j.confidence_text}", highlight=False)
        refs = sum(len(e.refs) for e in result.assess.evidence if e.evidence_id in j.evidence_ids)
        console.print(
            f"    Evidence: {len(j.evidence_ids)} row(s) resting on {refs} claim, event and "
            "decision id(s).",
            highlight=False,
        )
    loaded = ", ".join(f"{name} {n}" for name, n in sorted(result.loads.items()))
    console.print(f"Models loaded (times each): {loaded}.", highlight=False)


def _print_hints(result: DemoResult) -> None:
    """Where the report is, and commands to explore the store, runnable as printed."""
    console.print(f"[bold]Report:[/] {result.report_path}", highlight=False)
    feint, db_path = feint_command(), shlex.quote(result.db_path)
    console.print(
        f"Explore it:  {feint} serve --db {db_path}\n"
        f"             {feint} documents --db {db_path}\n"
        f'             {feint} assess --db {db_path} -q "{QUESTION}"\n'
        f'             {feint} query "SELECT outlet, count(*) FROM documents GROUP BY 1" '
        f"--db {db_path}",
        highlight=False,
        markup=False,
        soft_wrap=True,  # a command cut across two lines would not paste
    )


def feint_command() -> str:
    """How to run this feint again from the current folder, as it can be pasted into a
    shell: ``feint`` when that name on PATH is this program; else the path of the
    running script (``.venv/bin/feint`` after ``make demo``, where nothing put feint on
    PATH); else, run as ``python -m feint``, this Python with ``-m feint``."""
    script = Path(sys.argv[0])
    if script.name != "__main__.py" and script.is_file() and os.access(script, os.X_OK):
        on_path = shutil.which(script.name)
        if on_path and Path(on_path).resolve() == script.resolve():
            return script.name
        return shlex.quote(_from_here(script))
    return f"{shlex.quote(_from_here(Path(sys.executable)))} -m feint"


def _from_here(path: Path) -> str:
    """``path`` relative to the current folder when inside it (a virtual environment's
    ``bin/python`` is a link: resolving it would leave the environment), else absolute."""
    full = path.absolute()
    try:
        inside = full.relative_to(Path.cwd())
    except ValueError:
        return str(full)
    return str(inside) if len(inside.parts) > 1 else f"./{inside}"

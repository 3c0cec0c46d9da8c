"""``feint relate``: claims, propositions, stances and relations from attributions."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from feint.cli.options import (
    DEFAULT_DB_PATH,
    ConfigOption,
    DbOption,
    RayActorsOption,
    RayOption,
    ray_options,
)
from feint.cli.output import console
from feint.cli.progress import StageProgress
from feint.config import load_options
from feint.errors import UsageError
from feint.relate.stage import RelateReport
from feint.session import Session

RELATE_UNITS = {"embed": "claims", "stance": "claims", "relations": "pairs"}
"""What each step of relate counts (the others count only themselves)."""


def relate_cmd(
    db: DbOption = DEFAULT_DB_PATH,
    judge: Annotated[
        str | None,
        typer.Option(
            "--judge",
            help='Entailment judge: "feint-nli", "rules" or "cross-encoder:PATH_OR_NAME" '
            "\\[default: feint-nli].",
        ),
    ] = None,
    question: Annotated[
        str | None,
        typer.Option("--question", "-q", help="A proposition to take every claim's stance toward."),
    ] = None,
    k: Annotated[
        int | None,
        typer.Option(
            help="Nearest neighbours each claim's judged pairs are chosen from \\[default: 20]."
        ),
    ] = None,
    judged_per_claim: Annotated[
        int | None,
        typer.Option(
            help="Pairs judged per claim at most, its most similar; 0 for all \\[default: 5]."
        ),
    ] = None,
    embed_model: Annotated[
        str | None,
        typer.Option(help='Embedding model: "builtin" or a sentence-transformers folder.'),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Forget earlier claims and relations; redo all.")
    ] = False,
    config: ConfigOption = None,
    ray: RayOption = None,
    ray_actors: RayActorsOption = None,
) -> None:
    """Turn attributions into claims and find how they bear on each other.

    Each attribution becomes a claim with a channel (private_anonymous,
    public_official, media, analyst). Claims are embedded (cached in the store),
    grouped into propositions, given a stance toward their proposition and toward
    --question, and related to their k nearest neighbours: contradicts, tension,
    corroborates, or repeats (one origin relayed more than once, never counted as
    corroboration). Only new claims are processed unless --force.

    Examples:

      feint relate --db case.duckdb

      feint relate --db case.duckdb --question "Putin is willing to negotiate a ceasefire"

      feint relate --db case.duckdb --force --k 20 --judged-per-claim 0   # judge every candidate

      feint relate --db case.duckdb --ray head-node:6379

      feint query "SELECT kind, count(*) FROM relations GROUP BY 1" --db case.duckdb
    """
    if k is not None and k < 1:
        raise UsageError("--k must be 1 or more.")
    if judged_per_claim is not None and judged_per_claim < 0:
        raise UsageError("--judged-per-claim must be 0 (all pairs) or more.")
    if question is not None and not question.strip():
        raise UsageError("--question is empty: give a proposition, e.g. 'Russia seeks a truce'.")
    on_ray = ray_options(ray, ray_actors)
    options = load_options(
        config,
        relate={
            "judge": judge,
            "k": k,
            "judged_per_claim": judged_per_claim,
            "embed_model": embed_model,
        },
    )
    with Session.open(db, options, create=False) as case, StageProgress() as progress:
        report = case.relate(
            question, force=force, progress=progress.steps("relate", RELATE_UNITS), ray=on_ray
        )
    _print_report(report, question)


def _print_report(report: RelateReport, question: str | None) -> None:
    """What the run did: counts, re-extraction follow-up, relations and stances."""
    console.print(
        f"[bold]{report.claims}[/] claim(s), {report.new_claims} new "
        f"({report.embedded} embedded); {report.propositions} proposition(s), "
        f"{report.new_propositions} new; {report.judged_pairs} pair(s) judged, "
        f"{report.other_actor_pairs} near neighbour(s) passed over as about another actor.",
        highlight=False,
    )
    if report.removed_claims or report.redone_claims:
        console.print(
            f"Followed a re-extraction: {report.removed_claims} claim(s) removed (their "
            f"attribution is gone), {report.redone_claims} redone (their attribution changed).",
            highlight=False,
        )
    if report.relations:
        table = Table("relation", "rows")
        for kind, n in sorted(report.relations.items()):
            table.add_row(kind, str(n))
        console.print(table)
    if report.question_stances:
        stances = ", ".join(f"{k} {v}" for k, v in sorted(report.question_stances.items()))
        console.print(f"Stance toward {question!r}: {stances}.", highlight=False)

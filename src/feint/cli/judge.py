"""``feint judge``: one entailment verdict, to try a judge by hand."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from feint.cli.output import console

JudgeOption = Annotated[
    str,
    typer.Option(
        "--judge",
        help='"feint-nli", "rules", "cross-encoder:PATH_OR_NAME", or several joined by "+".',
    ),
]


def judge_cmd(
    premise: Annotated[str, typer.Argument(help="What one source says.")],
    hypothesis: Annotated[str, typer.Argument(help="What the other says.")],
    judge_name: JudgeOption = "feint-nli",
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON.")] = False,
) -> None:
    """Does the premise entail, contradict or say nothing about the hypothesis?

    Example:

      feint judge "Putin is ready to negotiate." "Putin is unwilling to negotiate." --json
    """
    from feint.relate.judges.judge import get_judge, judge

    verdict = judge(get_judge(judge_name), premise, hypothesis)
    if as_json:
        typer.echo(json.dumps({"label": verdict.label, "scores": verdict.scores,
                               "explanation": verdict.explanation}))  # fmt: skip
        return
    scores = ", ".join(f"{k} {v:.2f}" for k, v in verdict.scores.items())
    console.print(f"[bold]{verdict.label}[/] ({scores}); {verdict.explanation}", highlight=False)

"""``feint assess``: competing hypotheses and key judgements for a question."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from feint.cli.options import DEFAULT_DB_PATH, ConfigOption, DbOption
from feint.cli.output import console, err_console
from feint.cli.progress import StageProgress
from feint.config import load_options
from feint.errors import UsageError
from feint.session import Session
from feint.store import Store

if TYPE_CHECKING:
    from feint.assess.matrix import AssessReport


def assess_cmd(
    question: Annotated[str, typer.Option("--question", "-q", help="The proposition to assess.")],
    db: DbOption = DEFAULT_DB_PATH,
    hypotheses: Annotated[
        str | None,
        typer.Option(help="A JSON or TOML file of hypotheses \\[default: the built-in template]."),
    ] = None,
    rate: Annotated[
        list[str] | None,
        typer.Option(
            "--rate",
            help="Set a rating first: HYPOTHESIS_ID,EVIDENCE_ID,RATING (CC, C, N, I, II, NA). "
            "Kept on every re-run. Repeatable.",
        ),
    ] = None,
    import_achz: Annotated[
        str | None,
        typer.Option(
            "--import-achz",
            metavar="FILE",
            help="Lay a PARC ACH matrix (.achz) over this run: its ratings become yours "
            "(kept on re-runs); hypotheses and evidence the store lacks are added.",
        ),
    ] = None,
    export_achz: Annotated[
        str | None,
        typer.Option(
            "--export-achz", metavar="FILE", help="Save the matrix as a PARC ACH .achz file."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print everything as JSON.")] = False,
    config: ConfigOption = None,
) -> None:
    """Weigh competing hypotheses about a question and state key judgements.

    Runs the say-do analysis (needs events: feint context), source grades, the
    timing test (needs a decision calendar), builds the ACH matrix with ratings from
    rules and the judge, scores it as PARC ACH does, and writes key judgements in
    ICD 203 language with confidence in a separate sentence.

    Examples:

      feint assess --db case.duckdb --question "Russia is willing to negotiate a ceasefire"

      feint assess --db case.duckdb -q "..." --hypotheses my-hypotheses.json --json

      feint assess --db case.duckdb -q "..." --rate "Q-1a2b3c4d:H2,Q-1a2b3c4d:E-timing,II"

      feint assess --db case.duckdb -q "..." --export-achz matrix.achz

      feint assess --db case.duckdb -q "..." --import-achz edited-in-parc.achz
    """
    from feint.assess import achz
    from feint.assess.stage import read_hypotheses

    options = load_options(config)
    if import_achz:
        achz.read_achz(import_achz)  # a bad file fails before the run, not after it
    with Session.open(db, options, create=False) as case, StageProgress() as progress:
        store = case.store
        _set_ratings(store, rate or [])
        hs = read_hypotheses(hypotheses, question) if hypotheses else None
        report = case.assess(question, hypotheses=hs)
        progress.finished(
            "assess",
            f"{len(report.judgements)} judgement(s) on {len(report.evidence)} evidence row(s)",
        )
        if import_achz:
            report = _import_achz(store, import_achz, report.question)
        if export_achz:
            _export_achz(store, report.question, export_achz)
        sources = _provenance(store, report) if as_json else {}
    if as_json:
        typer.echo(json.dumps(_as_json(report, sources)))
        return
    _print_report(report)


def _set_ratings(store: Store, items: list[str]) -> None:
    """The analyst's ratings from --rate, each HYPOTHESIS_ID,EVIDENCE_ID,RATING."""
    from feint.assess.matrix import set_rating

    for item in items:
        parts = [p.strip() for p in item.split(",")]
        if len(parts) != 3:
            raise UsageError(f"--rate {item!r}: give HYPOTHESIS_ID,EVIDENCE_ID,RATING.")
        set_rating(store, *parts)


def _import_achz(store: Store, path: str, question: str) -> AssessReport:
    """Lay a PARC ACH file over the matrix just assessed; says what it brought."""
    from feint.assess import achz

    imported = achz.import_achz(store, path, question)
    err_console.print(
        f"Imported {imported.ratings} rating(s) from {path}; added "
        f"{len(imported.added_hypotheses)} hypothesis(es) and "
        f"{len(imported.added_evidence)} evidence row(s).",
        markup=False, highlight=False, soft_wrap=True,
    )  # fmt: skip
    return imported.report


def _export_achz(store: Store, question: str, path: str) -> None:
    """Save the question's matrix as a PARC ACH file; says where."""
    from feint.assess import achz

    achz.export_achz(store, question, path)
    err_console.print(f"Saved the matrix to {path}.", markup=False, highlight=False, soft_wrap=True)


def _provenance(store: Store, report: AssessReport) -> dict[str, list[dict[str, Any]]]:
    """Judgement id -> the quotes its evidence rows rest on."""
    from feint.assess.matrix import provenance

    return {j.judgement_id: provenance(store, list(j.evidence_ids))
            for j in report.judgements}  # fmt: skip


def _as_json(report: AssessReport, sources: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """What --json prints: judgements with their provenance, hypotheses, evidence."""
    return {
        "question": report.question,
        "judgements": [
            {"id": j.judgement_id, "text": j.text, "band": j.band,
             "probability": [j.probability_low, j.probability_high],
             "confidence": j.confidence, "confidence_text": j.confidence_text,
             "evidence_ids": list(j.evidence_ids),
             "provenance": sources[j.judgement_id]} for j in report.judgements
        ],
        "hypotheses": [
            {"id": h.hypothesis_id, "label": h.label, "role": h.role,
             "score": report.scores[h.hypothesis_id],
             "probability": report.probabilities[h.hypothesis_id],
             "rank": report.ranking.index(h.hypothesis_id) + 1} for h in report.hypotheses
        ],
        "evidence": [
            {"id": e.evidence_id, "description": e.description, "kind": e.kind,
             "credibility": e.credibility, "relevance": e.relevance, "refs": list(e.refs),
             "diagnosticity": report.diagnosticity[e.evidence_id],
             "sensitivity": report.sensitivity.get(e.evidence_id, []),
             "ratings": {h.hypothesis_id: report.matrix[(h.hypothesis_id, e.evidence_id)]
                         for h in report.hypotheses}} for e in report.evidence
        ],
    }  # fmt: skip


def _print_report(report: AssessReport) -> None:
    """The judgements, the ranked hypotheses and the sensitive rows, for a reader."""
    if not report.evidence:
        console.print("No evidence for this question yet: run feint relate, and feint context.")
        return
    for j in report.judgements:
        console.print(f"[bold]{j.text}[/]", highlight=False)
        console.print(f"  {j.confidence_text}", highlight=False)
        console.print(f"  Rests on {len(j.evidence_ids)} evidence row(s).", highlight=False)
    table = Table("rank", "hypothesis", "score", "probability")
    for n, hid in enumerate(report.ranking, start=1):
        h = next(x for x in report.hypotheses if x.hypothesis_id == hid)
        table.add_row(str(n), f"{hid}\n{h.label}", f"{report.scores[hid]:.2f}",
                      f"{report.probabilities[hid]:.2f}")  # fmt: skip
    console.print(table)
    console.print(
        f"{len(report.evidence)} evidence row(s); sensitive: "
        f"{', '.join(report.sensitivity) or 'none'}.",
        highlight=False,
    )

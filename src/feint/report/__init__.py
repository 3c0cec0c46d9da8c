"""Stage 7, report: what feint found, for a person to read and check.

``write_report(store, out_dir, fmt)`` writes ``report.html`` (one self-contained
file: no script, no network, styles inline), ``report.md`` or ``report.json``. The
HTML and Markdown reports cut long lists (quotes per evidence row, sources, pairs,
say-do claims and events) and point to ``report.json``, which holds every row, so it
is written beside them. All three come from one gathered structure
(``report.data.gather``), cut or whole, so they carry the same content: bottom line
up front (key judgements with band and confidence), the ACH matrix, the sources and
their grades, the contradictions with both sides quoted, words against deeds, the
timing test and its chart, and the documents with every attribution marked. Each
judgement links to its evidence rows, each evidence row to the quotes it rests on,
highlighted in their documents.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, select_autoescape

from feint.errors import UsageError
from feint.report.data import CUT, gather, write_json
from feint.report.labels import LAG_HELP, day
from feint.report.markdown import to_markdown
from feint.report.render import (
    CHANNEL_COLOURS,
    CHANNEL_LABELS,
    anchor,
    highlight,
    saydo_chart,
    timing_chart,
)
from feint.store import Store

FORMATS: Final = ("html", "md", "json")
MAX_CONTRADICTIONS: Final = CUT.pairs
"""Pairs shown in the HTML and Markdown reports (all of them are in the JSON)."""
MAX_SOURCES: Final = CUT.sources
TOP_SOURCES: Final = 25
"""Sources the HTML report shows open; the rest (to ``MAX_SOURCES``) fold away."""
MAX_QUOTES: Final = CUT.quotes
COMPANION: Final = "report.json"
"""Written beside an HTML or Markdown report: every row they leave out."""

__all__ = ["FORMATS", "environment", "gather", "render_html", "write_report"]


def environment(*packages: str) -> Environment:
    """The Jinja2 environment for feint's templates: autoescaped, strict.

    ``packages`` (e.g. ``feint.web``) add their own ``templates`` folders, searched
    before the report's.
    """
    loaders = [PackageLoader(p, "templates") for p in (*packages, "feint.report")]
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(anchor=anchor, highlight=highlight, pct=_pct, day=day)
    return env


def _pct(p: float | None) -> str:
    return "—" if p is None else f"{round(100 * p)}%"


def render_html(data: dict[str, Any]) -> str:
    """The report as one self-contained HTML page."""
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            r=data,
            contradictions=data["contradictions"],
            shifts=data["shifts"],
            max_sources=MAX_SOURCES,
            top_sources=TOP_SOURCES,
            companion=COMPANION,
            lag_help=LAG_HELP,
            max_quotes=MAX_QUOTES,
            timing_chart=timing_chart(data["timing"], data["question"]),
            saydo_chart=saydo_chart(data["saydo"]),
            linked={
                span["claim_id"]
                for d in data["documents"]
                for span in d["spans"]
                if span["claim_id"]
            },
            channel_colours=CHANNEL_COLOURS,
            channel_labels=CHANNEL_LABELS,
        )
    )


def write_report(
    store: Store,
    out_dir: str | Path,
    fmt: str = "html",
    question: str | None = None,
    all_documents: bool = False,
) -> Path:
    """Write ``out_dir/report.{html,md,json}`` and return its path.

    An HTML or Markdown report gets ``report.json`` beside it (``COMPANION``): the
    lists it cuts point there for the rest.
    """
    if fmt not in FORMATS:
        raise UsageError(f"Report format {fmt!r} is not one of {', '.join(FORMATS)}.")
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(
            f"Cannot create the report folder {str(out)!r}: {e}. Pass another --out."
        ) from e
    path = out / f"report.{fmt}"
    # The whole report, streamed: its long lists are read from the store as written.
    with (out / COMPANION).open("w", encoding="utf-8") as f:
        write_json(gather(store, question, all_documents=all_documents, limits=None), f)
    if fmt == "json":
        return path
    data = gather(store, question, all_documents=all_documents, limits=CUT)
    if fmt == "html":
        path.write_text(render_html(data), "utf-8")
    else:
        text = to_markdown(data, MAX_CONTRADICTIONS, MAX_SOURCES, MAX_QUOTES, COMPANION)
        path.write_text(text, "utf-8")
    return path

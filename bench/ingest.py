"""Ingest throughput: documents per second for plain-text and HTML files.

What it measures: the wall-clock time of one ``feint.ingest.ingest`` call over a
folder of N files into a fresh DuckDB store, for two kinds of input:

* ``text``: N ``.txt`` files;
* ``html``: N ``.html`` news pages (navigation, the article, related links,
  footer), so that trafilatura's extraction and furniture removal are included.

For each kind it also times a second call over the same folder into the same
store: every document is then ``unchanged``, which is the cost of re-running
ingest on a folder that has not changed.

The files are built from real reporting, the demo corpus
(``../shared/data/corpus/items.jsonl`` next to the repository; ``--corpus`` to
use another JSONL file with a ``text`` field). Item i is corpus item i modulo the
corpus size with a unique first sentence ("Report number i."), so that all N
documents are distinct. The files are written to a temporary folder before the
clock starts, and one small ingest runs first so that one-off import and
start-up costs are not counted.

Run it with:

    .venv/bin/python bench/ingest.py            # N = 1000 of each kind
    .venv/bin/python bench/ingest.py --n 300    # quicker
    .venv/bin/python bench/ingest.py --json     # one JSON object on stdout
"""

from __future__ import annotations

import argparse
import html
import json
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from feint import __version__
from feint.config import IngestOptions
from feint.ingest import IngestReport, ingest
from feint.store import Store

DEFAULT_CORPUS = (
    Path(__file__).resolve().parents[1].parent / "shared" / "data" / "corpus" / "items.jsonl"
)
KINDS = ("text", "html")

PAGE = """<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>{title} | {site}</title>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta property="og:site_name" content="{site}">
    <meta property="og:title" content="{title}">
    <meta property="article:published_time" content="{published}T08:00:00Z">
    <link rel="canonical" href="{url}">
  </head>
  <body>
    <header>
      <a class="logo" href="/">{site}</a>
      <nav>
        <a href="/">Home</a> <a href="/world">World</a> <a href="/europe">Europe</a>
        <a href="/politics">Politics</a> <a href="/opinion">Opinion</a>
        <a href="/subscribe">Subscribe</a> <a href="/login">Sign in</a>
      </nav>
    </header>
    <main>
      <article>
        <h1>{title}</h1>
        <p class="byline">By Staff Reporter · <time datetime="{published}">{published}</time></p>
{paragraphs}
        <div class="share">Share: <a href="#">Facebook</a> <a href="#">X</a>
          <a href="#">Telegram</a></div>
      </article>
      <aside>
        <h3>Most read</h3>
        <ul>
          <li><a href="/a">Markets rally on hopes of a rate cut</a></li>
          <li><a href="/b">Heatwave expected across the south this weekend</a></li>
          <li><a href="/c">Ten things to know before you travel this summer</a></li>
        </ul>
      </aside>
    </main>
    <footer>
      <p>© 2024 {site}. All rights reserved.</p>
      <p><a href="/about">About us</a> · <a href="/privacy">Privacy</a> ·
        <a href="/terms">Terms</a> · <a href="/contact">Contact</a></p>
    </footer>
  </body>
</html>
"""


def load_corpus(path: Path) -> list[dict[str, Any]]:
    """Corpus items with a non-empty ``text``, in file order."""
    items = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                item = json.loads(line)
                if str(item.get("text") or "").strip():
                    items.append(item)
    if not items:
        raise SystemExit(f"{path}: no items with a 'text' field; pass another --corpus")
    return items


def _sentences(text: str) -> list[str]:
    parts = [p.strip() for p in text.replace("\n", " ").split(". ") if p.strip()]
    return [p if p.endswith((".", "?", "!", '"', "”")) else p + "." for p in parts]


def render_page(item: dict[str, Any], text: str) -> str:
    """A news page around one text: two or three sentences per paragraph."""
    sentences = _sentences(text)
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    site = str(item.get("outlet") or "Example News")
    return PAGE.format(
        title=html.escape(str(item.get("title") or "Untitled")),
        site=html.escape(site),
        published=html.escape(str(item.get("published") or "2024-01-01")),
        url=html.escape(str(item.get("url") or "https://example.org/")),
        paragraphs="\n".join(f"        <p>{html.escape(p)}</p>" for p in paragraphs),
    )


def write_inputs(items: list[dict[str, Any]], n: int, root: Path) -> dict[str, Path]:
    """N .txt and N .html files, each with its own first sentence."""
    folders = {kind: root / kind for kind in KINDS}
    for folder in folders.values():
        folder.mkdir(parents=True)
    for i in range(n):
        item = items[i % len(items)]
        text = f"Report number {i}. {item['text'].strip()}"
        (folders["text"] / f"doc-{i:06d}.txt").write_text(text + "\n", encoding="utf-8")
        (folders["html"] / f"doc-{i:06d}.html").write_text(
            render_page(item, text), encoding="utf-8"
        )
    return folders


def _timed(store: Store, folder: Path, options: IngestOptions) -> tuple[float, IngestReport]:
    started = time.perf_counter()
    report = ingest(store, [str(folder)], options)
    return time.perf_counter() - started, report


def _rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


def bench_kind(kind: str, folder: Path, db: Path, n: int) -> dict[str, Any]:
    """Ingest a folder into a fresh store, then again into the same store."""
    options = IngestOptions()
    with Store.open(db) as store:
        first_s, first = _timed(store, folder, options)
        again_s, again = _timed(store, folder, options)
    problems = []
    if first.ingested != n:
        problems.append(
            f"first run stored {first.ingested} of {n} documents "
            f"({len(first.duplicates)} duplicates, {len(first.rejected)} rejected)"
        )
    if again.unchanged != first.ingested or again.ingested:
        problems.append(
            f"second run: {again.unchanged} unchanged, {again.ingested} new "
            f"(expected {first.ingested} unchanged, 0 new)"
        )
    return {
        "kind": kind,
        "n": n,
        "ingested": first.ingested,
        "rejected": len(first.rejected),
        "seconds": round(first_s, 4),
        "docs_per_s": round(_rate(n, first_s), 1),
        "reingest_unchanged": again.unchanged,
        "reingest_seconds": round(again_s, 4),
        "reingest_docs_per_s": round(_rate(n, again_s), 1),
        "db_bytes": db.stat().st_size,
        "problems": problems,
    }


def warm_up(folders: dict[str, Path], root: Path) -> None:
    """One file of each kind through ingest, so imports and first-use set-up are not timed."""
    with Store.open(root / "warm-up.duckdb") as store:
        for folder in folders.values():
            first = min(folder.iterdir())
            ingest(store, [str(first)], IngestOptions())


def print_table(results: list[dict[str, Any]]) -> None:
    """A small table for people."""
    header = (
        f"{'kind':<6} {'docs':>6} {'seconds':>9} {'docs/s':>9}   {'re-ingest s':>11} {'docs/s':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['kind']:<6} {r['ingested']:>6} {r['seconds']:>9.3f} {r['docs_per_s']:>9.1f}   "
            f"{r['reingest_seconds']:>11.3f} {r['reingest_docs_per_s']:>9.1f}"
        )
    for r in results:
        for problem in r["problems"]:
            print(f"warning: {r['kind']}: {problem}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Documents per second for ingesting .txt and .html files into a store."
    )
    parser.add_argument("--n", type=int, default=1000, help="files of each kind (default 1000)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS,
        help=f"JSONL file with a 'text' field per line (default {DEFAULT_CORPUS})",
    )
    args = parser.parse_args(argv)
    if args.n <= 0:
        parser.error("--n must be a positive number of files")
    if not args.corpus.is_file():
        parser.error(f"no corpus file at {args.corpus}; pass one with --corpus")

    items = load_corpus(args.corpus)
    with tempfile.TemporaryDirectory(prefix="feint-bench-") as tmp:
        root = Path(tmp)
        folders = write_inputs(items, args.n, root)
        warm_up(folders, root)
        results = [
            bench_kind(kind, folders[kind], root / f"{kind}.duckdb", args.n) for kind in KINDS
        ]

    if args.json:
        summary = {
            "benchmark": "ingest",
            "feint": __version__,
            "python": platform.python_version(),
            "machine": platform.machine(),
            "n": args.n,
            "corpus": str(args.corpus),
            "corpus_items": len(items),
            "results": {r["kind"]: r for r in results},
        }
        print(json.dumps(summary, indent=2))
    else:
        print(f"feint {__version__} ingest benchmark: {args.n} files of each kind,")
        print(f"built from {len(items)} items of {args.corpus}")
        print()
        print_table(results)
    return 1 if any(r["problems"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())

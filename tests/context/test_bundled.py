"""The demo's own events and decision calendar (src/feint/data): they load whole, reach
as far as the bundled corpus, and are written in varied words of their own."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from feint.context import load_context
from feint.demo import bundled_inputs
from feint.store import Store

SEED, CORPUS, EVENTS, CALENDAR = bundled_inputs()
KINDS = {"aid_package", "weapon_system", "weapons_restriction", "summit", "coordination",
         "talks", "vote", "agreement", "sanctions"}  # fmt: skip
# As data/semantics/check.py: no masked five-word opening may start this share of a
# file or more, and no eight words in a row may come from the corpus or the seed.
FRAME_SHARE = 0.05
_WORD = re.compile(r"[\w']+")


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))


def _texts(path: Path) -> list[str]:
    return [r.get("notes") or r["decision"] for r in _rows(path)]


def _frame(text: str) -> str:
    """The text's first five words, names and numbers masked."""
    return " ".join(
        "N" if any(c.isdigit() for c in w) else "X" if w[:1].isupper() else w.lower()
        for w in _WORD.findall(text)[:5]
    )


def _grams(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_they_load_whole(store: Store) -> None:
    report = load_context(store, [str(EVENTS)], [str(CALENDAR)])
    assert report.rejected == []
    assert (report.events, report.decisions) == (len(_rows(EVENTS)), len(_rows(CALENDAR)))


@pytest.mark.parametrize("path", [EVENTS, CALENDAR], ids=["events", "calendar"])
def test_they_run_in_date_order_to_the_corpus_s_last_year(path: Path) -> None:
    dates = [r.get("event_date") or r["date"] for r in _rows(path)]
    assert dates == sorted(dates)
    published = [json.loads(line)["published"] for line in CORPUS.read_text("utf-8").splitlines()]
    last = max(p for p in published if p)
    assert dates[-1][:4] == last[:4], f"{path.name} stops at {dates[-1]}, the corpus at {last}"
    assert "2022-2025" in path.name  # the name says the years it covers


def test_decisions_are_of_known_kinds() -> None:
    assert {r["kind"] for r in _rows(CALENDAR)} <= KINDS


@pytest.mark.parametrize("path", [EVENTS, CALENDAR], ids=["events", "calendar"])
def test_no_sentence_frame_dominates(path: Path) -> None:
    texts = _texts(path)
    frame, n = Counter(_frame(t) for t in texts).most_common(1)[0]
    assert n / len(texts) < FRAME_SHARE or n == 1, (frame, n, len(texts))


@pytest.mark.parametrize("path", [EVENTS, CALENDAR], ids=["events", "calendar"])
def test_rows_are_not_copied_from_the_corpus_or_the_seed(path: Path) -> None:
    theirs = _grams(SEED.read_text("utf-8"))
    for line in CORPUS.read_text("utf-8").splitlines():
        theirs |= _grams(json.loads(line)["text"])
    copied = [t for t in _texts(path) if _grams(t) & theirs]
    assert copied == []

"""Long commands show bars on a terminal and one line per finished stage elsewhere."""

from __future__ import annotations

import io
import re

from rich.console import Console

from feint.cli.progress import StageProgress


def _run(terminal: bool) -> str:
    out = io.StringIO()
    console = Console(file=out, force_terminal=terminal, width=100)
    with StageProgress(console) as progress:
        count = progress.counter("extract")
        for done in range(1, 4):
            count(done, 3)
        progress.finished("extract", "12 attributions from 3 documents")
        step = progress.steps("relate", {"embed": "claims"})
        step("frames", 1, 1)
        step("embed", 5, 10)
        step("embed", 10, 10)
        step("embed", 10, 10)  # a step reported twice is said once
        progress.finished("assess", "2 key judgements", 1.26)
    return out.getvalue()


def test_off_a_terminal_each_stage_says_it_finished_and_how_long_it_took() -> None:
    lines = _run(terminal=False).splitlines()
    assert [re.sub(r"in \d+\.\d s$", "in N s", line) for line in lines] == [
        "extract: 12 attributions from 3 documents in N s",
        "relate frames: done in N s",
        "relate embed: 10 claims in N s",
        "assess: 2 key judgements in N s",
    ]
    assert lines[-1].endswith("in 1.3 s")  # the time the stage gave, rounded


def test_on_a_terminal_the_bars_say_it_and_leave_no_lines() -> None:
    shown = _run(terminal=True)
    assert "in 1.3 s" not in shown and "key judgements" not in shown

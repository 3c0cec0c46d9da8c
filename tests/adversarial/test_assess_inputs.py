"""A hypotheses file built to break the reader (issue 14 item 7): nesting thousands
deep, or lists where text belongs, is a clear usage error, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from feint.assess.stage import read_hypotheses
from feint.errors import UsageError

DEEP = 100_000


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("deep.json", "[" * DEEP + "]" * DEEP, "nested deeper"),
        ("deep.toml", "hypotheses = " + "[" * DEEP + "]" * DEEP, "nested deeper"),
        ("label.json", '[{"id": "H1", "label": ' + "[" * 500 + "]" * 500 + "}]", "must be text"),
        ("role.json", '[{"label": "ready", "role": {"a": 1}}]', "must be text"),
    ],
)
def test_a_hypotheses_file_built_to_break_the_reader_is_a_usage_error(
    tmp_path: Path, name: str, text: str, reason: str
) -> None:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    with pytest.raises(UsageError, match=reason) as caught:
        read_hypotheses(str(path), "Is Russia ready to talk?")
    assert str(path) in str(caught.value)


def test_the_command_says_so_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * DEEP + "]" * DEEP, "utf-8")
    db = tmp_path / "case.duckdb"
    ingest = subprocess.run(
        [sys.executable, "-m", "feint", "ingest", "-", "--db", str(db)],
        input="Officials said that talks could resume.",
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert ingest.returncode == 0, ingest.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "feint", "assess", "--db", str(db), "-q", "Is Russia ready?",
         "--hypotheses", str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "nested deeper" in proc.stderr and "Traceback" not in proc.stderr

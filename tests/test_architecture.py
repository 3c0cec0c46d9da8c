"""The house's shape, checked (issue 15): functions short enough to read at a
glance, and the layers import-linter guards (``make lint`` runs it; this test runs
it too, so that ``pytest`` alone catches an import that goes the wrong way)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "feint"
MAX_LINES = 80
"""The longest a function may be, from its ``def`` to its last line."""
WAIVER = "# long:"
"""A comment on a ``def`` line that says why this function may be longer."""


def _long_functions() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text("utf-8")
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_LINES and WAIVER not in lines[node.lineno - 1]:
                found.append(f"{path.relative_to(SRC.parent)}:{node.lineno} {node.name} {length}")
    return found


def test_no_function_is_longer_than_80_lines() -> None:
    assert _long_functions() == []


def test_the_layers_import_downward_only() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint is None:
        pytest.fail("import-linter is not installed: run make install")
    proc = subprocess.run([lint], cwd=SRC.parents[1], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:]

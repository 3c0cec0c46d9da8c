"""The demo's closing hints name a command that runs where they are printed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from feint.cli.demo import feint_command


def _script(folder: Path) -> Path:
    script = folder / "bin" / "feint"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n", "utf-8")
    script.chmod(0o755)
    return script


def test_a_script_off_path_is_named_by_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # make demo runs .venv/bin/feint, which nothing put on PATH.
    script = _script(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.setattr(sys, "argv", [str(script), "demo"])
    assert feint_command() == "bin/feint"
    monkeypatch.chdir(tmp_path / "bin")
    assert feint_command() == "./feint"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert feint_command() == str(script)


def test_a_script_on_path_is_named_by_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = _script(tmp_path)
    monkeypatch.setenv("PATH", f"{script.parent}:/usr/bin:/bin")
    monkeypatch.setattr(sys, "argv", [str(script), "demo"])
    assert feint_command() == "feint"


def test_python_dash_m_names_this_python(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", [str(Path(__file__).parent / "__main__.py"), "demo"])
    python, dash_m, name = feint_command().split()
    assert (dash_m, name) == ("-m", "feint")
    assert Path(python).absolute() == Path(sys.executable).absolute()

"""Options: defaults, a user file over them, flags over both, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from feint.config import Options, load_options
from feint.errors import ConfigError


def test_the_shipped_file_and_the_dataclass_agree() -> None:
    # Two places hold the defaults (the commented file users read, the dataclass
    # the library uses without a file); this keeps them equal.
    assert load_options() == Options()


def test_every_section_takes_flags(tmp_path: Path) -> None:
    options = load_options(None, relate={"judge": "rules", "k": None}, extract={"n_process": 2})
    assert (options.relate.judge, options.relate.k) == ("rules", Options().relate.k)
    assert options.extract.n_process == 2


def test_user_file_then_flags_override(tmp_path: Path) -> None:
    cfg = tmp_path / "feint.toml"
    cfg.write_text("[ingest]\nmax_bytes = 1000\nfetch_timeout = 3\n", "utf-8")
    options = load_options(cfg, ingest={"max_bytes": 5, "fetch": None})
    assert options.ingest.max_bytes == 5  # the flag wins
    assert options.ingest.fetch_timeout == 3.0  # the file wins over the default
    assert options.ingest.fetch is False  # a flag not given falls through


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[ingest]\nmax_byte = 3\n", "Unknown option"),
        ("[ingest]\nmax_bytes = 'big'\n", "expected int"),
        ("[ingest]\nremove_furniture = 1\n", "expected bool"),
        ("[assess]\nactor = ['Russia']\n", "expected str"),
        ("ingest = 3\n", "must be a table"),
        ("[ingest\n", "not valid TOML"),
    ],
)
def test_bad_config_files_say_what_is_wrong(tmp_path: Path, text: str, words: str) -> None:
    cfg = tmp_path / "feint.toml"
    cfg.write_text(text, "utf-8")
    with pytest.raises(ConfigError, match=words):
        load_options(cfg)


def test_a_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="nothere"):
        load_options(tmp_path / "nothere.toml")

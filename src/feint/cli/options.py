"""Options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from feint.store import DEFAULT_DB

DbOption = Annotated[
    Path,
    typer.Option("--db", help="The DuckDB store file.", show_default=True),
]
DEFAULT_DB_PATH = Path(DEFAULT_DB)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="A TOML file overriding feint's default configuration."),
]
TableFlag = Annotated[bool, typer.Option("--table", help="Print a table (the default).")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print a JSON array of row objects.")]
CsvFlag = Annotated[bool, typer.Option("--csv", help="Print CSV with a header row.")]

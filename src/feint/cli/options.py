"""Options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Final

import typer

from feint.errors import UsageError
from feint.raypool import LOCAL, RayOptions, check_address, import_ray
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

RayOption = Annotated[
    str | None,
    typer.Option(
        "--ray",
        metavar="[ADDRESS]",
        help="Run the models on Ray actors: --ray alone (or 'local') starts a local Ray "
        "runtime with this machine's cores; --ray HOST:6379 joins the cluster whose head "
        "is there (the README's Scaling section).",
    ),
]
RayActorsOption = Annotated[
    int | None,
    typer.Option(
        "--ray-actors", help="Ray actors to start (by default one per CPU of the cluster)."
    ),
]
_BARE: Final = {"--ray": "local"}
"""Options whose value may be left out, and the value they then take (typer has no
optional values: ``main`` fills them in before it parses)."""


def fill_bare_options(argv: list[str]) -> list[str]:
    """``argv`` with a value after each option of ``_BARE`` given without one."""
    out: list[str] = []
    for i, arg in enumerate(argv):
        out.append(arg)
        if arg == "--":
            return out + argv[i + 1 :]
        if arg in _BARE and (i + 1 == len(argv) or argv[i + 1].startswith("-")):
            out.append(_BARE[arg])
    return out


def ray_options(address: str | None, actors: int | None) -> RayOptions | None:
    """What --ray and --ray-actors ask for (None: no Ray); a missing Ray or an address
    where nothing answers fails now, even if the stage turns out to have no work."""
    if actors is not None and actors < 1:
        raise UsageError("--ray-actors must be 1 or more.")
    if address is None:
        if actors is not None:
            raise UsageError("--ray-actors needs --ray (alone, or with the head's HOST:6379).")
        return None
    import_ray()
    if address != LOCAL:
        check_address(address)
    return RayOptions(None if address == LOCAL else address, actors)

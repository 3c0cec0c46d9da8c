"""``feint serve``: the web UI over a store."""

from __future__ import annotations

from typing import Annotated

import typer

from feint.cli.options import DEFAULT_DB_PATH, ConfigOption, DbOption
from feint.cli.output import console, err_console
from feint.config import load_options
from feint.errors import UsageError
from feint.store import Store

LOOPBACK = ("127.0.0.1", "localhost", "::1")
ANY_ADDRESS = ("0.0.0.0", "::")


def serve_cmd(
    db: DbOption = DEFAULT_DB_PATH,
    port: Annotated[int, typer.Option("--port", "-p", help="The port to listen on.")] = 8765,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="The address to listen on. Anything but loopback lets others on the "
            "network read and change the store.",
        ),
    ] = "127.0.0.1",
    max_upload_mb: Annotated[
        float, typer.Option("--max-upload-mb", help="Largest upload accepted, in MB.")
    ] = 5.0,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="Also answer to this host name (the Host a reverse proxy passes on, "
            "e.g. feint.example.org). Repeatable.",
        ),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Browse the store in a web browser: documents with attributions highlighted,
    claims, propositions, contradictions, sources and grades; edit ACH ratings or add
    evidence and see the ranking update; ingest a pasted text or an uploaded file.

    A JSON API stands behind the pages (its schema: /api/openapi.json). Stop with
    Ctrl+C, and stop it before running another stage on the same store.

    Examples:

      feint serve --db case.duckdb

      feint serve --db case.duckdb --port 9000 --max-upload-mb 20

      feint serve --db case.duckdb --allow-host feint.example.org   # behind a proxy
    """
    import uvicorn

    from feint.web.app import LOOPBACK_HOSTS, create_app

    if not 0 < port < 65536:
        raise UsageError(f"--port {port}: give a port between 1 and 65535.")
    if max_upload_mb <= 0:
        raise UsageError("--max-upload-mb must be more than 0.")
    options = load_options(config)
    if host not in LOOPBACK:
        err_console.print(
            f"[bold yellow]warning:[/] listening on {host}: anyone who can reach this "
            "machine can read and change the store.",
            highlight=False,
        )
    with Store.open_existing(db) as store:
        # Loopback answers to loopback names only (no DNS rebinding); an address given
        # on purpose answers to that address too, or to any name when it is 0.0.0.0.
        hosts = LOOPBACK_HOSTS if host in LOOPBACK else ("*",) if host in ANY_ADDRESS else (
            *LOOPBACK_HOSTS, host)  # fmt: skip
        hosts = (*hosts, *(h.strip().lower() for h in allow_host or () if h.strip()))
        app = create_app(store, options, int(max_upload_mb * 1024 * 1024), hosts)
        console.print(f"feint serves {db} at http://{host}:{port}/ (Ctrl+C stops it)")
        uvicorn.run(app, host=host, port=port, log_level="warning")

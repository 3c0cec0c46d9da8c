"""``feint serve``: browse a store, edit the ACH matrix, ingest from the browser.

``create_app`` assembles the web UI from its parts, one concern each:

- ``web.state``: what the app holds (the store's one writing connection behind a
  lock, a reading connection per worker thread, the jobs, the models loaded on
  first use, the templates), at ``app.state.feint``; views take it as ``Shared``.
- ``web.guard``: what every request and response passes through: the Host check
  (DNS rebinding), the origin check (CSRF), body-size limits, the
  Content-Security-Policy and other headers; it installs ``web.errors``, the one
  error shape (``{"error": {"status", "code", "message"}}``, or the error page).
- ``web.pages``: the HTML pages and their forms, rendered on the server (Jinja2,
  autoescaped: article text is untrusted input).
- ``web.api``: the JSON API under ``/api`` behind them (schema at
  ``/api/openapi.json``).
- ``web.lookups``, ``web.queries``: what a page or an endpoint reads, found or
  refused alike for both; ``web.work``: what they change (uploads, ratings,
  evidence) and "relate and reassess", a background job (``web.jobs``).

DuckDB allows one writing process per file, so the server holds the store's one
connection: writes go through it one at a time; pages and the API read through
connections of their own (``Store.reader``), which see what is committed and never
wait for a write.
"""

from __future__ import annotations

from dataclasses import replace

from fastapi import FastAPI

from feint.config import Options
from feint.errors import FeintError
from feint.store import Store
from feint.web import api, guard, pages
from feint.web.errors import ApiError
from feint.web.guard import DEFAULT_MAX_UPLOAD, LOOPBACK_HOSTS
from feint.web.state import WebState


def create_app(
    store: Store,
    options: Options | None = None,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD,
    hosts: tuple[str, ...] = LOOPBACK_HOSTS,
) -> FastAPI:
    """The web UI over an open, writable ``store``.

    ``options``: the run's options (uploads are never fetched: an upload is a
    document, not a list of URLs for the server to fetch). ``max_upload_bytes``: the
    largest upload taken. ``hosts``: the names the server answers to (the Host
    header; ``*`` for any); anything else is refused, so that a web page cannot reach
    the server through DNS rebinding.
    """
    options = options or Options()
    # An upload is a document, never a list of URLs for the server to fetch.
    options = replace(options, ingest=replace(options.ingest, fetch=False))
    app = FastAPI(
        # No Swagger page: it loads its script from a CDN, which the CSP (and the
        # no-network rule) forbids. The schema is at /api/openapi.json.
        title="feint",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.feint = WebState(store, options, max_upload_bytes)  # for views, tests, embedding
    guard.install(app, hosts)
    app.include_router(pages.router)
    app.include_router(api.router)  # last: it ends with the catch-all for unknown /api paths
    return app


__all__ = ["DEFAULT_MAX_UPLOAD", "LOOPBACK_HOSTS", "ApiError", "FeintError", "create_app"]

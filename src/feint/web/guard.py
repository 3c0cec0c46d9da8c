"""What every request and every response passes through: the server's safety.

The server reads and changes an analyst's store, and article text is untrusted
input, so one place decides, before any view runs, what may reach the app
(``refuse``: another Host, as in DNS rebinding; a write from another origin, as in
CSRF; a body without a length or over its limit, refused before it is read) and
what every response carries, errors included (``secure``: a Content-Security-Policy
that allows no inline script, the only script being feint's own ``/static/ach.js``,
and no network but the server itself; ``nosniff``; a same-origin referrer policy).
``install`` puts this middleware and the error handlers of ``web.errors`` on an app.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Final
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import Response

from feint.web.errors import HANDLERS, error_response
from feint.web.state import state_of

LOOPBACK_HOSTS: Final = ("127.0.0.1", "localhost", "::1", "[::1]")
"""The names a server on loopback answers to (the default ``hosts``)."""
DEFAULT_MAX_UPLOAD: Final = 5 * 1024 * 1024
UPLOAD_PATHS: Final = ("/api/documents", "/ingest")
MAX_FORM: Final = 256 * 1024
"""The largest body any POST but an upload may send (a rating, a row of evidence)."""
CSP: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def secure(response: Response) -> Response:
    """``response`` with the security headers every response carries."""
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Not no-referrer: under it, Chromium sends "Origin: null" with the pages' own
    # forms, and the CSRF check could not tell them from another site's.
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def refuse(
    request: Request, hosts: tuple[str, ...], max_upload: int
) -> tuple[int, str, str] | None:
    """Why a request must not reach the app, as (status, code, message), or None.

    - A Host header naming another host: a page on another site reaching the server
      through DNS rebinding.
    - A state-changing request from another site (Origin or Sec-Fetch-Site): a page
      the analyst visits posting forms to the local server (CSRF).
    - A body without a length, or longer than the limit (uploads: ``max_upload`` plus
      room for the form's framing; anything else: ``MAX_FORM``).
    """
    host = request.headers.get("host", "")
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    if name.lower() not in hosts and "*" not in hosts:
        return 400, "bad_host", f"This server answers to {', '.join(hosts)}, not {host!r}."
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    origin = request.headers.get("origin")
    site = request.headers.get("sec-fetch-site")
    # The scheme counts too: https://127.0.0.1:PORT is another origin than this
    # http server, and a page there must not post here.
    other = origin and (urlsplit(origin).scheme, urlsplit(origin).netloc) != (
        request.url.scheme,
        host,
    )
    if other or site not in (None, "same-origin", "none"):
        return 403, "cross_site", "Requests that change the store must come from feint's own pages."
    length = request.headers.get("content-length")
    if length is None:
        if request.method in ("POST", "PUT", "PATCH") or "transfer-encoding" in request.headers:
            return 411, "length_required", "Send the request with a Content-Length."
        return None
    limit = max_upload + 64 * 1024 if request.url.path in UPLOAD_PATHS else MAX_FORM
    if not length.isdigit() or int(length) > limit:
        return (
            413, "too_large",
            f"The request is larger than the limit of {limit} bytes; split it, or start "
            "feint serve with a larger --max-upload-mb.",
        )  # fmt: skip
    return None


def install(app: FastAPI, hosts: tuple[str, ...]) -> None:
    """Guard ``app``: refuse what ``refuse`` refuses, secure every response, and
    answer every error in the one shape (``web.errors``)."""

    def secured(handler: Callable[[Request, Any], Response]) -> Callable[..., Any]:
        # The handler of unexpected errors runs outside the middleware, so every
        # handler adds the headers itself.
        async def answer(request: Request, e: Exception) -> Response:
            return secure(handler(request, e))

        return answer

    for cls, handler in HANDLERS.items():
        app.add_exception_handler(cls, secured(handler))

    @app.middleware("http")
    async def _guard(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        refused = refuse(request, hosts, state_of(request).max_upload)
        if refused is not None:
            return secure(error_response(request, *refused))
        return secure(await call_next(request))

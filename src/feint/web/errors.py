"""The web's one error shape, and which error becomes which answer.

Every error the server answers, whatever raised it, has one shape: in the JSON API
(and for any client that did not ask for HTML)::

    {"error": {"status": 404, "code": "not_found", "message": "No document 'x'."}}

and, for a browser asking for a page outside ``/api``, the error page with the same
status and message. Views raise ``ApiError`` for what they refuse; feint's own
errors (``FeintError``), Starlette's (a 404 or 405 of the router), request
validation and any unexpected exception are mapped here (``HANDLERS``).
``web.guard`` installs the handlers, adding the security headers to what they answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from feint.errors import FeintError, StoreError, UsageError
from feint.web.state import state_of


class ApiError(Exception):
    """An error the API reports in its one shape."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def wants_html(request: Request) -> bool:
    """Whether to answer with a page: a browser's request outside ``/api``."""
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", ""
    )


def error_response(request: Request, status: int, code: str, message: str) -> Response:
    """The error as the error page or in the JSON shape (without the security
    headers: ``web.guard`` adds them)."""
    if wants_html(request):
        return state_of(request).page(
            request, "error.html.j2", status, status_code=status, message=message
        )
    return JSONResponse(
        {"error": {"status": status, "code": code, "message": message}}, status_code=status
    )


def _api_error(request: Request, e: ApiError) -> Response:
    return error_response(request, e.status, e.code, e.message)


def _feint_error(request: Request, e: FeintError) -> Response:
    status = 400 if isinstance(e, UsageError) else 500 if isinstance(e, StoreError) else 422
    code = re.sub(r"(?<!^)(?=[A-Z])", "_", type(e).__name__).lower()  # UsageError: usage_error
    return error_response(request, status, code, str(e))


def _http_error(request: Request, e: StarletteHTTPException) -> Response:
    code = {404: "not_found", 405: "method_not_allowed"}.get(e.status_code, "http_error")
    message = "No such page." if e.status_code == 404 else str(e.detail)
    return error_response(request, e.status_code, code, message)


def _invalid(request: Request, e: RequestValidationError) -> Response:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in e.errors()
    )
    return error_response(request, 422, "invalid_request", problems)


def _unexpected(request: Request, e: Exception) -> Response:
    return error_response(request, 500, "internal_error", f"feint failed: {type(e).__name__}: {e}")


HANDLERS: dict[type[Exception], Callable[[Request, Any], Response]] = {
    ApiError: _api_error,
    FeintError: _feint_error,
    StarletteHTTPException: _http_error,
    RequestValidationError: _invalid,
    Exception: _unexpected,  # a bug: said in the one shape, not as a bare 500
}
"""The exception handlers, by the class they answer (the nearest class wins)."""

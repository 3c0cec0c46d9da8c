"""What one web app holds, and how a view reaches it.

The server owns the store's one DuckDB connection (DuckDB allows one writing process
per file). ``WebState`` keeps it with everything else that lives as long as the app:
the write lock, the background jobs, one reading connection per worker thread, the
``Session`` that runs the stages with their models loaded once, and the page
templates. ``create_app`` makes one and
puts it at ``app.state.feint``; a view takes it as a parameter typed ``Shared`` (a
FastAPI dependency), so no module holds it in a global.

Reads go through ``reading()``: this thread's own connection, which sees what is
committed and never waits for a write. Writes go through ``writing()``: the one
connection, behind the lock, one writer at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment

from feint.config import Options
from feint.report import environment
from feint.session import Session
from feint.store import Store
from feint.web.jobs import Jobs


def _templates() -> Environment:
    """The report's environment with the web's templates first (autoescaped, strict)."""
    env = environment("feint.web")
    env.globals["short"] = lambda ident: str(ident).split(":")[-1]
    return env


@dataclass
class WebState:
    """The store, options and long-lived parts of one web app."""

    store: Store
    options: Options
    max_upload: int
    lock: threading.Lock = field(default_factory=threading.Lock)  # held by writers
    jobs: Jobs = field(default_factory=Jobs)
    local: threading.local = field(default_factory=threading.local)
    templates: Environment = field(default_factory=_templates)
    session: Session = field(init=False)  # the stages over the store, models loaded once

    def __post_init__(self) -> None:
        self.session = Session(self.store, self.options)

    def reader(self) -> Store:
        """This thread's reading connection (made on first use, then kept)."""
        reader: Store | None = getattr(self.local, "store", None)
        if reader is None:
            reader = self.local.store = self.store.reader()
        return reader

    @contextmanager
    def reading(self) -> Iterator[Store]:
        """The store to read: this thread's own connection, which waits for no write."""
        yield self.reader()

    @contextmanager
    def writing(self) -> Iterator[Store]:
        """The store to write: the one connection, one writer at a time."""
        with self.lock:
            yield self.store

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        """The template ``name`` rendered for ``request`` (which it sees, with its path)."""
        template = self.templates.get_template(name)
        html = template.render(request=request, path=request.url.path, **context)
        return HTMLResponse(html, status_code=status)


def state_of(request: Request) -> WebState:
    """The state of the app that ``request`` came to."""
    state: WebState = request.app.state.feint
    return state


async def _shared(request: Request) -> WebState:
    # async: FastAPI would run a plain function in a worker thread, for nothing.
    return state_of(request)


Shared = Annotated[WebState, Depends(_shared)]
"""A view's parameter for the app's state: ``def view(state: Shared) -> ...``."""

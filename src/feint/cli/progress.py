"""What a long command shows while it runs, on standard error.

On a terminal: a bar per stage (rich), cleared at the end. Anywhere else (a file, a
pipe, CI) a live bar prints nothing until the command ends, minutes later, so each
stage prints one line as it finishes instead, with what it did and how long it
took::

    extract: 89 documents in 41.2 s
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from feint.cli.output import err_console


def progress_bar(console: Console = err_console) -> Progress:
    """The progress bar every long command shows (on standard error, cleared at the end)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


class StageProgress:
    """Bars on a terminal; elsewhere one line per finished stage (see the module).

    Use it as a context manager; hand ``counter(...)`` or ``steps(...)`` to a stage as
    its progress callback, and call ``finished`` as each stage returns.
    """

    def __init__(self, console: Console = err_console) -> None:
        self.console = console
        # A dumb terminal cannot redraw a bar in place either.
        self.live = console.is_terminal and not console.is_dumb_terminal
        self.bar = progress_bar(console) if self.live else None
        self._tasks: dict[str, TaskID] = {}
        self._said: set[str] = set()
        self._mark = time.monotonic()

    def __enter__(self) -> StageProgress:
        if self.bar is not None:
            self.bar.start()
        self._mark = time.monotonic()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.bar is not None:
            self.bar.stop()

    def update(
        self,
        name: str,
        done: int,
        total: int,
        *,
        description: str | None = None,
        what: str | None = None,
    ) -> None:
        """Move ``name``'s bar to ``done`` of ``total``. Off a terminal, when ``what`` is
        given and ``done`` reaches ``total``, say the stage finished, having done ``what``."""
        if self.bar is not None:
            if name not in self._tasks:
                self._tasks[name] = self.bar.add_task(name, total=None)
            self.bar.update(
                self._tasks[name], completed=done, total=total, description=description or name
            )
        elif what is not None and total > 0 and done >= total:
            self.finished(name, what)

    def counter(self, name: str) -> Callable[[int, int], None]:
        """A progress(done, total) callback that moves ``name``'s bar; its line is the
        caller's to print (``finished``), with what the stage reports it did."""
        return lambda done, total: self.update(name, done, total)

    def steps(self, stage: str, units: Mapping[str, str]) -> Callable[[str, int, int], None]:
        """A progress(step, done, total) callback that gives each step its own bar, or
        its own line as it finishes (``relate embed: 412 claims in 2.0 s``). A step not
        in ``units`` counts only itself, (1, 1): its line says ``done``."""

        def progress(step: str, done: int, total: int) -> None:
            unit = units.get(step)
            what = f"{total} {unit}" if unit else "done"
            self.update(f"{stage} {step}", done, total, description=step, what=what)

        return progress

    def finished(self, name: str, what: str, seconds: float | None = None) -> None:
        """Off a terminal, print ``name: what in N s``, once per name. ``seconds``
        defaults to the time since the last such line (or since the start)."""
        now = time.monotonic()
        if not self.live and name not in self._said:
            self._said.add(name)
            took = now - self._mark if seconds is None else seconds
            self.console.print(
                f"{name}: {what} in {took:.1f} s", highlight=False, markup=False, soft_wrap=True
            )
        self._mark = now

"""Work spread over Ray actors (``--ray``): connect, start the actors, map parts, retry.

Ray (Moritz et al. 2018, "Ray: A Distributed Framework for Emerging AI
Applications") schedules the actors on one machine or many; feint only cuts the work
into parts and gathers the results. An actor loads its models once, in its
constructor, and is then handed part after part. The results come back to the
calling process, which alone writes the store: DuckDB has one writer, and the stage
writers stay the only code that writes a table (``extract/distributed.py``,
``relate/distributed.py`` hand back what their actors computed).

A failure is retried per part, in two layers:

- Ray's: every actor is made with ``max_restarts`` and ``max_task_retries``, so a
  worker process that dies in the middle of a part is started again (its
  constructor loads the models again) and the part runs again on it;
- ours: a part whose actor is gone for good (its restarts spent, or killed without
  restart) goes to a new actor, up to ``retries`` times, then ``RayWorkError``.

A part counts only once its result is back, and each result is taken once, so a
dying worker loses no documents and none is written twice. The environment
variable ``FEINT_RAY_DIE_ONCE=PART:MARKER`` makes the first try of part ``PART``
kill its worker (``os._exit``), leaving the file ``MARKER``: the test of the above.

This module sits beside the layers (like ``config`` and ``errors``): any stage may
use it, and it imports none.
"""

from __future__ import annotations

import logging
import os
import socket
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any, Final, Self

from feint import __version__
from feint.cores import available_cores
from feint.errors import FeintError, RayUnavailableError, RayWorkError

log = logging.getLogger(__name__)

DIE_ONCE_ENV: Final = "FEINT_RAY_DIE_ONCE"
LOCAL: Final = "local"
"""``--ray local`` (or ``--ray`` alone): a Ray runtime on this machine, all its cores."""
_IN_FLIGHT: Final = 2  # parts queued per actor: the next is there when one finishes


@dataclass(frozen=True, slots=True)
class RayOptions:
    """Where to run: ``address`` of a Ray cluster's head (``HOST:6379``, ``auto``,
    ``ray://HOST:10001``), or None (or ``local``) for a local runtime with this
    machine's cores; ``actors``, how many (None: one per CPU of the cluster)."""

    address: str | None = None
    actors: int | None = None
    retries: int = 3


def import_ray() -> ModuleType:
    """The ``ray`` module, or a clear error when it is not installed."""
    try:
        import ray
    except ImportError as e:
        raise RayUnavailableError(
            "--ray needs Ray, which is not installed. Run 'pip install -c constraints.txt "
            "ray==2.60.0' (or reinstall feint with 'make install'), on every node."
        ) from e
    return ray


def connect(address: str | None) -> ModuleType:
    """Join the Ray cluster at ``address``, or start a local runtime with this
    machine's cores (None or ``local``); a runtime this process joined already is
    kept. Returns the ``ray`` module."""
    ray = import_ray()
    if ray.is_initialized():
        return ray
    quiet: dict[str, Any] = {"logging_level": logging.WARNING, "log_to_driver": False}
    if address is None or address == LOCAL:
        ray.init(num_cpus=available_cores(), include_dashboard=False, **quiet)
        return ray
    check_address(address)
    try:
        ray.init(address=address, **quiet)
    except Exception as e:  # ConnectionError, RuntimeError, ValueError: all "cannot join"
        raise RayUnavailableError(
            f"Cannot join the Ray cluster at {address!r} ({type(e).__name__}: {e}). Start "
            "it with 'ray start --head' on its head node and give that node's HOST:6379; "
            "every node needs this feint version installed (the README's Scaling section)."
        ) from e
    return ray


def check_address(address: str) -> None:
    """Fail in seconds, not minutes, when nothing listens at ``address`` (Ray itself
    retries an unreachable head for a long time)."""
    if address == "auto":
        return
    hostport = address.split("://", 1)[-1]
    host, _, port = hostport.rpartition(":")
    if not host or not port.isdigit():
        raise RayUnavailableError(
            f"--ray {address!r} is not a Ray address: give HOST:PORT (the head node's "
            "'ray start --head' prints it, port 6379 by default), or nothing for a "
            "local runtime."
        )
    try:
        with socket.create_connection((host, int(port)), timeout=5):
            pass
    except OSError as e:
        raise RayUnavailableError(
            f"Nothing answers at the Ray address {address!r} ({e}). Is the cluster "
            "started ('ray start --head' on the head node), and is the port open?"
        ) from e


class Worker:
    """The base of feint's actor classes: runs a part by method name.

    A subclass loads its models in its constructor and offers one method per kind
    of part; the pool calls ``run``, never the methods themselves."""

    def ready(self) -> str:
        """The feint version this actor runs, once its constructor (the model
        loading) is done."""
        return __version__

    def run(self, method: str, index: int, part: Any, die_once: str | None) -> Any:
        """``method(part)``; ``die_once`` is the test hook of the module docstring."""
        if die_once:
            _die_once(index, die_once)
        return getattr(self, method)(part)


def _die_once(index: int, spec: str) -> None:
    """Kill this worker process if ``spec`` (``PART:MARKER``) names part ``index``
    and its marker file is not there yet (so only the first try dies)."""
    part, _, marker = spec.partition(":")
    if part.strip().isdigit() and int(part) == index and not Path(marker).exists():
        Path(marker).touch()
        os._exit(1)


class Closing:
    """``with`` support for a class with a ``close()``: the block's end closes it."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class ActorPool(Closing):
    """Actors of one ``Worker`` class, started on first use, fed parts, retried.

    Args:
        worker: the actor class (a ``Worker`` subclass in an importable module:
            every node imports it from its own feint).
        args: its constructor's arguments.
        options: where to run and how many actors.
    """

    def __init__(self, worker: type[Worker], args: tuple[Any, ...], options: RayOptions) -> None:
        self.worker, self.args, self.options = worker, args, options
        self.actors: list[Any] = []
        self.replaced = 0
        """Actors replaced after dying for good (ours, not Ray's restarts)."""
        self._ray: ModuleType | None = None
        self._remote: Any = None

    def start(self) -> list[Any]:
        """The actors, started (and their models loaded) on the first call."""
        if self.actors:
            return self.actors
        ray = self._ray = connect(self.options.address)
        retries = self.options.retries
        self._remote = ray.remote(self.worker).options(
            num_cpus=1, max_restarts=retries, max_task_retries=retries
        )
        cpus = int(ray.cluster_resources().get("CPU", 1))
        n = self.options.actors or cpus
        if n > cpus:
            log.warning("%d actors asked, the cluster has %d CPUs: using %d", n, cpus, cpus)
            n = cpus
        self.actors = [self._remote.remote(*self.args) for _ in range(max(n, 1))]
        self._wait_ready(self.actors)
        log.info("%d Ray actor(s) of %s ready", len(self.actors), self.worker.__name__)
        return self.actors

    def _wait_ready(self, actors: list[Any]) -> None:
        assert self._ray is not None
        try:
            versions = set(self._ray.get([a.ready.remote() for a in actors]))
        except self._ray.exceptions.RayActorError as e:
            self.close()
            raise RayWorkError(
                f"Ray's workers could not start ({_last_error_line(e)}). Every node needs "
                "the same feint, its models and its dependencies installed (the README's "
                "Scaling section)."
            ) from e
        if versions != {__version__}:
            self.close()
            raise RayWorkError(
                f"The Ray nodes run feint {', '.join(sorted(versions))}, this machine feint "
                f"{__version__}: install the same feint on every node (the README's "
                "Scaling section)."
            )

    def call(self, method: str, part: Any = None) -> Any:
        """``method(part)`` on one actor (a question about the models, not work)."""
        [(_, result)] = list(self.map(method, [part]))
        return result

    def map_ordered(self, method: str, parts: Sequence[Any]) -> list[Any]:
        """``method(part)`` for every part, spread over the actors, in the parts' order."""
        out: list[Any] = [None] * len(parts)
        for index, result in self.map(method, parts):
            out[index] = result
        return out

    def map(
        self,
        method: str,
        parts: Sequence[Any],
        progress: Callable[[int, int], None] | None = None,
    ) -> Iterator[tuple[int, Any]]:
        """(index, ``method(part)``) for every part, as each comes back (in any order).

        Each actor has up to two parts queued; a part whose actor died for good goes
        to a new actor (``retries`` times at most). ``progress(done, total)`` counts
        parts."""
        actors = self.start()
        assert self._ray is not None
        ray, die_once = self._ray, os.environ.get(DIE_ONCE_ENV)
        todo = deque(range(len(parts)))
        slots = deque(s for _ in range(_IN_FLIGHT) for s in range(len(actors)))
        tries = [0] * len(parts)
        running: dict[Any, tuple[int, int, Any]] = {}  # ref -> (part, slot, actor)
        done = 0
        while todo or running:
            while todo and slots:
                i, slot = todo.popleft(), slots.popleft()
                ref = actors[slot].run.remote(method, i, parts[i], die_once)
                running[ref] = (i, slot, actors[slot])
            [ref], _ = ray.wait(list(running), num_returns=1)
            i, slot, actor = running.pop(ref)
            slots.append(slot)
            try:
                result = ray.get(ref)
            except ray.exceptions.RayActorError as e:
                tries[i] += 1
                self._replace(slot, actor, i, tries[i], e)
                todo.appendleft(i)
                continue
            except ray.exceptions.RayTaskError as e:  # the code raised: a retry would too
                raise _task_error(e) from e
            done += 1
            if progress is not None:
                progress(done, len(parts))
            yield i, result

    def _replace(self, slot: int, actor: Any, part: int, tries: int, error: Exception) -> None:
        """A new actor in ``slot`` for one that died for good (once per dead actor)."""
        if tries > self.options.retries:
            raise RayWorkError(
                f"Part {part} of the work failed {tries} times: its Ray workers kept dying "
                f"({_last_error_line(error)}). Look at the nodes' memory and logs "
                "('ray logs'), or run with fewer --ray-actors."
            ) from error
        log.warning("a Ray actor died for good; part %d goes to a new one (%s)", part, error)
        if self.actors[slot] is actor:
            self.actors[slot] = self._remote.remote(*self.args)
            self.replaced += 1

    def close(self) -> None:
        """Stop the actors (the Ray runtime stays, for the next pool)."""
        if self._ray is not None:
            for actor in self.actors:
                self._ray.kill(actor, no_restart=True)
        self.actors = []


def _last_error_line(error: BaseException) -> str:
    """The line of a remote traceback that says what went wrong."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    named = [line for line in lines if "Error" in line.split(":", 1)[0]]
    return (named or lines or [type(error).__name__])[-1]


def _task_error(error: Any) -> Exception:
    """What to raise for an exception a part's code raised on a worker: feint's own
    errors as they were (their messages say what to do), others wrapped."""
    cause = getattr(error, "cause", None)
    if isinstance(cause, FeintError):
        return cause
    return RayWorkError(f"A Ray worker failed: {_last_error_line(error)}")


def split(items: Sequence[Any], parts: int) -> list[Sequence[Any]]:
    """``items`` cut into at most ``parts`` contiguous slices of near-equal length."""
    n = max(1, min(parts, len(items)))
    size, extra = divmod(len(items), n)
    out, start = [], 0
    for k in range(n):
        end = start + size + (1 if k < extra else 0)
        out.append(items[start:end])
        start = end
    return out

"""Long work in the background: one job at a time, its progress readable meanwhile.

"Relate and reassess" embeds, judges and weighs every new claim: seconds on a small
store, minutes on a large one. The web UI runs it as a job in a thread of its own
and answers at once with the job's id; ``/api/jobs/{id}`` (and the page
``/jobs/{id}``) says what it is doing and, when it ends, what it found or why it
failed. Pages go on being served meanwhile: they read through connections of their
own (``Store.reader``), never waiting for the job's writes.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from feint.errors import FeintError

KEEP: Final = 20
"""Finished jobs remembered (their status stays readable), the newest kept."""


@dataclass
class Job:
    """One piece of long work and how far it has gone."""

    job_id: str
    kind: str
    question: str | None
    status: str = "running"  # running | done | failed
    stage: str = "starting"
    done: int = 0
    total: int = 0
    started: float = field(default_factory=time.time)
    finished: float | None = None
    result: dict[str, Any] | None = None
    error: str | None = None

    def progress(self, stage: str, done: int = 0, total: int = 0) -> None:
        """Record what the job is doing (``relate``'s progress callback fits)."""
        self.stage, self.done, self.total = stage, done, total

    def as_dict(self) -> dict[str, Any]:
        end = self.finished or time.time()
        return {
            "id": self.job_id,
            "kind": self.kind,
            "question": self.question,
            "status": self.status,
            "stage": self.stage,
            "done": self.done,
            "total": self.total,
            "elapsed_s": round(end - self.started, 1),
            "result": self.result,
            "error": self.error,
            "status_url": f"/api/jobs/{self.job_id}",
        }


class Busy(Exception):
    """A job is already running; ``job`` is that one."""

    def __init__(self, job: Job) -> None:
        super().__init__(f"A {job.kind} job is already running ({job.job_id}).")
        self.job = job


class Jobs:
    """The jobs of one web app: at most one running at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._ids = itertools.count(1)

    def start(self, kind: str, question: str | None, work: Callable[[Job], dict[str, Any]]) -> Job:
        """Run ``work(job)`` in a thread of its own and return the job at once.

        Raises:
            Busy: another job is still running.
        """
        with self._lock:
            running = next((j for j in self._jobs.values() if j.status == "running"), None)
            if running is not None:
                raise Busy(running)
            job = Job(f"{kind}-{next(self._ids)}", kind, question)
            self._jobs[job.job_id] = job
            while len(self._jobs) > KEEP:
                self._jobs.popitem(last=False)
        thread = threading.Thread(target=_run, args=(job, work), name=f"feint-{job.job_id}")
        thread.daemon = True  # a server stopping mid-job leaves the store as a kill would
        thread.start()
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)


def _run(job: Job, work: Callable[[Job], dict[str, Any]]) -> None:
    status, result, error = "failed", None, None
    try:
        result, status = work(job), "done"
    except FeintError as e:
        error = str(e)
    except Exception as e:  # a bug: said in the job's status, not lost in a thread
        error = f"feint failed: {type(e).__name__}: {e}"
    job.result, job.error, job.finished = result, error, time.time()
    job.status = status  # last: a reader that sees it finished sees all of it

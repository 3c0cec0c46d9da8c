"""How many cores this process may keep busy: one answer for every stage that runs
threads (the judge's side-by-side runs, the neighbour queries, a local Ray runtime)."""

from __future__ import annotations

import os


def available_cores() -> int:
    """The cores this process may use: its CPU affinity (not the machine's count),
    or fewer when ``OMP_NUM_THREADS`` says so. Ray sets that variable to the CPUs it
    gave an actor (1 by default) while the affinity still shows the whole node, so
    without it each of a node's actors would start a thread per core."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    budget = os.environ.get("OMP_NUM_THREADS", "").strip()
    if budget.isdigit() and int(budget) > 0:
        return min(cores, int(budget))
    return cores

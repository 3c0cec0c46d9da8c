"""A local Ray runtime for the ``--ray`` tests: two CPUs, one per test module."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def local_ray() -> Iterator[Any]:
    """``ray.init(num_cpus=2)`` for the block, shut down after; its workers import
    feint from this checkout (they inherit PYTHONPATH)."""
    import ray

    ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.WARNING)
    try:
        yield ray
    finally:
        ray.shutdown()

"""feint: how far to believe what the news says an actor intends.

The stages of the flow live in subpackages (``ingest``, ``extract``, ``sources``,
``relate``, ``context``, ``assess``, ``report``) and read and write one DuckDB
``Store``. See the README and DESIGN.md for the architecture.
"""

from __future__ import annotations

__version__ = "0.1.0"

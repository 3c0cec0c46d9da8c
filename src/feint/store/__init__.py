"""The DuckDB store: schema, migrations, transactional writes, read-only queries."""

from __future__ import annotations

from feint.store.store import DEFAULT_DB, DocumentRow, QueryResult, Store

__all__ = ["DEFAULT_DB", "DocumentRow", "QueryResult", "Store"]

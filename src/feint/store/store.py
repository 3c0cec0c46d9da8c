"""The DuckDB store every stage reads from and writes to.

One file (``feint.duckdb`` by default) holds every table of DESIGN.md. Opening a
store for writing creates the file and applies missing migrations; opening it
read-only never changes it. Stages write through ``transaction()`` so that a
crash mid-batch leaves the rows of finished transactions and nothing half-written.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from functools import cache
from operator import attrgetter
from pathlib import Path
from types import TracebackType
from typing import Any, Final

import duckdb
import numpy as np

from feint.errors import (
    QueryError,
    ReadOnlyQueryError,
    SchemaVersionError,
    StoreError,
    StoreNotFoundError,
)
from feint.store.records import Record
from feint.store.schema import LATEST_VERSION, MIGRATIONS

log = logging.getLogger(__name__)

DEFAULT_DB: Final = "feint.duckdb"

# Statement types `query` lets through. This list only turns the common mistakes
# (INSERT, DELETE, ...) into a clear message early; it is not the guarantee
# (EXPLAIN ANALYZE runs the statement it explains). The guarantee is _SANDBOX.
_READ_STATEMENTS: Final = frozenset({"SELECT", "EXPLAIN", "PRAGMA", "CALL"})
# How a read-only store is opened: DuckDB may open the store file and nothing else
# (no COPY TO, ATTACH, read_csv, glob, INSTALL or LOAD: each fails with a
# PermissionException), no extension is fetched or loaded behind the SQL's back,
# and the SQL cannot SET any of this back (lock_configuration). json, parquet and
# icu are linked into the duckdb wheel, so JSON columns still read.
_SANDBOX: Final[dict[str, str | bool | int | float | list[str]]] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}
_INSERT_CHUNK: Final = 100
_DOCUMENT_COLUMNS: Final = (
    "doc_id", "source_path", "url", "outlet", "title", "published", "ingested_at",
    "language", "text", "raw_text", "furniture", "format", "meta", "status", "reason",
    "duplicate_of",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DocumentRow:
    """One row of ``documents``: an ingested document or a rejected input."""

    doc_id: str
    source_path: str
    status: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: date | None = None
    language: str | None = None
    text: str | None = None
    raw_text: str | None = None
    furniture: Sequence[dict[str, Any]] = ()
    format: str | None = None
    meta: dict[str, Any] | None = None
    reason: str | None = None
    duplicate_of: str | None = None


@dataclass(frozen=True, slots=True)
class QueryResult:
    """Column names and rows of a read-only query."""

    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool = False  # more rows were there than the caller asked for

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts keyed by column name."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


class Store:
    """A feint store: one DuckDB file, schema-versioned.

    Use ``Store.open(path)`` (or as a context manager) rather than the constructor.
    """

    def __init__(self, conn: duckdb.DuckDBPyConnection, path: str, read_only: bool) -> None:
        self._conn = conn
        self.path = path
        self.read_only = read_only

    # -- opening and closing -------------------------------------------------

    @classmethod
    def open_existing(cls, path: str | Path = DEFAULT_DB) -> Store:
        """Open a store for writing that must already exist (stages after ingest).

        Raises:
            StoreNotFoundError: there is no file at ``path``; nothing is created.
        """
        if str(path) != ":memory:" and not Path(str(path)).exists():
            raise StoreNotFoundError(str(path))
        return cls.open(path)

    @classmethod
    def open(cls, path: str | Path = DEFAULT_DB, *, read_only: bool = False) -> Store:
        """Open (and for writing, create and migrate) the store at ``path``.

        Args:
            path: the DuckDB file; ``":memory:"`` for a throw-away store.
            read_only: open without changing anything; the file must exist. The
                connection then reaches nothing but the store: no other file, no
                network, no extension, and SQL cannot lift that (see ``_SANDBOX``).

        Raises:
            StoreNotFoundError: read-only and the file does not exist.
            SchemaVersionError: the file was written by a newer feint.
            StoreError: DuckDB cannot open the file (locked, not a database, ...).
        """
        spath = str(path)
        if read_only and spath != ":memory:" and not Path(spath).exists():
            raise StoreNotFoundError(spath)
        if spath != ":memory:":
            Path(spath).parent.mkdir(parents=True, exist_ok=True)
        try:
            config = dict(_SANDBOX) if read_only else {}
            conn = duckdb.connect(spath, read_only=read_only, config=config)
        except duckdb.Error as e:
            raise StoreError(
                f"Cannot open the store {spath!r}: {e}. If another feint process is "
                "writing to it, wait for it to finish; if the file is not a feint store, "
                "pass another path with --db."
            ) from e
        store = cls(conn, spath, read_only)
        try:
            store._check_or_migrate()
        except BaseException:
            conn.close()
            raise
        return store

    def close(self) -> None:
        """Close the connection; the store object is unusable afterwards."""
        self._conn.close()

    def reader(self) -> Store:
        """A second connection to the same database (a DuckDB cursor), for reading.

        It sees what is committed, whatever this connection is doing: another thread
        reads through it while a long stage writes through this one, and a result
        is read from it in batches while other queries run here. Close it after use.
        """
        return Store(self._conn.cursor(), self.path, read_only=True)

    def stream(
        self, sql: str, params: Sequence[Any] | None = None, batch: int = 1_000
    ) -> Iterator[tuple[Any, ...]]:
        """The rows of read-only ``sql``, fetched ``batch`` at a time on a connection
        of their own (``reader``): memory holds one batch, and other queries may run
        on this store between two rows."""
        cursor = self.reader()
        try:
            _check_read_only(sql)
            result = cursor._conn.execute(sql, params or [])
            while rows := result.fetchmany(batch):
                yield from rows
        except duckdb.Error as e:
            raise QueryError(f"The query failed: {e}") from e
        finally:
            cursor.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- schema --------------------------------------------------------------

    def schema_version(self) -> int:
        """The highest migration applied to this store (0 for an empty file)."""
        exists = self._conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        ).fetchone()
        if not exists or exists[0] == 0:
            return 0
        row = self._conn.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def _check_or_migrate(self) -> None:
        version = self.schema_version()
        if version > LATEST_VERSION:
            raise SchemaVersionError(
                f"The store {self.path!r} has schema version {version}, but this feint "
                f"knows only up to {LATEST_VERSION}. Upgrade feint, or use another --db."
            )
        if version == LATEST_VERSION:
            return
        if self.read_only:
            raise SchemaVersionError(
                f"The store {self.path!r} has schema version {version}; this feint needs "
                f"{LATEST_VERSION}. Run any writing command on it (e.g. 'feint ingest') "
                "once to migrate it."
            )
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version "
            "(version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)"
        )
        for number, statements in MIGRATIONS:
            if number <= version:
                continue
            with self.transaction():
                for sql in statements:
                    self._conn.execute(sql)
                self._conn.execute("INSERT INTO schema_version VALUES (?, ?)", [number, _now()])
            log.info("store %s migrated to schema version %d", self.path, number)

    # -- writing -------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Run the body in one transaction: all of it is stored, or none of it."""
        self._conn.execute("BEGIN TRANSACTION")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def sources_of(self, doc_ids: Iterable[str]) -> dict[str, str]:
        """For those of ``doc_ids`` already stored: the input each came from."""
        ids = list(set(doc_ids))
        if not ids:
            return {}
        rows = self._conn.execute(
            "SELECT doc_id, source_path FROM documents WHERE list_contains(?, doc_id)", [ids]
        ).fetchall()
        return {r[0]: r[1] for r in rows}

    def add_documents(self, rows: Sequence[DocumentRow]) -> int:
        """Insert rows in one transaction, skipping doc_ids already stored.

        Returns the number of rows inserted.
        """
        if not rows:
            return 0
        now = _now()
        params = [
            [
                r.doc_id,
                r.source_path,
                r.url,
                r.outlet,
                r.title,
                r.published,
                now,
                r.language,
                r.text,
                r.raw_text,
                json.dumps(list(r.furniture), ensure_ascii=False),
                r.format,
                None if r.meta is None else json.dumps(r.meta, ensure_ascii=False, default=str),
                r.status,
                r.reason,
                r.duplicate_of,
            ]
            for r in rows
        ]
        with self.transaction() as conn:
            before = _count(conn, "documents")
            self.insert_rows("documents", _DOCUMENT_COLUMNS, params, on_conflict_skip=True)
            return _count(conn, "documents") - before

    def relabel_input(self, path: str, label: str, title: str) -> list[tuple[str, str, str | None]]:
        """Give the documents read from ``path`` (a file, or ``path:N`` for its
        parts) the source path ``label`` (keeping any ``:N``), and ``title`` when
        the input was plain text with none of its own. The web UI ingests an upload
        from a temporary file and names it after the upload this way.

        Returns each such document's (doc_id, status, duplicate_of).
        """
        where = "source_path = ? OR source_path LIKE ?"
        rows = self._conn.execute(
            f"SELECT doc_id, status, duplicate_of FROM documents WHERE {where}",
            [path, f"{path}:%"],
        ).fetchall()
        with self.transaction() as conn:
            conn.execute(
                "UPDATE documents SET source_path = ? || "
                "coalesce(nullif(regexp_extract(source_path, ':[0-9]+$'), ''), ''), "
                "title = CASE WHEN ? <> '' AND format = 'text' THEN ? ELSE title END "
                f"WHERE {where}",
                [label, title, title, path, f"{path}:%"],
            )
        return [(r[0], r[1], r[2]) for r in rows]

    def insert(self, rows: Sequence[Record], *, on_conflict_skip: bool = False) -> None:
        """Insert records of one table (call inside a transaction).

        The table and its columns come from the records' class (``store.records``).
        """
        if not rows:
            return
        kind = type(rows[0])
        if any(type(r) is not kind for r in rows):
            raise TypeError(f"insert takes records of one table, not a mix with {kind.__name__}")
        values = _values_of(kind)
        self.insert_rows(
            kind.TABLE,
            _columns_of(kind),
            [values(r) for r in rows],
            on_conflict_skip=on_conflict_skip,
        )

    def insert_rows(
        self,
        table: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        on_conflict_skip: bool = False,
    ) -> None:
        """Insert rows of some of a table's columns (call inside a transaction).

        For hand-built stores (tests, one-off scripts) that fill a few columns.
        Stages write whole records with ``insert``; tests/test_architecture.py holds
        the rest of src/ to that.

        It sends multi-row VALUES statements: DuckDB's executemany runs one statement
        per row (about 3.6 ms a row measured here), and a VALUES list of 100 rows
        costs about as much as one.
        """
        cols = ", ".join(columns)
        tail = " ON CONFLICT DO NOTHING" if on_conflict_skip else ""
        for i in range(0, len(rows), _INSERT_CHUNK):
            chunk = rows[i : i + _INSERT_CHUNK]
            one = "(" + ", ".join(["?"] * len(columns)) + ")"
            self._conn.execute(
                f"INSERT INTO {table} ({cols}) VALUES {', '.join([one] * len(chunk))}{tail}",
                [v for row in chunk for v in row],
            )

    def delete_where_in(self, kind: type[Record], column: str, values: Sequence[Any]) -> None:
        """Delete the rows of ``kind``'s table whose ``column`` is one of ``values``
        (inside a transaction)."""
        if column not in _columns_of(kind):
            raise ValueError(f"{kind.TABLE} has no column {column}")
        if values:
            self._conn.execute(
                f"DELETE FROM {kind.TABLE} WHERE list_contains(?, {column})", [list(values)]
            )

    def delete(self, kind: type[Record], **equal: Any) -> None:
        """Delete the rows of ``kind``'s table whose columns equal ``equal``'s values
        (all of them; inside a transaction). ``delete(RatingRow, question=q)``."""
        if not equal:
            raise ValueError("delete needs a condition; clear() empties a table")
        unknown = set(equal) - set(_columns_of(kind))
        if unknown:
            raise ValueError(f"{kind.TABLE} has no column {', '.join(sorted(unknown))}")
        where = " AND ".join(f"{c} = ?" for c in equal)
        self._conn.execute(f"DELETE FROM {kind.TABLE} WHERE {where}", list(equal.values()))

    def clear(self, kind: type[Record]) -> None:
        """Delete every row of ``kind``'s table (inside a transaction)."""
        self._conn.execute(f'DELETE FROM "{kind.TABLE}"')

    # -- reading -------------------------------------------------------------

    def query(
        self, sql: str, params: Sequence[Any] | None = None, *, max_rows: int | None = None
    ) -> QueryResult:
        """Run read-only SQL and return its result.

        Args:
            sql: one or more statements; the result is the last one's.
            params: values for ``?`` placeholders.
            max_rows: fetch at most this many rows (``truncated`` says if more were
                there); None fetches all.

        Raises:
            ReadOnlyQueryError: the SQL would change something, or (on a read-only
                store) reach a file, the network or an extension.
            QueryError: DuckDB rejected the SQL.
        """
        _check_read_only(sql)
        try:
            cur = self._conn.execute(sql, params or [])
            columns = [d[0] for d in cur.description or []]
            if max_rows is None:
                return QueryResult(columns, cur.fetchall())
            rows = cur.fetchmany(max_rows + 1)
            return QueryResult(columns, rows[:max_rows], truncated=len(rows) > max_rows)
        except duckdb.PermissionException as e:
            raise ReadOnlyQueryError(
                f"'feint query' only reads the store {self.path!r}: it cannot reach other "
                f"files, the network or extensions ({e}). Query the store's tables; to "
                "save a result, print it with --csv or --json and redirect it to a file."
            ) from e
        except duckdb.InvalidInputException as e:
            if "configuration has been locked" not in str(e):
                raise QueryError(f"The query failed: {e}") from e
            raise ReadOnlyQueryError(
                f"'feint query' only reads the store {self.path!r}: its settings cannot "
                f"be changed ({e}). Leave SET out of the SQL."
            ) from e
        except duckdb.Error as e:
            raise QueryError(f"The query failed: {e}") from e

    def embeddings(self, keys: Sequence[str], model: str) -> dict[str, np.ndarray]:
        """Cached vectors of ``model`` for those of ``keys`` that have one."""
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 10_000):
            rows = self._conn.execute(  # IN (unnest) is a hash semi-join, not a list scan
                "SELECT text_key, vector FROM embeddings "
                "WHERE model = ? AND text_key IN (SELECT unnest(?::VARCHAR[]))",
                [model, list(keys[i : i + 10_000])],
            ).fetchall()
            out.update({k: np.frombuffer(v, dtype=np.float32) for k, v in rows})
        return out

    def table_counts(self) -> dict[str, int]:
        """Rows per table, for summaries."""
        names = [
            r[0]
            for r in self._conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
                "ORDER BY table_name"
            ).fetchall()
        ]
        return {name: _count(self._conn, name) for name in names}


@cache
def _columns_of(kind: type[Record]) -> tuple[str, ...]:
    """A record class's columns: its dataclass fields, in order."""
    return tuple(f.name for f in fields(kind))


@cache
def _values_of(kind: type[Record]) -> Callable[[Record], tuple[Any, ...]]:
    """A function from a record to its values, in column order (no copying, unlike
    ``dataclasses.astuple``)."""
    names = _columns_of(kind)
    if len(names) < 2:  # attrgetter of one name returns the value, not a tuple
        raise TypeError(f"{kind.__name__}: a record has two columns or more")
    return attrgetter(*names)


def _count(conn: duckdb.DuckDBPyConnection, table: str) -> int:
    row = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()
    return int(row[0]) if row else 0


def _now() -> datetime:
    # DuckDB TIMESTAMP has no zone: store UTC, naive.
    return datetime.now(UTC).replace(tzinfo=None)


def _check_read_only(sql: str) -> None:
    """Refuse SQL that is not one or more reading statements."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as e:
        raise QueryError(f"Cannot parse the SQL: {e}") from e
    if not statements:
        raise QueryError("The SQL is empty: give one SELECT statement, e.g. 'SELECT 1'.")
    for st in statements:
        kind = st.type.name
        if kind not in _READ_STATEMENTS:
            raise ReadOnlyQueryError(
                f"'feint query' only reads: {kind} statements are refused "
                f"({st.query.strip()[:60]!r}). Use SELECT; stages change the store."
            )

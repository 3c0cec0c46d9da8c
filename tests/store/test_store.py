"""The store: schema versions, transactions, idempotent writes, read-only queries."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from feint.errors import (
    QueryError,
    ReadOnlyQueryError,
    SchemaVersionError,
    StoreNotFoundError,
)
from feint.store import DocumentRow, Store
from feint.store.schema import LATEST_VERSION, MIGRATIONS

CONTRACT_COLUMNS = {
    "doc_id", "source_path", "url", "outlet", "title", "published", "text", "raw_text",
    "status", "reason",
}  # fmt: skip


def _row(i: int) -> DocumentRow:
    return DocumentRow(doc_id=f"id{i}", source_path=f"f{i}.txt", status="ok", text=f"t{i}")


def test_new_store_has_every_table_and_the_latest_version(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        assert store.schema_version() == LATEST_VERSION
        tables = set(store.table_counts())
        cols = {
            r[0]
            for r in store.query(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'documents'"
            ).rows
        }
    assert {
        "documents", "attributions", "sources", "claims", "propositions", "relations",
        "events", "decisions", "grades", "saydo", "timing", "hypotheses", "evidence",
        "ratings", "judgements", "schema_version",
    } <= tables  # fmt: skip
    assert cols >= CONTRACT_COLUMNS


def test_reopening_does_not_migrate_again(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    Store.open(path).close()
    with Store.open(path) as store:
        rows = store.query("SELECT version FROM schema_version ORDER BY 1").rows
    assert rows == [(v,) for v in range(1, LATEST_VERSION + 1)]


def test_an_old_store_is_migrated_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "v1.duckdb"
    with duckdb.connect(str(path)) as conn:  # a store as the first feint wrote it
        conn.execute(
            "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP)"
        )
        for sql in MIGRATIONS[0][1]:
            conn.execute(sql)
        conn.execute("INSERT INTO schema_version VALUES (1, now())")
        conn.execute(
            "INSERT INTO documents (doc_id, source_path, status, ingested_at, text) "
            "VALUES ('d1', 'a.txt', 'ok', now(), 'kept')"
        )
    with Store.open(path) as store:
        assert store.schema_version() == LATEST_VERSION
        assert store.query("SELECT text FROM documents").rows == [("kept",)]
        assert "extract_runs" in store.table_counts()


def test_a_version_6_store_gets_claim_hashes_and_open_pairs_and_keeps_its_claims(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v6.duckdb"
    with duckdb.connect(str(path)) as conn:  # a store as feint wrote it before version 7
        conn.execute(
            "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP)"
        )
        for number, statements in MIGRATIONS[:6]:
            for sql in statements:
                conn.execute(sql)
            conn.execute("INSERT INTO schema_version VALUES (?, now())", [number])
        conn.execute("INSERT INTO claims (claim_id, attr_id, channel) VALUES ('c-a', 'a', 'media')")
    assert [n for n, _ in MIGRATIONS[:6]] == [1, 2, 3, 4, 5, 6]
    with Store.open(path) as store:
        assert store.schema_version() == LATEST_VERSION >= 7
        rows = store.query("SELECT claim_id, channel, content_hash FROM claims").rows
        assert rows == [("c-a", "media", None)]  # relate stamps it on its next run
        assert store.table_counts()["open_pairs"] == 0


def test_a_store_from_a_newer_feint_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    Store.open(path).close()
    with duckdb.connect(str(path)) as conn:
        conn.execute("INSERT INTO schema_version VALUES (?, now())", [LATEST_VERSION + 1])
    with pytest.raises(SchemaVersionError, match="Upgrade feint"):
        Store.open(path)


def test_read_only_open_of_a_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(StoreNotFoundError, match=r"nope\.duckdb"):
        Store.open(tmp_path / "nope.duckdb", read_only=True)
    assert not (tmp_path / "nope.duckdb").exists()


def test_adding_the_same_rows_twice_adds_nothing(store: Store) -> None:
    assert store.add_documents([_row(1), _row(2)]) == 2
    assert store.add_documents([_row(2), _row(3)]) == 1
    assert store.table_counts()["documents"] == 3


def test_a_failed_transaction_leaves_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as conn:
        conn.execute(
            "INSERT INTO documents (doc_id, source_path, status, ingested_at) "
            "VALUES ('x', 'x', 'ok', now())"
        )
        raise RuntimeError("crash")
    assert store.table_counts()["documents"] == 0


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM documents",
        "INSERT INTO documents (doc_id, status, ingested_at) VALUES ('a', 'ok', now())",
        "DROP TABLE documents",
        "COPY documents TO '/tmp/feint-leak.csv'",
        "SELECT 1; UPDATE documents SET title = 'x'",
        "ATTACH 'other.duckdb'",
    ],
)
def test_query_refuses_writes(store: Store, sql: str) -> None:
    with pytest.raises(ReadOnlyQueryError, match="only reads"):
        store.query(sql)


def test_query_reports_bad_sql(store: Store) -> None:
    with pytest.raises(QueryError, match="no_such_table"):
        store.query("SELECT * FROM no_such_table")
    with pytest.raises(QueryError, match="empty"):
        store.query("   ")


def test_query_returns_columns_and_rows(store: Store) -> None:
    store.add_documents([_row(1)])
    result = store.query("SELECT doc_id, text FROM documents WHERE doc_id = ?", ["id1"])
    assert result.columns == ["doc_id", "text"]
    assert result.records() == [{"doc_id": "id1", "text": "t1"}]


def test_a_killed_ingest_leaves_only_whole_documents(tmp_path: Path) -> None:
    """A process killed mid-batch: committed batches survive whole, the open one is gone."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(30):
        (folder / f"{i:03}.txt").write_text(
            f"Report {i}. The Kremlin said on Friday that Russia remained open to talks "
            "with Ukraine, but only on terms that reflect the situation on the ground.",
            "utf-8",
        )
    db = tmp_path / "crash.duckdb"
    script = textwrap.dedent(
        f"""
        import os
        from feint.config import IngestOptions
        from feint.ingest import ingest
        from feint.store import Store

        def die(done, total, name):
            if done == 17:  # two batches of 8 committed, the third half-built
                os._exit(9)

        store = Store.open({str(db)!r})
        ingest(store, [{str(folder)!r}], IngestOptions(batch_size=8), progress=die)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], env=os.environ.copy(), check=False)
    assert proc.returncode == 9
    with Store.open(db, read_only=True) as store:
        rows = store.query("SELECT text, raw_text, status FROM documents").rows
    assert len(rows) == 16
    assert all(text and raw and status == "ok" for text, raw, status in rows)


def test_a_stream_reads_in_batches_while_other_queries_run(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        with store.transaction() as conn:
            conn.execute("CREATE TABLE t AS SELECT range AS n FROM range(2500)")
        rows = store.stream("SELECT n FROM t ORDER BY n", batch=1000)
        first = next(rows)
        # Another query on the store between two rows leaves the stream where it was.
        assert store.query("SELECT count(*) FROM t").rows == [(2500,)]
        assert [first[0], *(r[0] for r in rows)] == list(range(2500))
        with pytest.raises(ReadOnlyQueryError):
            list(store.stream("DELETE FROM t"))


def test_a_reader_sees_what_is_committed_while_the_writer_works(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        reader = store.reader()
        try:
            with store.transaction() as conn:
                conn.execute("CREATE TABLE t (n INTEGER)")
            with store.transaction() as conn:
                conn.execute("INSERT INTO t VALUES (1)")
                assert reader.query("SELECT count(*) FROM t").rows == [(0,)]  # not yet
            assert reader.query("SELECT count(*) FROM t").rows == [(1,)]
        finally:
            reader.close()

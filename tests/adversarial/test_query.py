"""``feint query`` against SQL that tries to write, read outside the store or reach out.

The guarantee comes from the connection (no external access, locked configuration,
read-only), not from a list of statement types: every attack here gets past the old
list (EXPLAIN ANALYZE and SELECT were allowed) and must still fail.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from feint.errors import ReadOnlyQueryError
from feint.store import DocumentRow, Store


def feint(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "feint", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "HOME": str(cwd)},
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A real, small store: three documents."""
    path = tmp_path / "case.duckdb"
    with Store.open(path) as store:
        store.add_documents(
            [
                DocumentRow(doc_id=f"d{i}", source_path=f"a{i}.txt", status="ok", text=f"text {i}")
                for i in range(3)
            ]
        )
    return path


def _refused(proc: subprocess.CompletedProcess[str]) -> None:
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "only reads the store" in proc.stderr


def test_explain_analyze_copy_to_writes_no_file(tmp_path: Path, db: Path) -> None:
    sql = "EXPLAIN ANALYZE COPY (SELECT doc_id, text FROM documents) TO 'x.csv'"
    _refused(feint(tmp_path, "query", sql, "--db", str(db)))
    assert not (tmp_path / "x.csv").exists()


def test_copy_over_another_store_leaves_it_unchanged(tmp_path: Path, db: Path) -> None:
    other = tmp_path / "other.duckdb"
    with Store.open(other) as store:
        store.add_documents([DocumentRow(doc_id="keep", source_path="k.txt", status="ok")])
    before = other.read_bytes()
    sql = f"EXPLAIN ANALYZE COPY (SELECT doc_id, text FROM documents) TO '{other}' (FORMAT csv)"
    _refused(feint(tmp_path, "query", sql, "--db", str(db)))
    assert other.read_bytes() == before
    with Store.open(other, read_only=True) as store:
        assert store.query("SELECT doc_id FROM documents").rows == [("keep",)]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM glob('/root/**')",
        "SELECT * FROM glob('/etc/*')",
        "EXPLAIN ANALYZE INSTALL httpfs",
        "EXPLAIN ANALYZE LOAD httpfs",
        "EXPLAIN ANALYZE ATTACH 'elsewhere.duckdb' AS e",
        "SELECT 1; SET enable_external_access = true; SELECT * FROM read_text('/etc/passwd')",
    ],
)
def test_files_extensions_and_settings_out_of_reach(tmp_path: Path, db: Path, sql: str) -> None:
    proc = feint(tmp_path, "query", sql, "--db", str(db), "--json")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "root:" not in proc.stdout and "passwd" not in proc.stdout
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "elsewhere.duckdb").exists()
    assert not (tmp_path / ".duckdb").exists()  # no extension directory was made


def test_the_store_tables_stay_readable(tmp_path: Path, db: Path) -> None:
    sql = (
        "SELECT d.doc_id, (SELECT count(*) FROM information_schema.tables) > 5 AS many "
        "FROM documents d ORDER BY 1"
    )
    proc = feint(tmp_path, "query", sql, "--db", str(db), "--json")
    assert proc.returncode == 0, proc.stderr
    assert [r["doc_id"] for r in json.loads(proc.stdout)] == ["d0", "d1", "d2"]
    assert proc.stderr == ""


def test_limit_cuts_rows_and_says_so(tmp_path: Path, db: Path) -> None:
    proc = feint(tmp_path, "query", "SELECT doc_id FROM documents ORDER BY 1", "--db", str(db),
                 "--json", "--limit", "2")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert [r["doc_id"] for r in json.loads(proc.stdout)] == ["d0", "d1"]
    assert "first 2 rows" in proc.stderr and "--limit" in proc.stderr


def test_default_limit_is_10000(tmp_path: Path, db: Path) -> None:
    proc = feint(tmp_path, "query", "SELECT range AS n FROM range(10005)", "--db", str(db), "--csv")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert len(rows) == 10_000 and rows[-1]["n"] == "9999"
    assert "first 10,000 rows" in proc.stderr


def test_no_cut_no_message(tmp_path: Path, db: Path) -> None:
    proc = feint(tmp_path, "query", "SELECT doc_id FROM documents", "--db", str(db), "--limit",
                 "3")  # fmt: skip
    assert proc.returncode == 0 and "3 row(s)" in proc.stdout
    assert "limit" not in proc.stderr


def test_a_read_only_store_connection_cannot_reach_files(db: Path) -> None:
    with Store.open(db, read_only=True) as store:
        with pytest.raises(ReadOnlyQueryError, match="only reads"):
            store.query("SELECT * FROM read_text('/etc/passwd')")
        assert store.query("SELECT count(*) FROM documents").rows == [(3,)]

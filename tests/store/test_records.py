"""Table records (issue 15 item 4): each table's columns are listed once, in
``store.records``, and each table is written from the modules its record names."""

from __future__ import annotations

import dataclasses
import inspect
import re
from pathlib import Path

import pytest

from feint.store import DocumentRow, Store, records
from feint.store.records import ClaimRow, RatingRow, RelationRow, StanceRow

SRC = Path(records.__file__).resolve().parents[1]
RECORDS = [
    c
    for _, c in inspect.getmembers(records, inspect.isclass)
    if dataclasses.is_dataclass(c) and c.__module__ == records.__name__
]


def _columns(store: Store, table: str) -> list[str]:
    return [
        r[0]
        for r in store.query(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position",
            [table],
        ).rows
    ]


def test_each_record_is_its_tables_columns_in_order(store: Store) -> None:
    tables = {r[0] for r in store.query("SELECT table_name FROM information_schema.tables").rows}
    by_table = {c.TABLE: c for c in RECORDS}
    assert len(by_table) == len(RECORDS), "two records name one table"
    assert set(by_table) == tables - {"documents", "schema_version"}
    for table, kind in by_table.items():
        fields = [f.name for f in dataclasses.fields(kind)]
        assert fields == _columns(store, table), kind.__name__
    # documents' record is DocumentRow, less the stamp the store adds itself
    document = {f.name for f in dataclasses.fields(DocumentRow)}
    assert document == set(_columns(store, "documents")) - {"ingested_at"}


def test_insert_writes_records_and_reads_back(store: Store) -> None:
    with store.transaction():
        store.insert([RelationRow("c1", "c2", "contradicts", 0.9, "test", "why")])
        store.insert([StanceRow("Q", "c1", "support", 0.8, "test", None)])
        store.insert([StanceRow("Q", "c1", "oppose", 0.1, "test", None)], on_conflict_skip=True)
        store.insert([])  # nothing to write is not an error
    assert store.query("SELECT * FROM relations").rows == [
        ("c1", "c2", "contradicts", 0.9, "test", "why")
    ]
    assert store.query("SELECT stance FROM stances").rows == [("support",)]


def test_insert_refuses_a_mix_of_tables(store: Store) -> None:
    with pytest.raises(TypeError, match="one table"), store.transaction():
        store.insert(
            [
                RelationRow("c1", "c2", "contradicts", 0.9, None, None),
                ClaimRow("c", "a", None, None),
            ]  # type: ignore[list-item]
        )


def test_delete_names_columns_of_the_record(store: Store) -> None:
    with store.transaction():
        store.insert([RatingRow("H1", "E1", "C", "rules", "Q", None),
                      RatingRow("H1", "E2", "I", "analyst", "Q", None)])  # fmt: skip
        store.delete(RatingRow, hypothesis_id="H1", evidence_id="E1")
    assert store.query("SELECT evidence_id FROM ratings").rows == [("E2",)]
    with pytest.raises(ValueError, match="no column hypothesis"):
        store.delete(RatingRow, hypothesis="H1")
    with pytest.raises(ValueError, match="needs a condition"):
        store.delete(RatingRow)
    with pytest.raises(ValueError, match="no column doc_id"):
        store.delete_where_in(RatingRow, "doc_id", ["d1"])


def _writes(text: str, kind: type) -> bool:
    """Whether a module's source builds, deletes or updates ``kind``'s rows."""
    table = kind.TABLE  # type: ignore[attr-defined]
    return bool(
        re.search(rf"\b{kind.__name__}\(", text)
        or re.search(
            rf"\b(?:delete|delete_where_in|clear|_delete_touching)\([^)]*\b{kind.__name__}\b", text
        )
        or re.search(rf"(?:DELETE FROM|UPDATE) {table}\b", text)
    )


def test_each_table_is_written_only_where_its_record_says() -> None:
    """A record's docstring names the modules that write its table (``Owner:``); a
    module that builds, deletes or updates its rows anywhere else fails here."""
    modules = {
        str(p.relative_to(SRC)): p.read_text("utf-8")
        for p in SRC.rglob("*.py")
        if p.parent.name != "store"
    }
    strays = []
    for kind in RECORDS:
        owners = set(re.findall(r"[a-z_]+/[a-z_]+\.py", kind.__doc__ or ""))
        assert owners, f"{kind.__name__}'s docstring names no owner"
        strays += [f"{kind.__name__} in {m}" for m, text in modules.items()
                   if _writes(text, kind) and m not in owners]  # fmt: skip
    assert strays == []


def test_only_the_store_writes_sql_inserts() -> None:
    """Stages write records (``Store.insert``); column lists and INSERT statements
    stay in store/ (``insert_rows`` is for hand-built test stores)."""
    found = [
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if p.parent.name != "store"
        and re.search(r"INSERT INTO|\.insert_rows\(", p.read_text("utf-8"))
    ]
    assert found == []

"""The report lists sources as people and bodies: one row per entity, with its
mentions and documents, however many per-document source rows it has; a source
row with no entity (an old store, an unresolved pronoun) still shows."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import one_person_in_five_documents

from feint.report import entities, write_report
from feint.report.data import gather
from feint.store import Store


def test_one_person_quoted_in_five_documents_is_one_row(store: Store) -> None:
    one_person_in_five_documents(store)
    assert store.query("SELECT count(*) FROM sources WHERE name LIKE '%Peskov'").rows[0][0] == 5
    data = gather(store)
    rows = {s["name"]: s for s in data["sources"]}
    assert sorted(rows) == ["Dmitry Peskov", "He", "Two officials"]
    peskov = rows["Dmitry Peskov"]
    assert (peskov["mentions"], peskov["documents"], len(peskov["claims"])) == (6, 5, 6)
    assert peskov["source_ids"] == ["s1", "s2", "s3", "s4", "s5"]
    assert peskov["kind"] == "named_official" and peskov["role"] == "Kremlin spokesman"
    # three claims graded B, three C: the tie goes to the less reliable letter
    assert peskov["reliability"] == "C" and peskov["rationale"].startswith("C:")
    assert peskov["reliabilities"] == [
        {"reliability": "C", "claims": 3},
        {"reliability": "B", "claims": 3},
    ]
    assert data["sources"][0] is peskov  # the most mentioned first
    assert rows["He"]["is_entity"] is False and rows["He"]["entity_id"] == "s-he"
    assert data["counts"]["sources"] == entities.count(store) == 3


def test_most_claims_decide_the_reliability(store: Store) -> None:
    one_person_in_five_documents(store)
    with store.transaction() as conn:
        conn.execute("UPDATE grades SET reliability = 'A' WHERE claim_id = 'c0'")  # B, B, A, C x3
    peskov = entities.listing(store, limit=1)[0]
    assert peskov["reliability"] == "C"
    assert [x["reliability"] for x in peskov["reliabilities"]] == ["C", "B", "A"]


def test_every_format_shows_the_person_once(store: Store, tmp_path: Path) -> None:
    one_person_in_five_documents(store)
    html = write_report(store, tmp_path, "html").read_text("utf-8")
    md = write_report(store, tmp_path, "md").read_text("utf-8")
    report = json.loads(write_report(store, tmp_path, "json").read_text("utf-8"))
    sources_html = html.split('id="h-sources"', 1)[1].split("</section>", 1)[0]
    assert sources_html.count("<tr id=") == 3
    assert sources_html.count(">Dmitry Peskov") == 1 and ">Peskov<" not in sources_html
    sources_md = md.split("## Sources and their grades", 1)[1].split("\n## ", 1)[0]
    assert sum(line.startswith("| Dmitry Peskov |") for line in sources_md.splitlines()) == 1
    assert "| 6 | 5 | C (of its claims: C 3, B 3) |" in sources_md
    assert [s["name"] for s in report["sources"]].count("Dmitry Peskov") == 1


def test_a_store_without_entities_lists_each_source_row(store: Store) -> None:
    """Before a store is extracted again, its sources have no entity: each row shows."""
    one_person_in_five_documents(store)
    with store.transaction() as conn:
        conn.execute("UPDATE sources SET entity_id = NULL")
        conn.execute("DELETE FROM entities")
    rows = entities.listing(store)
    assert len(rows) == entities.count(store) == 7
    assert sorted(r["entity_id"] for r in rows if "Peskov" in (r["name"] or "")) == [
        "s1",
        "s2",
        "s3",
        "s4",
        "s5",
    ]
    third = next(r for r in rows if r["entity_id"] == "s3")
    assert (third["mentions"], third["documents"], third["is_entity"]) == (2, 1, False)
    assert entities.resolve(store, "s3") == "s3"


def test_an_old_source_id_resolves_to_its_entity(store: Store) -> None:
    one_person_in_five_documents(store)
    key = entities.listing(store, limit=1)[0]["entity_id"]
    assert {entities.resolve(store, sid) for sid in ("s1", "s3", "s5", key)} == {key}
    assert entities.resolve(store, "no-such-id") is None
    rows = entities.source_rows(store, key)
    assert [r["doc_id"] for r in rows] == ["doc5", "doc4", "doc3", "doc2", "doc1"]
    assert [r["mentions"] for r in rows] == [1, 1, 2, 1, 1]
    claims, total = entities.claims_of(store, key, limit=4)
    assert total == 6 and len(claims) == 4
    assert {c["source"] for c in entities.claims_of(store, key)[0]} == {
        "Dmitry Peskov",
        "Peskov",
        "Dmitri Peskov",
    }

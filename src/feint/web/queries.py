"""The rows the web UI's pages and API show, one function per view, paged."""

from __future__ import annotations

import re
from typing import Any

from feint.report import entities
from feint.report.data import iso, questions
from feint.store import Store


def _offset(page: int, size: int) -> int:
    return (max(page, 1) - 1) * size


def _records(store: Store, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    return [{k: iso(v) for k, v in r.items()} for r in store.query(sql, params).records()]


def summary(store: Store) -> dict[str, Any]:
    counts = store.table_counts()
    counts["sources"] = entities.count(store)  # people and bodies, not per-document rows
    keys = ("documents", "attributions", "sources", "claims", "propositions", "relations",
            "events", "decisions", "judgements")  # fmt: skip
    return {
        "store": store.path,
        "counts": {k: counts.get(k, 0) for k in keys},
        "questions": questions(store),
    }


def documents(store: Store, page: int, size: int) -> tuple[list[dict[str, Any]], int]:
    total = store.query("SELECT count(*) FROM documents WHERE status = 'ok'").rows[0][0]
    rows = _records(
        store,
        """
        SELECT d.doc_id, d.title, d.outlet, d.published, d.source_path,
               count(a.attr_id) AS attributions
        FROM documents d LEFT JOIN attributions a USING (doc_id)
        WHERE d.status = 'ok'
        GROUP BY ALL ORDER BY d.published DESC NULLS LAST, d.doc_id LIMIT ? OFFSET ?
        """,
        [size, _offset(page, size)],
    )
    return rows, int(total)


def document(store: Store, doc_id: str) -> dict[str, Any] | None:
    rows = _records(
        store,
        "SELECT doc_id, title, outlet, published, url, source_path, text FROM documents "
        "WHERE doc_id = ? AND status = 'ok'",
        [doc_id],
    )
    if not rows:
        return None
    doc = rows[0]
    doc["text"] = doc["text"] or ""
    attrs = _records(
        store,
        f"""
        SELECT a.attr_id, c.claim_id, a.source_text, a.cue_text, a.content_text, a.conduit_text,
               a.source_start, a.source_end, a.cue_start, a.cue_end, a.content_start,
               a.content_end, a.parent_id, a.polarity, c.channel, c.proposition_id, c.stance,
               g.reliability, g.credibility, {entities.KEY} AS source_key
        FROM attributions a LEFT JOIN claims c USING (attr_id)
        LEFT JOIN grades g ON g.claim_id = c.claim_id
        LEFT JOIN sources s ON s.source_id = a.source_id
        WHERE a.doc_id = ? ORDER BY a.content_start NULLS LAST, a.attr_id
        """,
        [doc_id],
    )
    spans = []
    for a in attrs:
        for role in ("source", "cue", "content"):
            start, end = a[f"{role}_start"], a[f"{role}_end"]
            if start is not None and end is not None and end > start:
                claim = a["claim_id"] if role == "content" else None
                spans.append({"role": role, "start": start, "end": end,
                              "attr_id": a["attr_id"], "claim_id": claim})  # fmt: skip
    doc["attributions"] = attrs
    doc["spans"] = sorted(spans, key=lambda s: (s["start"], -s["end"]))
    return doc


def claims(
    store: Store, page: int, size: int, search: str = ""
) -> tuple[list[dict[str, Any]], int]:
    where = (
        "WHERE a.content_text ILIKE ? ESCAPE '\\' "
        "OR coalesce(s.name, a.source_text) ILIKE ? ESCAPE '\\'"
    )
    literal = re.sub(r"([\\%_])", r"\\\1", search)  # % and _ match themselves
    params: list[Any] = [f"%{literal}%", f"%{literal}%"] if search else []
    base = f"""
        FROM claims c JOIN attributions a USING (attr_id) JOIN documents d USING (doc_id)
        LEFT JOIN sources s ON s.source_id = c.source_id
        LEFT JOIN grades g ON g.claim_id = c.claim_id
        {where if search else ""}
    """
    total = store.query(f"SELECT count(*) {base}", params).rows[0][0]
    rows = _records(
        store,
        f"""
        SELECT c.claim_id, a.doc_id, coalesce(s.name, a.source_text) AS source,
               {entities.KEY} AS source_key, c.channel,
               a.content_text AS quote, c.proposition_id, c.stance, g.reliability, g.credibility,
               d.outlet, coalesce(a.time_resolved, d.published) AS date
        {base} ORDER BY date DESC NULLS LAST, c.claim_id LIMIT ? OFFSET ?
        """,
        [*params, size, _offset(page, size)],
    )
    return rows, int(total)


def propositions(store: Store, page: int, size: int) -> tuple[list[dict[str, Any]], int]:
    total = store.query("SELECT count(*) FROM propositions").rows[0][0]
    rows = _records(
        store,
        "SELECT proposition_id, label, size FROM propositions ORDER BY size DESC, proposition_id "
        "LIMIT ? OFFSET ?",
        [size, _offset(page, size)],
    )
    return rows, int(total)


def proposition(store: Store, proposition_id: str) -> dict[str, Any] | None:
    rows = _records(
        store,
        "SELECT proposition_id, label, size FROM propositions WHERE proposition_id = ?",
        [proposition_id],
    )
    if not rows:
        return None
    prop = rows[0]
    prop["claims"] = _records(
        store,
        """
        SELECT c.claim_id, a.doc_id, coalesce(s.name, a.source_text) AS source, c.channel,
               a.content_text AS quote, c.stance, c.stance_score, d.outlet,
               coalesce(a.time_resolved, d.published) AS date
        FROM claims c JOIN attributions a USING (attr_id) JOIN documents d USING (doc_id)
        LEFT JOIN sources s ON s.source_id = c.source_id
        WHERE c.proposition_id = ? ORDER BY date NULLS LAST, c.claim_id
        """,
        [proposition_id],
    )
    return prop


def relations(
    store: Store, kinds: tuple[str, ...], page: int, size: int
) -> tuple[list[dict[str, Any]], int]:
    """Pairs of claims of ``kinds``, strongest first, each side with its quote, source,
    and its document's outlet and publication date (``published_a``, None: undated)."""
    joins = """
        FROM relations r
        JOIN claims c1 ON c1.claim_id = r.claim_a JOIN attributions a1 ON a1.attr_id = c1.attr_id
        JOIN claims c2 ON c2.claim_id = r.claim_b JOIN attributions a2 ON a2.attr_id = c2.attr_id
        LEFT JOIN sources s1 ON s1.source_id = c1.source_id
        LEFT JOIN sources s2 ON s2.source_id = c2.source_id
        LEFT JOIN documents d1 ON d1.doc_id = a1.doc_id
        LEFT JOIN documents d2 ON d2.doc_id = a2.doc_id
    """
    total = store.query(
        f"SELECT count(*) {joins} WHERE list_contains(?, r.kind)", [list(kinds)]
    ).rows[0][0]
    rows = _records(
        store,
        f"""
        SELECT r.kind, r.score, r.method, r.explanation,
               r.claim_a, a1.doc_id AS doc_a, a1.content_text AS quote_a,
               coalesce(s1.name, a1.source_text) AS source_a, d1.outlet AS outlet_a,
               d1.published AS published_a,
               r.claim_b, a2.doc_id AS doc_b, a2.content_text AS quote_b,
               coalesce(s2.name, a2.source_text) AS source_b, d2.outlet AS outlet_b,
               d2.published AS published_b
        {joins}
        WHERE list_contains(?, r.kind)
        ORDER BY r.kind, r.score DESC, r.claim_a, r.claim_b LIMIT ? OFFSET ?
        """,
        [list(kinds), size, _offset(page, size)],
    )
    return rows, int(total)


def sources(store: Store, page: int, size: int) -> tuple[list[dict[str, Any]], int]:
    """One row per person or body (``report.entities``), not per document; each
    row's ``entity_id`` is the key of its page (``/sources/{entity_id}``)."""
    rows = entities.listing(store, limit=size, offset=_offset(page, size))
    keep = ("entity_id", "is_entity", "name", "kind", "affiliation", "role", "count", "access",
            "mentions", "documents", "n_claims", "reliability", "reliabilities",
            "mean_credibility", "rationale", "source_ids")  # fmt: skip
    return [{k: iso(r[k]) for k in keep} for r in rows], entities.count(store)


def source_key(store: Store, ident: str) -> str | None:
    """The key of the source page ``ident`` asks for: itself for an entity, the
    entity of an old per-document source id, or None (``entities.resolve``)."""
    return entities.resolve(store, ident)


def source(store: Store, ident: str) -> dict[str, Any] | None:
    """One source's page: its listed row, its per-document source rows and its
    claims. ``ident`` must be its key (``entities.resolve`` turns an old source id
    into one); None when the store has no such source."""
    row = entities.one(store, ident)
    if row is None:
        return None
    out = {k: iso(v) for k, v in row.items()}
    out["source_rows"] = [
        {k: iso(v) for k, v in r.items()} for r in entities.source_rows(store, ident)
    ]
    claims, total = entities.claims_of(store, ident)
    out["claims"] = [{k: iso(v) for k, v in r.items()} for r in claims]
    out["claims_total"] = total
    return out

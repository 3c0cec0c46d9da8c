"""The sources as people and bodies: one row per entity, not one per document.

``sources`` keeps a row per (document, name, kind), so that each claim keeps the
words its own document used; ``entities`` (issue 12, ``feint.extract.entities``)
says which of those rows are one real-world person or body. Every list of sources
a reader sees (the report's, the web UI's) shows entities: Dmitry Peskov quoted in
five documents is one row with five documents and his mentions, not five rows.

A source row with no entity stands for itself, keyed by its own ``source_id``: a
store extracted before entities existed, or an unresolved pronoun (never merged).
So the key of a row is ``coalesce(entity_id, source_id)`` throughout, and a page
per source takes either kind of id.

The SQL lives here alone; the report (``report.data``) and the web UI
(``web.queries``) call these functions.
"""

from __future__ import annotations

from typing import Any, Final

from feint.store import Store

KEY = "coalesce(s.entity_id, s.source_id)"
"""What groups source rows into one listed source (see the module's docstring)."""

# One CTE chain for the list and for one entity's header, so that both agree.
#
# Grades per entity. Credibility belongs to each claim and stays per claim (the
# list of them, and their mean). Reliability belongs to a source across the store,
# but the grader tracks a source by (kind, name), so one person's spellings ("ISW",
# "Institute for the Study of War") can carry different letters. The entity shows
# the letter most of its graded claims carry: each claim weighs once, so the
# spelling the reporting cites most decides, as the most-mentioned source row
# would, yet a handful of small rows that agree are not outvoted by one. A tie
# goes to the less reliable letter (later in A-F): a reader must never be told a
# source is more reliable than most of its record says. Not the best letter, for
# the same reason. ``reliabilities`` lists every letter with its claims, the chosen
# one first (most claims, ties in the same order), and the rationale shown is that
# of the first claim (by id) carrying the chosen letter.
_ALL: Final = 2**62
"""No cap on a source's listed claims (``listing``'s ``max_claims`` replaces it)."""
_ENTITY_ROWS = f"""
WITH src AS (
    SELECT {KEY} AS key, s.source_id, s.entity_id, s.name, s.kind, s.affiliation,
           s.role, s.count, s.access
    FROM sources s
),
said AS (
    SELECT src.key, count(a.attr_id) AS mentions, count(DISTINCT a.doc_id) AS documents,
           min(a.source_text) AS source_text
    FROM src LEFT JOIN attributions a USING (source_id)
    GROUP BY src.key
),
graded AS (
    SELECT src.key, c.claim_id, g.reliability, g.credibility, g.rationale,
           row_number() OVER (PARTITION BY src.key, g.credibility IS NULL ORDER BY c.claim_id)
               AS nth
    FROM src JOIN claims c USING (source_id) LEFT JOIN grades g ON g.claim_id = c.claim_id
),
letters AS (
    SELECT key, reliability, count(*) AS n
    FROM graded WHERE reliability IS NOT NULL GROUP BY key, reliability
),
chosen AS (
    SELECT key, arg_max(reliability, (n, reliability)) AS reliability,
           list({{'reliability': reliability, 'claims': n}} ORDER BY n DESC, reliability DESC)
               AS reliabilities
    FROM letters GROUP BY key
),
per_claim AS (
    SELECT g.key, count(*) AS n_claims, count(g.credibility) AS n_graded,
           round(avg(g.credibility), 1) AS mean_credibility,
           arg_min(g.rationale, g.claim_id) FILTER (WHERE g.reliability = ch.reliability)
               AS rationale,
           list({{'claim_id': g.claim_id, 'credibility': g.credibility,
                  'rationale': g.rationale}} ORDER BY g.claim_id)
               FILTER (WHERE g.credibility IS NOT NULL AND g.nth <= {_ALL}) AS claims
    FROM graded g LEFT JOIN chosen ch USING (key)
    GROUP BY g.key
),
grouped AS (
    SELECT key, any_value(entity_id) AS entity_id, any_value(name) AS name,
           any_value(kind) AS kind, any_value(affiliation) AS affiliation,
           any_value(role) AS role, max(count) AS count, min(access) AS access,
           list(source_id ORDER BY source_id) AS source_ids
    FROM src GROUP BY key
)
SELECT g.key AS entity_id, e.entity_id IS NOT NULL AS is_entity,
       coalesce(e.name, g.name, said.source_text) AS name,
       coalesce(e.kind, g.kind) AS kind, coalesce(e.affiliation, g.affiliation) AS affiliation,
       coalesce(e.role, g.role) AS role, g.count, g.access,
       coalesce(said.mentions, 0) AS mentions, coalesce(said.documents, 0) AS documents,
       coalesce(pc.n_claims, 0) AS n_claims, ch.reliability, coalesce(ch.reliabilities, [])
           AS reliabilities, pc.mean_credibility, pc.rationale, coalesce(pc.claims, []) AS claims,
       g.source_ids
FROM grouped g
LEFT JOIN entities e ON e.entity_id = g.entity_id
LEFT JOIN said USING (key) LEFT JOIN per_claim pc USING (key) LEFT JOIN chosen ch USING (key)
"""


# The weightiest source first: the most mentioned, then (among sources mentioned as
# often) the better graded: reliability A before F, then the lower mean credibility
# (1 is confirmed), then more claims. A reader scanning the top of a long list sees
# who the reporting leans on, and how far each can be trusted.
ORDER: Final = (
    "mentions DESC, ch.reliability ASC NULLS LAST, pc.mean_credibility ASC NULLS LAST, "
    "n_claims DESC, name NULLS LAST, g.key"
)


def count(store: Store, graded_only: bool = False) -> int:
    """How many sources (entities, and source rows without one) the store holds;
    ``graded_only``: only those with a graded claim."""
    if graded_only:
        sql = f"SELECT count(DISTINCT {KEY}) FROM sources s JOIN grades g USING (source_id)"
    else:
        sql = f"SELECT count(DISTINCT {KEY}) FROM sources s"
    return int(store.query(sql).rows[0][0])


def listing(
    store: Store,
    *,
    graded_only: bool = False,
    limit: int | None = None,
    offset: int = 0,
    max_claims: int | None = None,
) -> list[dict[str, Any]]:
    """One row per source, the weightiest first (``ORDER``).

    Each row: ``entity_id`` (the key: an entity's id, or the source row's own id),
    ``is_entity``, ``name``, ``kind``, ``affiliation``, ``role``, ``count`` and
    ``access`` (of its rows: the largest count, one access), ``mentions`` (its
    attributions across the store), ``documents`` (distinct documents),
    ``n_claims``, ``reliability`` (the letter most of its graded claims carry; see
    ``_ENTITY_ROWS``), ``reliabilities`` (each letter with its claims),
    ``mean_credibility``, ``rationale``, ``claims`` (graded: id, credibility,
    rationale) and ``source_ids`` (its per-document rows).

    Args:
        graded_only: only sources with at least one graded claim (the report's list).
        limit, offset: a page of the list; all of it when ``limit`` is None.
        max_claims: list at most this many of each source's graded claims (the first
            by id; ``n_claims`` still counts them all). A source quoted ten thousand
            times would otherwise carry ten thousand rationales into a report.
    """
    where = "WHERE pc.n_graded > 0" if graded_only else ""
    page = "" if limit is None else "LIMIT ? OFFSET ?"
    params = [] if limit is None else [limit, offset]
    rows = _ENTITY_ROWS
    if max_claims is not None:  # numbered before the list is built, not cut after
        rows = rows.replace(f"g.nth <= {_ALL}", f"g.nth <= {int(max_claims)}")
    return store.query(f"{rows} {where} ORDER BY {ORDER} {page}", params).records()


def resolve(store: Store, ident: str) -> str | None:
    """The key of the listed source ``ident`` names: an entity id, or a source id
    (an old link to one document's source row: the entity it belongs to, or the
    row itself when it has none). None when the store has neither."""
    rows = store.query(
        "SELECT entity_id FROM entities WHERE entity_id = ? "
        "UNION ALL SELECT coalesce(entity_id, source_id) FROM sources WHERE source_id = ?",
        [ident, ident],
    ).rows
    return str(rows[0][0]) if rows else None


def one(store: Store, key: str) -> dict[str, Any] | None:
    """The listed row of the source keyed ``key`` (as ``listing``), or None."""
    rows = store.query(f"{_ENTITY_ROWS} WHERE g.key = ?", [key]).records()
    return rows[0] if rows else None


def source_rows(store: Store, key: str) -> list[dict[str, Any]]:
    """The per-document source rows of the source keyed ``key``, with their document
    and how many attributions cite each, the newest document first."""
    return store.query(
        f"""
        SELECT s.source_id, s.name, s.kind, s.affiliation, s.role, s.count, s.access,
               a.doc_id, d.title, d.outlet, d.published, count(a.attr_id) AS mentions
        FROM sources s LEFT JOIN attributions a USING (source_id)
        LEFT JOIN documents d ON d.doc_id = a.doc_id
        WHERE {KEY} = ?
        GROUP BY ALL ORDER BY d.published DESC NULLS LAST, a.doc_id, s.source_id
        """,
        [key],
    ).records()


def claims_of(store: Store, key: str, limit: int = 500) -> tuple[list[dict[str, Any]], int]:
    """(the claims of the source keyed ``key``, newest first, at most ``limit``;
    how many it has in all), each with its quote, document and grade."""
    base = f"""
        FROM claims c JOIN sources s USING (source_id) JOIN attributions a USING (attr_id)
        JOIN documents d ON d.doc_id = a.doc_id
        LEFT JOIN grades g ON g.claim_id = c.claim_id
        WHERE {KEY} = ?
    """
    total = int(store.query(f"SELECT count(*) {base}", [key]).rows[0][0])
    rows = store.query(
        f"""
        SELECT c.claim_id, a.doc_id, coalesce(s.name, a.source_text) AS source,
               a.source_text, c.channel, a.content_text AS quote, c.proposition_id, c.stance,
               g.reliability, g.credibility, g.rationale, d.outlet,
               coalesce(a.time_resolved, d.published) AS date
        {base} ORDER BY date DESC NULLS LAST, c.claim_id LIMIT ?
        """,
        [key, limit],
    ).records()
    return rows, total

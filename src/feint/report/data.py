"""What a report says, gathered once from the store as plain, JSON-ready data.

The HTML, Markdown and JSON reports and the web UI all render this one structure,
so that they carry the same content. Every judgement names its evidence rows,
every evidence row the claims it rests on, and every claim its document and the
[start, end) character span of its content in that document's text: a reader can
always go from a sentence of the report down to the words it rests on.

A store of years of news holds hundreds of thousands of claims, so the long lists
(quotes per evidence row, pairs, say-do claims and events, documents) come two ways:

- cut (``gather`` with ``Limits``, the default): the first few of each list, with
  its full length beside it (``n_quotes``, ``n_contradictions``, ...), for the HTML
  and Markdown reports and the web UI; only the documents those cut lists cite are
  read;
- whole but lazy (``gather(..., limits=None)``): the long lists are iterators that
  read the store in batches as ``write_json`` writes them, so ``report.json`` holds
  every row while memory holds one batch.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import IO, Any, Final, TypeVar

from feint import __version__
from feint.assess.ach import RATINGS
from feint.assess.timing import supporting_claims
from feint.errors import UsageError
from feint.relate.claims import CHANNELS as CHANNELS  # the report lists channels in this order
from feint.relate.relations import RelationKind
from feint.report import entities
from feint.report.labels import evidence_label
from feint.store import Store

RATING_ORDER: Final = RATINGS
T = TypeVar("T")
BATCH: Final = 2_000
"""Rows read from the store at a time when a whole list is written out."""
DOCUMENT_BATCH: Final = 50
"""Documents read at a time (each with its text and spans)."""
SPAN_BATCH: Final = 5_000
"""Attributions read at a time with their documents."""


@dataclass(frozen=True, slots=True)
class Limits:
    """How much of each long list a cut report shows (the rest is in the JSON)."""

    quotes: int = 12  # per evidence row, and claims per say-do row
    pairs: int = 50  # contradictions, and changed positions
    sources: int = 200
    events: int = 12  # per say-do row


CUT: Final = Limits()
MAX_SOURCE_CLAIMS: Final = 50
"""Graded claims listed per source, in every report (``n_claims`` counts them all;
the grades of every claim are in the store's ``grades`` table)."""

# A claim as a quote: where it sits and who said it. ``{where}`` narrows the claims.
_QUOTE_SQL: Final = """
    SELECT c.claim_id, a.doc_id, a.content_start AS start, a.content_end AS "end",
           a.content_text AS quote, coalesce(s.name, a.source_text) AS source, d.outlet,
           CAST(coalesce(a.time_resolved, d.published) AS VARCHAR) AS date, c.channel
    FROM claims c JOIN attributions a USING (attr_id) JOIN documents d USING (doc_id)
    LEFT JOIN sources s ON s.source_id = c.source_id
"""
# Each evidence row's refs, numbered in their order, for the question ``?``.
_REFS: Final = """
    SELECT evidence_id AS id, unnest(refs) AS ref, generate_subscripts(refs, 1) AS i
    FROM evidence WHERE question = ?
"""


def questions(store: Store) -> list[str]:
    """The questions assessed in this store, the most recent first."""
    rows = store.query(
        "SELECT question FROM judgements GROUP BY question ORDER BY max(made_at) DESC NULLS LAST, "
        "question"
    ).rows
    return [str(r[0]) for r in rows]


def pick_question(store: Store, question: str | None) -> str | None:
    """``question`` if the store has assessed it, else the latest one assessed."""
    known = questions(store)
    if question is None:
        return known[0] if known else None
    question = " ".join(question.split())
    if question not in known:
        listed = "; ".join(repr(q) for q in known) or "none yet"
        raise UsageError(
            f"The store has no assessment of {question!r} (assessed: {listed}). "
            f'Run: feint assess --db {store.path} --question "{question}"'
        )
    return question


def gather(
    store: Store,
    question: str | None = None,
    all_documents: bool = False,
    limits: Limits | None = CUT,
) -> dict[str, Any]:
    """Everything the report shows, for ``question`` (default: the latest assessed).

    Args:
        store: the store.
        question: the question; None for the latest assessed.
        all_documents: every document, not only those the report cites.
        limits: how much of each long list to keep (``CUT``), with each list's full
            length beside it; None keeps every row, the long lists as iterators that
            read the store as they are consumed (``write_json``).
    """
    q = pick_question(store, question)
    evidence = _evidence(store, q, limits) if q else []
    contradictions, n_contradictions = _pairs(
        store, (RelationKind.CONTRADICTS.value, RelationKind.TENSION.value), limits
    )
    shifts, n_shifts = _pairs(store, (RelationKind.SHIFT.value,), limits)
    saydo = _saydo(store, q, limits) if q else []
    sources = _sources(store, None if limits is None else limits.sources)
    if all_documents:
        documents = _documents(store, None, lazy=limits is None)
    elif limits is None:
        documents = _documents(store, _cited_everywhere(store, q), lazy=True)
    else:
        cited = {ref["doc_id"] for e in evidence for ref in e["quotes"]}
        pairs = [*contradictions, *shifts]  # lists, when cut
        cited.update(x[side]["doc_id"] for x in pairs for side in "ab")
        cited.update(c["doc_id"] for g in saydo for c in g["claims"])
        documents = _documents(store, cited, lazy=False)
    return {
        "feint_version": __version__,
        "generated_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "store": store.path,
        "question": q,
        "questions": questions(store),
        "counts": _counts(store),
        "judgements": _judgements(store, q, evidence) if q else [],
        "hypotheses": _hypotheses(store, q) if q else [],
        "evidence": evidence,
        "ratings": _ratings(store, q) if q else {},
        "n_sources": entities.count(store, graded_only=True),
        "sources": sources,
        "n_contradictions": n_contradictions,
        "contradictions": contradictions,
        "n_shifts": n_shifts,
        "shifts": shifts,
        "saydo": saydo,
        "timing": _timing(store, q),
        "documents": documents,
    }


def write_json(data: Any, out: IO[str]) -> None:
    """Write ``data`` as JSON to ``out``, taking iterators (``gather(limits=None)``)
    one item at a time: no list is held whole. An iterator's items are plain data
    (``gather`` yields no iterator inside one), and parts with no iterator in them
    are written by ``json.dumps`` in one go."""
    if isinstance(data, Iterator):
        out.write("[")
        for n, item in enumerate(data):
            out.write(",\n" if n else "")
            out.write(json.dumps(item, ensure_ascii=False))
        out.write("]")
    elif not _lazy(data):
        out.write(json.dumps(data, ensure_ascii=False))
    elif isinstance(data, dict):
        out.write("{")
        for n, (key, value) in enumerate(data.items()):
            out.write(("," if n else "") + "\n" + json.dumps(str(key)) + ": ")
            write_json(value, out)
        out.write("\n}")
    else:
        out.write("[")
        for n, item in enumerate(data):
            out.write(",\n" if n else "")
            write_json(item, out)
        out.write("]")


def _lazy(data: Any) -> bool:
    """Does ``data`` hold an iterator, at any depth?"""
    if isinstance(data, Iterator):
        return True
    if isinstance(data, dict):
        return any(_lazy(v) for v in data.values())
    if isinstance(data, list | tuple):
        return any(isinstance(v, dict | list | tuple | Iterator) and _lazy(v) for v in data)
    return False


def matrix(store: Store, question: str) -> dict[str, Any]:
    """The ACH part alone (what the web UI's ACH page redraws after an edit): the
    question's judgements, hypotheses, evidence rows with their quotes, and ratings."""
    evidence = _evidence(store, question, CUT)
    return {
        "question": question,
        "judgements": _judgements(store, question, evidence),
        "hypotheses": _hypotheses(store, question),
        "evidence": evidence,
        "ratings": _ratings(store, question),
    }


def _counts(store: Store) -> dict[str, Any]:
    counts = store.table_counts()
    kinds = dict(store.query("SELECT kind, count(*) FROM relations GROUP BY 1 ORDER BY 1").rows)
    return {
        "documents": store.query("SELECT count(*) FROM documents WHERE status = 'ok'").rows[0][0],
        "attributions": counts.get("attributions", 0),
        "sources": entities.count(store),  # people and bodies, not per-document rows
        "claims": counts.get("claims", 0),
        "propositions": counts.get("propositions", 0),
        "relations": {str(k): int(v) for k, v in kinds.items()},
        "events": counts.get("events", 0),
        "decisions": counts.get("decisions", 0),
    }


def _quotes(store: Store, claim_ids: list[str]) -> Iterator[dict[str, Any]]:
    """The quotes of ``claim_ids``, in that order, read a batch at a time."""
    for i in range(0, len(claim_ids), BATCH):
        part = claim_ids[i : i + BATCH]
        # IN (SELECT unnest(?)) is a hash semi-join; list_contains would scan the list
        rows = store.query(_QUOTE_SQL + "WHERE c.claim_id IN (SELECT unnest(?))", [part]).records()
        by_id = {r["claim_id"]: r for r in rows}
        yield from (by_id[c] for c in part if c in by_id)


def _judgements(store: Store, q: str, evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The judgements, each with ``evidence``: the id and label of each row it rests on."""
    rows = store.query(
        "SELECT judgement_id AS id, text, band, [probability_low, probability_high] AS "
        "probability, confidence, confidence_text, coalesce(evidence_ids, []) AS evidence_ids "
        "FROM judgements WHERE question = ? ORDER BY judgement_id",
        [q],
    ).records()
    labels = {e["id"]: e["label"] for e in evidence}
    for j in rows:
        j["evidence"] = [
            {"id": e, "label": labels.get(e, e.split(":")[-1])} for e in j["evidence_ids"]
        ]
    return rows


def _hypotheses(store: Store, q: str) -> list[dict[str, Any]]:
    return store.query(
        "SELECT hypothesis_id AS id, label, role, coalesce(is_deception, false) AS "
        "is_deception, score, rank, probability FROM hypotheses WHERE question = ? "
        "ORDER BY rank, hypothesis_id",
        [q],
    ).records()


def _evidence(store: Store, q: str, limits: Limits | None) -> list[dict[str, Any]]:
    """The evidence rows, each with ``n_quotes`` and the quotes of the claims it
    cites: the first ``limits.quotes``, or (``limits`` None) all of them and all its
    ``refs``, as iterators that read the store when consumed."""
    rows = store.query(
        "SELECT evidence_id AS id, description, kind, credibility, relevance, weight, "
        "diagnosticity, sensitivity, len(coalesce(refs, [])) AS n_refs FROM evidence "
        "WHERE question = ? ORDER BY evidence_id",
        [q],
    ).records()
    n_quotes = dict(store.query(
        f"SELECT r.id, count(*) FROM ({_REFS}) r JOIN claims c ON c.claim_id = r.ref "
        "GROUP BY r.id", [q]).rows)  # fmt: skip
    for r in rows:
        r["label"] = evidence_label(r["id"], r["kind"], r["description"])
        r["n_quotes"] = int(n_quotes.get(r["id"], 0))
        quoted = (
            f"SELECT r.ref FROM ({_REFS}) r JOIN claims c ON c.claim_id = r.ref "
            "WHERE r.id = ? ORDER BY r.i"
        )
        if limits is None:
            refs = f"SELECT r.ref FROM ({_REFS}) r WHERE r.id = ? ORDER BY r.i"
            r["refs"] = (x[0] for x in store.stream(refs, [q, r["id"]]))
            claim_ids = (x[0] for x in store.stream(quoted, [q, r["id"]]))
            r["quotes"] = (x for part in _batched(claim_ids, BATCH) for x in _quotes(store, part))
        else:
            refs = f"SELECT r.ref FROM ({_REFS}) r WHERE r.id = ? ORDER BY r.i LIMIT ?"
            r["refs"] = [x[0] for x in store.query(refs, [q, r["id"], limits.quotes]).rows]
            shown = store.query(f"{quoted} LIMIT ?", [q, r["id"], limits.quotes]).rows
            r["quotes"] = list(_quotes(store, [x[0] for x in shown]))
    return rows


def _batched(items: Iterable[T], n: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == n:
            yield batch
            batch = []
    if batch:
        yield batch


def _ratings(store: Store, q: str) -> dict[str, dict[str, dict[str, Any]]]:
    rows = store.query(
        "SELECT hypothesis_id, evidence_id, rating, proposed_by, note FROM ratings "
        "WHERE question = ?",
        [q],
    ).rows
    out: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for h, e, rating, by, note in rows:
        out[str(h)][str(e)] = {"rating": rating, "proposed_by": by, "note": note}
    return dict(out)


def _sources(store: Store, limit: int | None) -> list[dict[str, Any]]:
    """Each source with a graded claim, one row per person or body (not per
    document): its mentions and documents, its reliability, its claims' credibility
    and the reasons (``report.entities``); the first ``limit`` when given."""
    keys = ("entity_id", "is_entity", "name", "kind", "affiliation", "role", "count", "access",
            "mentions", "documents", "n_claims", "reliability", "reliabilities", "rationale",
            "claims", "source_ids")  # fmt: skip
    listed = entities.listing(store, graded_only=True, limit=limit, max_claims=MAX_SOURCE_CLAIMS)
    return [{k: r[k] for k in keys} for r in listed]


def _pairs(
    store: Store, kinds: tuple[str, ...], limits: Limits | None
) -> tuple[list[dict[str, Any]] | Iterator[dict[str, Any]], int]:
    """Contradicting and tense pairs (or shifts: one position changed over time),
    strongest first, both sides quoted; the first ``limits.pairs`` or all of them
    (read as consumed), and how many there are."""
    where = (
        "WHERE list_contains(?, r.kind) AND r.claim_a IN (SELECT claim_id FROM claims) "
        "AND r.claim_b IN (SELECT claim_id FROM claims)"
    )
    n = int(store.query(
        f"SELECT count(*) FROM relations r {where}",
        [list(kinds)]).rows[0][0])  # fmt: skip
    sql = (
        "SELECT r.claim_a, r.claim_b, r.kind, r.score, "
        f"r.method, r.explanation FROM relations r {where} "
        "ORDER BY r.kind, r.score DESC, r.claim_a, r.claim_b"
    )

    def quoted(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
        quotes = {
            q["claim_id"]: q for q in _quotes(store, sorted({c for r in rows for c in r[:2]}))
        }
        return [
            {"a": quotes[a], "b": quotes[b], "kind": kind, "score": score, "method": method,
             "explanation": why}
            for a, b, kind, score, method, why in rows
        ]  # fmt: skip

    if limits is not None:
        return quoted(store.query(f"{sql} LIMIT ?", [list(kinds), limits.pairs]).rows), n
    rows = store.stream(sql, [list(kinds)], BATCH)
    return (p for part in _batched(rows, BATCH) for p in quoted(part)), n


def _saydo(store: Store, q: str, limits: Limits | None) -> list[dict[str, Any]]:
    rows = store.query(
        "SELECT actor, channel, period, direction, claim_ids, event_ids, lag_days, window_days "
        "FROM saydo WHERE question = ? ORDER BY period, channel",
        [q],
    ).records()
    known = {
        r[0] for r in store.query(
            "SELECT DISTINCT t.c FROM saydo, unnest(claim_ids) AS t(c) "
            "JOIN claims k ON k.claim_id = t.c WHERE question = ?", [q]).rows
    }  # fmt: skip
    out = []
    for r in rows:
        claims = [c for c in r["claim_ids"] or [] if c in known]
        event_ids = list(r["event_ids"] or [])
        if limits is not None:
            claims, event_ids = claims[: limits.quotes], event_ids[: limits.events]
        out.append(
            {
                "actor": r["actor"],
                "channel": r["channel"],
                "period": r["period"],
                "direction": r["direction"],
                "lag_days": r["lag_days"],
                "window_days": r["window_days"],
                "n_claims": sum(c in known for c in r["claim_ids"] or []),
                "claims": list(_quotes(store, claims)),
                "coded_statements": [c for c in r["claim_ids"] or [] if c not in known],
                "n_events": len(r["event_ids"] or []),
                "events": _events(store, event_ids),
            }
        )
    return out


def _events(store: Store, event_ids: list[str]) -> list[dict[str, Any]]:
    rows = _in_order(
        store,
        "SELECT event_id, date, actor, type, sub_type, description, place FROM events",
        "event_id",
        event_ids,
    )
    return [{k: iso(v) for k, v in r.items()} for r in rows]


def _in_order(store: Store, sql: str, key: str, ids: list[str]) -> list[dict[str, Any]]:
    """The rows of ``sql`` whose ``key`` is in ``ids``, in the order of ``ids``."""
    rows = store.query(f"{sql} WHERE {key} IN (SELECT unnest(?))", [ids]).records()
    by_id = {r[key]: r for r in rows}
    return [by_id[i] for i in ids if i in by_id]


def _timing(store: Store, q: str | None) -> dict[str, Any]:
    """The timing rows, and what the chart draws: supporting claims per week and
    channel, the decision dates and the surge days."""
    rows = (
        store.query(
            "SELECT channel, window_days, precursor_rate, p_value, n_surges, n_decisions, "
            "n_preceded, n_permutations, surge_days, note FROM timing WHERE question = ? "
            "ORDER BY channel",
            [q],
        ).records()
        if q
        else []
    )
    tests = [{k: iso(v) for k, v in r.items()} for r in rows]
    for t in tests:
        t["surge_days"] = [iso(d) for d in t["surge_days"] or []]
    weekly: dict[tuple[str, str], int] = defaultdict(int)
    if q:
        for day, channel in supporting_claims(store, q):
            weekly[(_week(day), str(channel))] += 1
    decisions = store.query(
        "SELECT date, audience, decision, kind FROM decisions WHERE date IS NOT NULL "
        "ORDER BY date, decision_id"  # one order for decisions of one day, run after run
    ).records()
    return {
        "tests": tests,
        "weekly": [{"week": w, "channel": c, "n": n} for (w, c), n in sorted(weekly.items())],
        "decisions": [{k: iso(v) for k, v in d.items()} for d in decisions],
    }


def _cited_everywhere(store: Store, q: str | None) -> set[str]:
    """Every document a whole report cites: its evidence rows' claims, its pairs
    and its say-do rows."""
    rows = store.query(
        """
        WITH cited AS (
            SELECT t.ref AS claim_id FROM evidence, unnest(refs) AS t(ref) WHERE question = ?
            UNION SELECT claim_a FROM relations WHERE kind IN ('contradicts', 'tension', 'shift')
            UNION SELECT claim_b FROM relations WHERE kind IN ('contradicts', 'tension', 'shift')
            UNION SELECT t.c FROM saydo, unnest(claim_ids) AS t(c) WHERE question = ?
        )
        SELECT DISTINCT a.doc_id FROM cited JOIN claims c USING (claim_id)
        JOIN attributions a USING (attr_id)
        """,
        [q or "", q or ""],
    ).rows
    return {str(r[0]) for r in rows}


def _documents(
    store: Store, only: set[str] | None, lazy: bool
) -> list[dict[str, Any]] | Iterator[dict[str, Any]]:
    """Documents (those in ``only``, or all) with the spans of their attributions
    (source, cue, content), each content span tagged with its claim id so that a
    link can land on it; ``lazy``: read a batch at a time as consumed."""
    rows = store.query(
        "SELECT d.doc_id, count(a.attr_id) FROM documents d "
        "LEFT JOIN attributions a USING (doc_id) WHERE d.status = 'ok' "
        "GROUP BY d.doc_id, d.published ORDER BY d.published NULLS LAST, d.doc_id"
    ).rows
    sized = [(str(d), int(n)) for d, n in rows if only is None or d in only]
    docs = (d for batch in _by_size(sized) for d in _document_batch(store, batch))
    return docs if lazy else list(docs)


def _by_size(docs: list[tuple[str, int]]) -> Iterator[list[str]]:
    """Document ids in batches of at most ``DOCUMENT_BATCH`` documents and about
    ``SPAN_BATCH`` attributions (a document with more comes alone)."""
    batch: list[str] = []
    spans = 0
    for doc_id, n in docs:
        if batch and (len(batch) == DOCUMENT_BATCH or spans + n > SPAN_BATCH):
            yield batch
            batch, spans = [], 0
        batch.append(doc_id)
        spans += n
    if batch:
        yield batch


def _document_batch(store: Store, ids: list[str]) -> Iterable[dict[str, Any]]:
    docs = _in_order(
        store, "SELECT doc_id, title, outlet, published, url, text FROM documents", "doc_id", ids
    )
    spans: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in store.query(
        """
        SELECT a.doc_id, a.attr_id, c.claim_id, a.source_start, a.source_end, a.cue_start,
               a.cue_end, a.content_start, a.content_end
        FROM attributions a LEFT JOIN claims c USING (attr_id)
        WHERE list_contains(?, a.doc_id)
        """,
        [ids],
    ).records():
        for role in ("source", "cue", "content"):
            start, end = r[f"{role}_start"], r[f"{role}_end"]
            if start is not None and end is not None and end > start:
                spans[r["doc_id"]].append(
                    {
                        "role": role,
                        "start": start,
                        "end": end,
                        "attr_id": r["attr_id"],
                        "claim_id": r["claim_id"] if role == "content" else None,
                    }
                )
    return [
        {
            "doc_id": d["doc_id"],
            "title": d["title"],
            "outlet": d["outlet"],
            "published": iso(d["published"]),
            "url": d["url"],
            "text": d["text"] or "",
            "spans": sorted(spans[d["doc_id"]], key=lambda s: (s["start"], -s["end"])),
        }
        for d in docs
    ]


def _week(day: date) -> str:
    """The Monday that starts ``day``'s ISO week."""
    return (day - timedelta(days=day.weekday())).isoformat()


def iso(value: Any) -> Any:
    """Dates and times as ISO 8601 text; anything else as it is."""
    return value.isoformat() if isinstance(value, date | datetime) else value

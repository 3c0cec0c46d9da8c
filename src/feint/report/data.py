"""What a report says, gathered once from the store as plain, JSON-ready data.

The HTML, Markdown and JSON reports and the web UI all render this one structure,
so that they carry the same content. Every judgement names its evidence rows,
every evidence row the claims it rests on, and every claim its document and the
[start, end) character span of its content in that document's text: a reader can
always go from a sentence of the report down to the words it rests on.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from feint import __version__
from feint.assess.timing import supporting_claims
from feint.errors import UsageError
from feint.report import entities
from feint.report.labels import evidence_label
from feint.store import Store

CHANNELS = ("private_anonymous", "public_official", "media", "analyst", "unresolved")
RATING_ORDER = ("CC", "C", "N", "I", "II", "NA")


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
    store: Store, question: str | None = None, all_documents: bool = False
) -> dict[str, Any]:
    """Everything the report shows, for ``question`` (default: the latest assessed).

    Documents: those any section cites, or every document with ``all_documents``.
    """
    q = pick_question(store, question)
    claims = _claims(store, q)
    evidence = _evidence(store, q, claims) if q else []
    contradictions = _contradictions(store, claims)
    shifts = _contradictions(store, claims, ("shift",))
    saydo = _saydo(store, q, claims) if q else []
    cited: set[str] = set()
    for e in evidence:
        cited.update(ref["doc_id"] for ref in e["quotes"])
    for c in contradictions + shifts:
        cited.update((c["a"]["doc_id"], c["b"]["doc_id"]))
    for g in saydo:
        cited.update(c["doc_id"] for c in g["claims"])
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
        "sources": _sources(store),
        "contradictions": contradictions,
        "shifts": shifts,
        "saydo": saydo,
        "timing": _timing(store, q),
        "documents": _documents(store, None if all_documents else cited),
    }


def matrix(store: Store, question: str) -> dict[str, Any]:
    """The ACH part alone (what the web UI's ACH page redraws after an edit): the
    question's judgements, hypotheses, evidence rows with their quotes, and ratings."""
    evidence = _evidence(store, question)
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


def _claims(
    store: Store, q: str | None, only: list[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Claims made in documents (every one, or those in ``only``), with their quote
    and where it sits."""
    rows = store.query(
        f"""
        SELECT c.claim_id, c.attr_id, a.doc_id, a.content_start AS start,
               a.content_end AS "end", a.content_text AS quote,
               coalesce(s.name, a.source_text) AS source, s.kind AS source_kind,
               c.source_id, c.channel,
               CAST(coalesce(a.time_resolved, d.published) AS VARCHAR) AS date,
               d.outlet, d.title, st.stance, g.credibility, g.reliability
        FROM claims c JOIN attributions a USING (attr_id) JOIN documents d USING (doc_id)
        LEFT JOIN sources s ON s.source_id = c.source_id
        LEFT JOIN stances st ON st.claim_id = c.claim_id AND st.question = ?
        LEFT JOIN grades g ON g.claim_id = c.claim_id
        {"" if only is None else "WHERE list_contains(?, c.claim_id)"}
        """,
        [q or ""] if only is None else [q or "", only],
    ).records()
    return {r["claim_id"]: r for r in rows}


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


def _evidence(
    store: Store, q: str, claims: dict[str, dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """The evidence rows, each with the quotes of the claims it cites (from ``claims``,
    or read for these rows alone)."""
    rows = store.query(
        "SELECT evidence_id AS id, description, kind, credibility, relevance, weight, "
        "diagnosticity, sensitivity, coalesce(refs, []) AS refs FROM evidence "
        "WHERE question = ? ORDER BY evidence_id",
        [q],
    ).records()
    if claims is None:
        claims = _claims(store, q, only=sorted({ref for r in rows for ref in r["refs"]}))
    for r in rows:
        r["label"] = evidence_label(r["id"], r["kind"], r["description"])
        r["quotes"] = [_quote(claims[ref]) for ref in r["refs"] if ref in claims]
    return rows


def _quote(c: dict[str, Any]) -> dict[str, Any]:
    keys = ("claim_id", "doc_id", "start", "end", "quote", "source", "outlet", "date", "channel")
    return {k: c[k] for k in keys}


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


def _sources(store: Store) -> list[dict[str, Any]]:
    """Each source with a graded claim, one row per person or body (not per
    document): its mentions and documents, its reliability, its claims' credibility
    and the reasons (``report.entities``)."""
    keys = ("entity_id", "is_entity", "name", "kind", "affiliation", "role", "count", "access",
            "mentions", "documents", "reliability", "reliabilities", "rationale", "claims",
            "source_ids")  # fmt: skip
    return [{k: r[k] for k in keys} for r in entities.listing(store, graded_only=True)]


def _contradictions(
    store: Store,
    claims: dict[str, dict[str, Any]],
    kinds: tuple[str, ...] = ("contradicts", "tension"),
) -> list[dict[str, Any]]:
    """Contradicting and tense pairs (or shifts: one position changed over time),
    strongest first, both sides quoted."""
    rows = store.query(
        "SELECT claim_a, claim_b, kind, score, method, explanation FROM relations "
        "WHERE list_contains(?, kind) ORDER BY kind, score DESC, claim_a, claim_b",
        [list(kinds)],
    ).rows
    return [
        {
            "a": _quote(claims[a]),
            "b": _quote(claims[b]),
            "kind": kind,
            "score": score,
            "method": method,
            "explanation": why,
        }
        for a, b, kind, score, method, why in rows
        if a in claims and b in claims
    ]


def _saydo(store: Store, q: str, claims: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    rows = store.query(
        "SELECT actor, channel, period, direction, claim_ids, event_ids, lag_days, window_days "
        "FROM saydo WHERE question = ? ORDER BY period, channel",
        [q],
    ).records()
    events = {
        r["event_id"]: {k: iso(v) for k, v in r.items()}
        for r in store.query(
            "SELECT event_id, date, actor, type, sub_type, description, place FROM events"
        ).records()
    }
    return [
        {
            "actor": r["actor"],
            "channel": r["channel"],
            "period": r["period"],
            "direction": r["direction"],
            "lag_days": r["lag_days"],
            "window_days": r["window_days"],
            "claims": [_quote(claims[c]) for c in r["claim_ids"] or [] if c in claims],
            "coded_statements": [c for c in r["claim_ids"] or [] if c not in claims],
            "events": [events[e] for e in r["event_ids"] or [] if e in events],
        }
        for r in rows
    ]


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
        "SELECT date, audience, decision, kind FROM decisions WHERE date IS NOT NULL ORDER BY date"
    ).records()
    return {
        "tests": tests,
        "weekly": [{"week": w, "channel": c, "n": n} for (w, c), n in sorted(weekly.items())],
        "decisions": [{k: iso(v) for k, v in d.items()} for d in decisions],
    }


def _documents(store: Store, only: set[str] | None) -> list[dict[str, Any]]:
    """Documents with the spans of their attributions (source, cue, content), each
    content span tagged with its claim id so that a link can land on it."""
    docs = store.query(
        "SELECT doc_id, title, outlet, published, url, text FROM documents WHERE status = 'ok' "
        "ORDER BY published NULLS LAST, doc_id"
    ).records()
    if only is not None:
        docs = [d for d in docs if d["doc_id"] in only]
    spans: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in store.query(
        """
        SELECT a.doc_id, a.attr_id, c.claim_id, a.source_start, a.source_end, a.cue_start,
               a.cue_end, a.content_start, a.content_end
        FROM attributions a LEFT JOIN claims c USING (attr_id)
        """
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

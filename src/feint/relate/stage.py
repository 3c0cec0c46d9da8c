"""Stage 3, relate: attributions to claims, propositions, stances and relations.

Incremental: claims already in the store keep their rows; a run embeds, clusters,
stances and relates only the new ones (against everything), and ``force`` redoes
all. Embeddings are cached in the store, so even a forced run embeds nothing twice.

Stance is the judge's P(entailment) - P(contradiction) with the claim as premise and
the proposition as hypothesis: support at ``stance_threshold`` or more, oppose at
minus that or less, neutral between. The default, 0.30, is a judgement rather than
a fit: nli/dev.jsonl (SICK and ConjNLI) prefers 0.5 for its own labels (macro-F1
0.573 against 0.473 at 0.3, feint-nli+rules), but NLI's "neutral" includes claims
that lean one way without implying it, which is exactly what stance must count.
There is no stance-labelled training or dev set to fit it on.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from feint.config import RelateOptions
from feint.relate.claims import Claim, load_claims
from feint.relate.embed import Embedder, SentenceTransformerEmbedder, embed_cached
from feint.relate.judge import Judge, Judgement, check_spec, get_judge
from feint.relate.neighbours import knn
from feint.relate.propositions import Cluster, central, communities, join_existing
from feint.relate.relations import Relation, candidate_pairs, relate_pairs
from feint.store import Store

log = logging.getLogger(__name__)

ProgressFn = Callable[[str, int, int], None]
"""progress(step, done, total)."""


@dataclass(slots=True)
class RelateReport:
    """What one ``relate`` call did."""

    claims: int = 0
    new_claims: int = 0
    embedded: int = 0
    propositions: int = 0
    new_propositions: int = 0
    judged_pairs: int = 0  # candidate pairs with no common origin, judged both ways
    relations: Counter[str] = field(default_factory=Counter)
    question_stances: Counter[str] = field(default_factory=Counter)


def stance_of(verdict: Judgement, threshold: float) -> tuple[str, float]:
    """(support | oppose | neutral, P(entailment) - P(contradiction))."""
    score = verdict.scores["entailment"] - verdict.scores["contradiction"]
    if score >= threshold:
        return "support", score
    if score <= -threshold:
        return "oppose", score
    return "neutral", score


def relate(
    store: Store,
    options: RelateOptions | None = None,
    *,
    question: str | None = None,
    force: bool = False,
    judge: Judge | None = None,
    embedder: Embedder | None = None,
    progress: ProgressFn | None = None,
) -> RelateReport:
    """Relate the store's claims.

    Args:
        store: an open, writable store with attributions.
        options: judge, model, k and thresholds.
        question: a proposition to take every claim's stance toward (``stances``).
        force: forget earlier claims, propositions and relations and redo them.
        judge, embedder: loaded back-ends (loaded from options when None).
        progress: called as (step, done, total).
    """
    options = options or RelateOptions()
    if judge is None:
        check_spec(options.judge)  # a bad name fails now, even with nothing to do
    question = " ".join(question.split()) if question else None
    report = RelateReport()
    if force:
        with store.transaction() as conn:
            for table in ("propositions", "relations", "stances"):
                store.clear(table)
            # Claims from documents only: coded statements loaded by context stay.
            conn.execute("DELETE FROM claims WHERE attr_id IN (SELECT attr_id FROM attributions)")
    claims = load_claims(store)
    report.claims = len(claims)
    known = _known_claims(store)
    new = [i for i, c in enumerate(claims) if c.claim_id not in known]
    report.new_claims = len(new)
    asked = _unasked(store, question, claims)
    if not new and not asked:
        report.propositions = _count(store, "propositions")
        return report
    judge = judge or get_judge(options.judge)
    embedder = embedder or SentenceTransformerEmbedder(
        options.embed_model, batch_size=options.embed_batch_size
    )
    step = _stepper(progress)
    vectors, report.embedded = embed_cached(
        store, embedder, [c.content for c in claims], progress=step("embed")
    )
    neighbours, sims = knn(vectors, max(options.k, options.cluster_k))
    step("neighbours")(1, 1)
    by_row = {c.claim_id: i for i, c in enumerate(claims)}

    # Propositions: new claims join the nearest existing one, or found new ones.
    props = _existing_propositions(store, known, by_row)
    touched: set[str] = set()
    if new:
        pids = list(props)
        centres = np.array([central(vectors, props[p].members)[1] for p in pids], dtype=np.float32)
        joined, _ = join_existing(
            vectors[new], centres.reshape(-1, vectors.shape[1]), options.proposition_threshold
        )
        loose = []
        for row, target in zip(new, joined, strict=True):
            if target >= 0:
                props[pids[target]].members.append(row)
                touched.add(pids[target])
            else:
                loose.append(row)
        next_id = _next_proposition_number(store)
        for cluster in communities(neighbours, sims, options.proposition_threshold, loose):
            pid = f"P{next_id:05d}"
            next_id += 1
            props[pid] = cluster
            touched.add(pid)
            report.new_propositions += 1
    report.propositions = len(props)

    # Stances toward each claim's proposition label (re-judged where a label moved).
    proposition_of = {row: pid for pid, cl in props.items() for row in cl.members}
    restance: list[int] = list(new)
    for pid in touched:
        cl = props[pid]
        label, _ = central(vectors, cl.members)
        if label != cl.label:
            restance += [m for m in cl.members if m not in new]
        cl.label = label
    stance_rows = _judge_stances(
        claims,
        restance,
        lambda r: claims[props[proposition_of[r]].label].statement,
        judge,
        options.stance_threshold,
        step("stance"),
    )
    for row in restance:  # the label claim supports itself by definition
        if props[proposition_of[row]].label == row:
            stance_rows[row] = ("support", 1.0, 1.0)

    question_rows: dict[int, tuple[str, float, float, str]] = {}
    if question:
        verdicts = judge.judge_many([(claims[r].statement, question) for r in asked])
        for r, v in zip(asked, verdicts, strict=True):
            st, sc = stance_of(v, options.stance_threshold)
            question_rows[r] = (st, sc, max(v.scores.values()), v.explanation)
            report.question_stances[st] += 1

    # Relations among the k nearest neighbours that touch a new claim.
    stances_known = _stances_by_row(store, claims, by_row, props, question)
    for row, (st, sc, _) in stance_rows.items():
        stances_known.setdefault(row, {})[claims[props[proposition_of[row]].label].content] = (
            st,
            sc,
        )
    for row, (st, sc, _, _) in question_rows.items():
        stances_known.setdefault(row, {})[question or ""] = (st, sc)
    pairs = candidate_pairs(
        neighbours[:, : options.k],
        sims[:, : options.k],
        options.candidate_min_similarity,
        set(new) if new else set(),
    )
    relations, report.judged_pairs = relate_pairs(
        claims,
        pairs,
        judge,
        lambda r: [(w, st, sc) for w, (st, sc) in stances_known.get(r, {}).items()],
        progress=step("relations"),
    )
    report.relations.update(r.kind for r in relations)

    _write(
        store,
        claims,
        new,
        props,
        touched,
        proposition_of,
        stance_rows,
        relations,
        question,
        question_rows,
        options,
        embedder.name,
        judge.name,
    )
    return report


def _stepper(progress: ProgressFn | None) -> Callable[[str], Callable[[int, int], None]]:
    def make(name: str) -> Callable[[int, int], None]:
        def call(done: int, total: int) -> None:
            if progress is not None:
                progress(name, done, total)

        return call

    return make


def _judge_stances(
    claims: list[Claim],
    rows: list[int],
    hypothesis: Callable[[int], str],
    judge: Judge,
    threshold: float,
    progress: Callable[[int, int], None],
    batch: int = 512,
) -> dict[int, tuple[str, float, float]]:
    out: dict[int, tuple[str, float, float]] = {}
    for start in range(0, len(rows), batch):
        part = rows[start : start + batch]
        verdicts = judge.judge_many([(claims[r].statement, hypothesis(r)) for r in part])
        for r, v in zip(part, verdicts, strict=True):
            st, sc = stance_of(v, threshold)
            out[r] = (st, sc, max(v.scores.values()))
        progress(min(start + batch, len(rows)), len(rows))
    return out


def _count(store: Store, table: str) -> int:
    return int(store.query(f"SELECT count(*) FROM {table}").rows[0][0])


def _known_claims(store: Store) -> dict[str, str | None]:
    return {r[0]: r[1] for r in store.query("SELECT claim_id, proposition_id FROM claims").rows}


def _unasked(store: Store, question: str | None, claims: list[Claim]) -> list[int]:
    if not question:
        return []
    done = {
        r[0]
        for r in store.query("SELECT claim_id FROM stances WHERE question = ?", [question]).rows
    }
    return [i for i, c in enumerate(claims) if c.claim_id not in done]


def _existing_propositions(
    store: Store, known: dict[str, str | None], by_row: dict[str, int]
) -> dict[str, Cluster]:
    labels = {
        r[0]: r[1] for r in store.query("SELECT proposition_id, label_claim FROM propositions").rows
    }
    props: dict[str, Cluster] = {}
    for claim_id, pid in known.items():
        if pid is None or claim_id not in by_row:
            continue
        cl = props.setdefault(pid, Cluster(members=[], label=-1))
        cl.members.append(by_row[claim_id])
    for pid, cl in props.items():
        label = labels.get(pid)
        cl.label = by_row[label] if label in by_row else cl.members[0]
    return props


def _next_proposition_number(store: Store) -> int:
    row = store.query(
        "SELECT max(try_cast(substr(proposition_id, 2) AS INTEGER)) FROM propositions"
    ).rows[0][0]
    return int(row) + 1 if row is not None else 1


def _stances_by_row(
    store: Store,
    claims: list[Claim],
    by_row: dict[str, int],
    props: dict[str, Cluster],
    question: str | None,
) -> dict[int, dict[str, tuple[str, float]]]:
    out: dict[int, dict[str, tuple[str, float]]] = {}
    for claim_id, pid, stance, score in store.query(
        "SELECT claim_id, proposition_id, stance, stance_score FROM claims WHERE stance IS NOT NULL"
    ).rows:
        if claim_id in by_row and pid in props:
            label = claims[props[pid].label].content
            out.setdefault(by_row[claim_id], {})[label] = (stance, float(score or 0.0))
    if question:
        for claim_id, stance, score in store.query(
            "SELECT claim_id, stance, score FROM stances WHERE question = ?", [question]
        ).rows:
            if claim_id in by_row:
                out.setdefault(by_row[claim_id], {})[question] = (stance, float(score or 0.0))
    return out


def _write(
    store: Store,
    claims: list[Claim],
    new: list[int],
    props: dict[str, Cluster],
    touched: set[str],
    proposition_of: dict[int, str],
    stance_rows: dict[int, tuple[str, float, float]],
    relations: list[Relation],
    question: str | None,
    question_rows: dict[int, tuple[str, float, float, str]],
    options: RelateOptions,
    embed_name: str,
    judge_name: str,
) -> None:
    rows = sorted(set(new) | set(stance_rows))
    claim_rows: list[list[Any]] = []
    for r in rows:
        c = claims[r]
        st, sc, conf = stance_rows.get(r, (None, None, None))
        claim_rows.append(
            [c.claim_id, c.attr_id, c.source_id, c.channel, proposition_of.get(r), st, sc, conf]
        )
    prop_rows = [
        [
            pid,
            claims[props[pid].label].content,
            len(props[pid].members),
            claims[props[pid].label].claim_id,
        ]
        for pid in sorted(touched)
    ]
    with store.transaction():
        store.delete_where_in("claims", "claim_id", [claims[r].claim_id for r in rows])
        store.insert_rows(
            "claims",
            (
                "claim_id",
                "attr_id",
                "source_id",
                "channel",
                "proposition_id",
                "stance",
                "stance_score",
                "confidence",
            ),
            claim_rows,
        )
        store.delete_where_in("propositions", "proposition_id", sorted(touched))
        store.insert_rows(
            "propositions", ("proposition_id", "label", "size", "label_claim"), prop_rows
        )
        store.insert_rows(
            "relations",
            ("claim_a", "claim_b", "kind", "score", "method", "explanation"),
            [[x.claim_a, x.claim_b, x.kind, x.score, x.method, x.explanation] for x in relations],
        )
        if question:
            store.insert_rows(
                "stances",
                ("question", "claim_id", "stance", "score", "method", "explanation"),
                [
                    [question, claims[r].claim_id, st, sc, judge_name, why[:200]]
                    for r, (st, sc, _, why) in question_rows.items()
                ],
                on_conflict_skip=True,
            )
        run = store.query("SELECT coalesce(max(run_id), 0) + 1 FROM relate_runs").rows[0][0]
        store.insert_rows(
            "relate_runs",
            ("run_id", "finished_at", "judge", "embed_model", "k", "new_claims", "relations"),
            [
                [
                    run,
                    datetime.now(UTC).replace(tzinfo=None),
                    judge_name,
                    embed_name,
                    options.k,
                    len(new),
                    len(relations),
                ]
            ],
        )

"""Stage 3, relate: attributions to claims, propositions, stances and relations.

Incremental: claims already in the store keep their rows; a run embeds, clusters,
stances and relates only the new ones (against everything), and ``force`` redoes
all. Embeddings are cached in the store, so even a forced run embeds nothing twice.

Relate owns the claims of documents, so it also follows extraction when
``feint extract --force`` replaced attributions under them: a claim whose attribution
is gone is deleted, with its stances and relations, and one whose attribution reads
otherwise now (its ``content_hash``) is redone as a new claim. The statements that
context coded from event data are claims too, but not relate's: they always stay.

Tension needs no judge, only stances. When a later run adds or changes an old
claim's stance (a new question, a relabelled proposition), the tension rows of every
pair touching that claim are made again from the stances and the earlier verdicts
(``open_pairs``: the pairs judged to neither contradict nor corroborate).

Every claim gets a frame first (frames.py): the actor its content is about, the
date it refers to and its polarity, stored with the claim. A claim about another
actor than the proposition's or the question's is neutral toward it without a judge
call, and a pair about two actors is not judged (relations.py).

Stance is the judge's P(entailment) - P(contradiction) with the claim as premise and
the proposition as hypothesis: support at ``stance_threshold`` or more, oppose at
minus that or less, neutral between; the threshold is chosen on the domain set's
dev split (data/semantics, ``feint eval semantics``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from feint.config import RelateOptions
from feint.errors import UsageError
from feint.relate import output
from feint.relate.claims import Claim, Outdated, load_claims, outdated_claims
from feint.relate.embed import Embedder, SentenceTransformerEmbedder, embed_cached
from feint.relate.frames import Frame, FrameInput, FrameReader, same_actor
from feint.relate.judges.judge import Judge, check_spec, get_judge
from feint.relate.neighbours import knn
from feint.relate.output import Output, write
from feint.relate.propositions import Cluster, central, communities, join_existing
from feint.relate.relations import (
    Policy,
    Relation,
    RelationKind,
    StanceOf,
    candidate_pairs,
    relate_pairs,
    tension_pairs,
)
from feint.relate.stance import judge_stances
from feint.store import Store

log = logging.getLogger(__name__)

ProgressFn = Callable[[str, int, int], None]
"""progress(step, done, total)."""


@dataclass(slots=True)
class RelateReport:
    """What one ``relate`` call did."""

    claims: int = 0
    new_claims: int = 0  # redone claims included
    removed_claims: int = 0  # their attribution is gone
    redone_claims: int = 0  # their attribution changed
    embedded: int = 0
    propositions: int = 0
    new_propositions: int = 0
    judged_pairs: int = 0  # candidate pairs with no common origin, judged both ways
    other_actor_pairs: int = 0  # near neighbours passed over: their frames name two actors
    relations: Counter[str] = field(default_factory=Counter)
    question_stances: Counter[str] = field(default_factory=Counter)


def relate(
    store: Store,
    options: RelateOptions | None = None,
    *,
    question: str | None = None,
    force: bool = False,
    judge: Judge | None = None,
    embedder: Embedder | None = None,
    frame_reader: FrameReader | None = None,
    referee: Judge | None = None,
    progress: ProgressFn | None = None,
) -> RelateReport:
    """Relate the store's claims.

    Args:
        store: an open, writable store with attributions.
        options: judge, model, k and thresholds.
        question: a proposition to take every claim's stance toward (``stances``).
        force: forget earlier claims, propositions and relations and redo them.
        judge, embedder, frame_reader, referee: loaded back-ends (loaded from options
            when None; the referee is the rules judge when ``options.rules`` is "veto").
        progress: called as (step, done, total).
    """
    options = options or RelateOptions()
    if judge is None:
        check_spec(options.judge)  # a bad name fails now, even with nothing to do
    if options.rules not in ("veto", "off"):
        raise UsageError(f'[relate] rules = {options.rules!r}: use "veto" or "off".')
    question = " ".join(question.split()) if question else None
    report = RelateReport()
    if force:
        output.forget_claims(store)
    run = _pending(store, options, question)
    report.claims, report.new_claims = len(run.claims), len(run.new)
    report.removed_claims = len(run.outdated.gone)
    report.redone_claims = len(run.outdated.changed)
    if not run.new and not run.asked and not run.outdated.gone:
        report.propositions = _count(store, "propositions")
        return report
    judge = judge or get_judge(options.judge)
    if referee is None and options.rules == "veto":
        referee = get_judge("rules")
    embedder = embedder or SentenceTransformerEmbedder(
        options.embed_model, batch_size=options.embed_batch_size
    )
    step = _stepper(progress)
    reader = frame_reader or FrameReader.load(options.frame_model)
    _relate_pending(run, judge, referee, embedder, reader, step, report)
    return report


@dataclass(slots=True)
class _Run:
    """The claims one ``relate`` call finds, and what it must redo of them (rows index
    ``claims``)."""

    store: Store
    options: RelateOptions
    question: str | None
    claims: list[Claim]
    outdated: Outdated
    known: dict[str, str | None]  # stored claims that stay: claim id -> proposition id
    new: list[int]  # claims to make (redone claims included)
    fresh: set[str]  # claim ids whose old rows all go
    asked: list[int]  # rows with no stance toward the question yet
    by_row: dict[str, int]  # claim id -> row


@dataclass(slots=True)
class _Space:
    """What the models read of every claim: its frame, its embedding and its nearest
    neighbours; and the question's frame."""

    frames: list[Frame]
    framed: list[int]  # rows whose frame was read now (to store)
    question_frame: Frame | None
    vectors: np.ndarray
    embedded: int  # claims embedded now (not found in the cache)
    neighbours: np.ndarray
    sims: np.ndarray


@dataclass(slots=True)
class _Propositions:
    """The run's propositions over rows, and which of them it writes."""

    props: dict[str, Cluster]
    touched: set[str]  # to write again: founded, grown, shrunk or unlabelled
    emptied: set[str]  # left with no member
    founded: int = 0  # new in this run


def _pending(store: Store, options: RelateOptions, question: str | None) -> _Run:
    """The store's claims and which of them are new, outdated or not yet asked the
    question; claims from before schema 7 are stamped with their hash on the way."""
    claims = load_claims(store)
    outdated = outdated_claims(store, claims)
    if outdated.unhashed:
        output.stamp_hashes(store, outdated.unhashed)
    known = {k: v for k, v in _known_claims(store).items() if k not in outdated.claim_ids}
    new = [i for i, c in enumerate(claims) if c.claim_id not in known]
    fresh = {claims[i].claim_id for i in new} | outdated.gone  # their old rows all go
    asked = _unasked(store, question, claims, fresh)
    by_row = {c.claim_id: i for i, c in enumerate(claims)}
    return _Run(store, options, question, claims, outdated, known, new, fresh, asked, by_row)


def _relate_pending(
    run: _Run,
    judge: Judge,
    referee: Judge | None,
    embedder: Embedder,
    reader: FrameReader,
    step: Callable[[str], Callable[[int, int], None]],
    report: RelateReport,
) -> None:
    """Frame, embed, cluster, stance and relate what ``run`` must redo, and write it."""
    space = _read_claims(run, reader, embedder, step)
    report.embedded = space.embedded
    placed = _propositions(run, space)
    report.propositions, report.new_propositions = len(placed.props), placed.founded
    proposition_of = {row: pid for pid, cl in placed.props.items() for row in cl.members}
    stance_rows = _label_stances(run, space, placed, proposition_of, judge, step("stance"))
    question_rows = _question_stances(run, space, judge)
    report.question_stances.update(st for st, _, _, _ in question_rows.values())
    stances = _stance_lookup(run, placed.props, proposition_of, stance_rows, question_rows)
    relations, judged, report.other_actor_pairs = _judge_pairs(
        run, space, stances, judge, referee, step("relations")
    )
    report.judged_pairs = len(judged)
    decided = {
        frozenset((r.claim_a, r.claim_b)) for r in relations if r.kind != RelationKind.TENSION
    }
    open_pairs = [  # judged, and neither contradicting nor corroborating
        (run.claims[i].claim_id, run.claims[j].claim_id)
        for i, j, _ in judged
        if frozenset((run.claims[i].claim_id, run.claims[j].claim_id)) not in decided
    ]
    # Old claims whose stances moved: their open pairs' tension again, without the judge.
    moved = (set(run.asked) | set(stance_rows)) - set(run.new)
    tension = _retension(
        run.store,
        run.claims,
        run.by_row,
        moved,
        set(run.new),
        stances,
        judge.name,
        run.options.tension_min,
    )
    report.relations.update(r.kind for r in relations + tension)
    output = Output(
        claims=run.claims,
        new=run.new,
        props=placed.props,
        touched=placed.touched,
        emptied=placed.emptied,
        fresh=run.fresh,
        proposition_of=proposition_of,
        stance_rows=stance_rows,
        relations=relations,
        open_pairs=open_pairs,
        moved=[run.claims[r].claim_id for r in sorted(moved)],
        tension=tension,
        question=run.question,
        question_rows=question_rows,
        frames=space.frames,
        framed=space.framed,
    )
    write(run.store, output, run.options, embedder.name, judge.name)


def _read_claims(
    run: _Run,
    reader: FrameReader,
    embedder: Embedder,
    step: Callable[[str], Callable[[int, int], None]],
) -> _Space:
    """Every claim's frame, embedding (cached in the store) and nearest neighbours."""
    frames, framed = _frames(run.store, run.claims, run.known, reader)
    step("frames")(1, 1)
    question_frame = reader.read(FrameInput(run.question)) if run.question else None
    vectors, embedded = embed_cached(
        run.store, embedder, [c.content for c in run.claims], progress=step("embed")
    )
    # Three times k neighbours, so that k remain once those about another actor are
    # dropped (candidates, ``_judge_pairs``).
    neighbours, sims = knn(vectors, max(3 * run.options.k, run.options.cluster_k))
    step("neighbours")(1, 1)
    return _Space(frames, framed, question_frame, vectors, embedded, neighbours, sims)


def _propositions(run: _Run, space: _Space) -> _Propositions:
    """Propositions: new claims join the nearest existing one, or found new ones. Those
    that lost a member to extraction get their label and size again; empty ones go.
    Labels are chosen later (``_label_stances``)."""
    props, unlabelled = _existing_propositions(run.store, run.known, run.by_row)
    placed = _Propositions(
        props,
        touched=unlabelled | (set(run.outdated.propositions) & props.keys()),
        emptied=set(run.outdated.propositions) - props.keys(),
    )
    if not run.new:
        return placed
    vectors, threshold = space.vectors, run.options.proposition_threshold
    pids = list(props)
    centres = np.array([central(vectors, props[p].members)[1] for p in pids], dtype=np.float32)
    joined, _ = join_existing(vectors[run.new], centres.reshape(-1, vectors.shape[1]), threshold)
    loose = []
    for row, target in zip(run.new, joined, strict=True):
        if target >= 0:
            props[pids[target]].members.append(row)
            placed.touched.add(pids[target])
        else:
            loose.append(row)
    next_id = _next_proposition_number(run.store)
    for cluster in communities(space.neighbours, space.sims, threshold, loose):
        pid = f"P{next_id:05d}"
        next_id += 1
        props[pid] = cluster
        placed.touched.add(pid)
        placed.founded += 1
    return placed


def _label_stances(
    run: _Run,
    space: _Space,
    placed: _Propositions,
    proposition_of: dict[int, str],
    judge: Judge,
    progress: Callable[[int, int], None],
) -> dict[int, tuple[str, float, float]]:
    """Label the touched propositions, and take stances toward each claim's proposition
    label: the new claims', and every member's where a label moved."""
    claims, props = run.claims, placed.props
    restance: list[int] = list(run.new)
    for pid in placed.touched:
        cl = props[pid]
        label, _ = central(
            space.vectors, cl.members, [m for m in cl.members if claims[m].states_something]
        )
        if label != cl.label:
            restance += [m for m in cl.members if m not in run.new]
        cl.label = label
    # A label claim supports itself by definition, unjudged: every claim alone in its
    # proposition is one (on the demo the judge now reads 284 of the 510 stances).
    labels = {r for r in restance if props[proposition_of[r]].label == r}
    judged = _judge_stances(
        claims,
        [r for r in restance if r not in labels],
        lambda r: claims[props[proposition_of[r]].label].statement,
        judge,
        run.options.stance_threshold,
        progress,
        lambda r: space.frames[props[proposition_of[r]].label],
        space.frames,
    )
    return {r: ("support", 1.0, 1.0) if r in labels else judged[r] for r in restance}


def _question_stances(
    run: _Run, space: _Space, judge: Judge
) -> dict[int, tuple[str, float, float, str]]:
    """(stance, score, confidence, why) toward the question of the rows not yet asked."""
    if not run.question or space.question_frame is None:
        return {}
    taken = judge_stances(
        [(run.claims[r].statement, run.question) for r in run.asked],
        [(space.frames[r], space.question_frame) for r in run.asked],
        judge,
        run.options.stance_threshold,
    )
    return {
        r: (t.stance, t.score, t.confidence, t.why) for r, t in zip(run.asked, taken, strict=True)
    }


def _stance_lookup(
    run: _Run,
    props: dict[str, Cluster],
    proposition_of: dict[int, str],
    stance_rows: dict[int, tuple[str, float, float]],
    question_rows: dict[int, tuple[str, float, float, str]],
) -> StanceOf:
    """Each row's stances, stored or taken now, as the relation rules read them:
    (hypothesis, stance, score) toward its proposition and every question asked."""
    on_label, on_question = _stances_by_row(run.store, run.claims, run.by_row, props, run.fresh)
    for row, (st, sc, _) in stance_rows.items():
        on_label[row] = (run.claims[props[proposition_of[row]].label].content, st, sc)
    for row, (st, sc, _, _) in question_rows.items():
        on_question.setdefault(row, {})[run.question or ""] = (st, sc)

    def stances(r: int) -> list[tuple[str, str, float]]:
        # The proposition first, then the questions in a fixed order: a pair's tension
        # row is the same whichever run, and whichever question, made it.
        own = [on_label[r]] if r in on_label else []
        return own + [(q, st, sc) for q, (st, sc) in sorted(on_question.get(r, {}).items())]

    return stances


def _judge_pairs(
    run: _Run,
    space: _Space,
    stances: StanceOf,
    judge: Judge,
    referee: Judge | None,
    progress: Callable[[int, int], None],
) -> tuple[list[Relation], list[tuple[int, int, float]], int]:
    """Relations among the k nearest neighbours that touch a new claim, judged; the
    pairs judged; and how many near neighbours were passed over as about another
    actor."""
    options = run.options
    near, near_sims, other_actor = same_actor_neighbours(
        space.neighbours, space.sims, space.frames, options.k
    )
    pairs = candidate_pairs(near, near_sims, options.candidate_min_similarity, set(run.new))
    policy = Policy(
        options.contradiction_threshold,
        options.frame_window_days,
        referee,
        options.tension_min,
        options.judged_per_claim,
    )
    relations, judged = relate_pairs(
        run.claims, pairs, judge, stances, frames=space.frames, policy=policy, progress=progress
    )
    return relations, judged, other_actor


def same_actor_neighbours(
    neighbours: np.ndarray, sims: np.ndarray, frames: list[Frame], k: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """Each row's k nearest neighbours that may be about its own actor (frames.py),
    and how many nearer ones were passed over as about another actor.

    Rows with fewer such neighbours are padded with themselves at similarity -1,
    which ``candidate_pairs`` drops. Frame-compatible neighbours, not merely the
    nearest, are what the judge should see: a claim's nearest are often the other
    side's claims on the same topic, which no judge call should set against it.
    """
    n = len(neighbours)
    near = np.tile(np.arange(n)[:, None], (1, k))
    near_sims = np.full((n, k), -1.0, dtype=np.float32)
    passed = 0
    for i in range(n):
        taken = 0
        for j, s in zip(neighbours[i], sims[i], strict=True):
            j = int(j)
            if j == i:
                continue
            if not same_actor(frames[i], frames[j]):
                passed += 1
                continue
            near[i, taken], near_sims[i, taken] = j, s
            taken += 1
            if taken == k:
                break
    return near, near_sims, passed


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
    hypothesis_frame: Callable[[int], Frame],
    frames: list[Frame],
) -> dict[int, tuple[str, float, float]]:
    """(stance, score, confidence) of each row's claim toward its hypothesis."""
    taken = judge_stances(
        [(claims[r].statement, hypothesis(r)) for r in rows],
        [(frames[r], hypothesis_frame(r)) for r in rows],
        judge,
        threshold,
        progress,
    )
    return {r: (t.stance, t.score, t.confidence) for r, t in zip(rows, taken, strict=True)}


def _frames(
    store: Store, claims: list[Claim], known: dict[str, str | None], reader: FrameReader
) -> tuple[list[Frame], list[int]]:
    """Every claim's frame: stored for known claims, read for the rest; and the rows
    read now (to store)."""
    stored = {
        r[0]: Frame(r[1], None, r[2], r[3], bool(r[4]))
        for r in store.query(
            "SELECT claim_id, frame_actor, frame_time, frame_polarity, frame_event FROM claims "
            "WHERE frame_polarity IS NOT NULL"
        ).rows
    }
    todo = [i for i, c in enumerate(claims) if c.claim_id not in known or c.claim_id not in stored]
    read = reader.read_many(
        [
            FrameInput(
                claims[i].content,
                speaker=claims[i].source_name,
                affiliation=claims[i].affiliation,
                when=claims[i].published,
                deny=claims[i].polarity == "deny",
            )
            for i in todo
        ]
    )
    fresh = dict(zip(todo, read, strict=True))
    return [fresh.get(i) or stored[c.claim_id] for i, c in enumerate(claims)], todo


def _count(store: Store, table: str) -> int:
    return int(store.query(f"SELECT count(*) FROM {table}").rows[0][0])


def _known_claims(store: Store) -> dict[str, str | None]:
    return {r[0]: r[1] for r in store.query("SELECT claim_id, proposition_id FROM claims").rows}


def _unasked(store: Store, question: str | None, claims: list[Claim], fresh: set[str]) -> list[int]:
    """Rows with no stance toward ``question`` yet (a fresh claim's old one is void)."""
    if not question:
        return []
    done = {
        r[0]
        for r in store.query("SELECT claim_id FROM stances WHERE question = ?", [question]).rows
    }
    return [i for i, c in enumerate(claims) if c.claim_id not in done or c.claim_id in fresh]


def _existing_propositions(
    store: Store, known: dict[str, str | None], by_row: dict[str, int]
) -> tuple[dict[str, Cluster], set[str]]:
    """The stored propositions over rows, and those whose label claim is no member
    (gone or redone): their label is -1 until it is chosen again."""
    labels = {
        r[0]: r[1] for r in store.query("SELECT proposition_id, label_claim FROM propositions").rows
    }
    props: dict[str, Cluster] = {}
    for claim_id, pid in known.items():
        if pid is None or claim_id not in by_row:
            continue
        cl = props.setdefault(pid, Cluster(members=[], label=-1))
        cl.members.append(by_row[claim_id])
    unlabelled = set()
    for pid, cl in props.items():
        label = by_row.get(labels.get(pid) or "", -1)
        cl.label = label if label in cl.members else -1
        if cl.label < 0:
            unlabelled.add(pid)
    return props, unlabelled


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
    fresh: set[str],
) -> tuple[dict[int, tuple[str, str, float]], dict[int, dict[str, tuple[str, float]]]]:
    """Stored stances of the claims that are not fresh: (label, stance, score) toward
    each one's proposition, and (stance, score) per question (every question asked)."""
    on_label: dict[int, tuple[str, str, float]] = {}
    for claim_id, pid, stance, score in store.query(
        "SELECT claim_id, proposition_id, stance, stance_score FROM claims WHERE stance IS NOT NULL"
    ).rows:
        if claim_id in by_row and claim_id not in fresh and pid in props:
            label = claims[props[pid].label].content
            on_label[by_row[claim_id]] = (label, stance, float(score or 0.0))
    on_question: dict[int, dict[str, tuple[str, float]]] = {}
    for question, claim_id, stance, score in store.query(
        "SELECT question, claim_id, stance, score FROM stances"
    ).rows:
        if claim_id in by_row and claim_id not in fresh:
            on_question.setdefault(by_row[claim_id], {})[question] = (stance, float(score or 0.0))
    return on_label, on_question


def _retension(
    store: Store,
    claims: list[Claim],
    by_row: dict[str, int],
    moved: set[int],
    new: set[int],
    stances: StanceOf,
    judge_name: str,
    least: float = 0.0,
) -> list[Relation]:
    """Tension rows, made again, of the open pairs of old claims that touch ``moved``.

    Open pairs are those an earlier run judged to neither contradict nor corroborate
    (``open_pairs``, and those with a tension row, which a store from before schema 7
    has without the first). Their verdicts stand; only the stances moved.
    """
    if not moved:
        return []
    ids = [claims[r].claim_id for r in sorted(moved)]
    touching = (
        "(claim_a IN (SELECT unnest(?::VARCHAR[])) OR claim_b IN (SELECT unnest(?::VARCHAR[])))"
    )
    rows = store.query(
        f"SELECT claim_a, claim_b FROM open_pairs WHERE {touching} UNION "
        f"SELECT claim_a, claim_b FROM relations WHERE kind = 'tension' AND {touching}",
        [ids, ids, ids, ids],
    ).rows
    pairs = set()
    for a, b in rows:
        ia, ib = by_row.get(a), by_row.get(b)
        if ia is not None and ib is not None and ia not in new and ib not in new:
            pairs.add((min(ia, ib), max(ia, ib)))
    return tension_pairs(claims, sorted(pairs), judge_name, stances, least)

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
from feint.relate.claims import Claim, load_claims, outdated_claims
from feint.relate.embed import Embedder, SentenceTransformerEmbedder, embed_cached
from feint.relate.frames import Frame, FrameInput, FrameReader, same_actor
from feint.relate.judge import Judge, check_spec, get_judge
from feint.relate.neighbours import knn
from feint.relate.output import Output, write
from feint.relate.propositions import Cluster, central, communities, join_existing
from feint.relate.relations import (
    Policy,
    Relation,
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
        with store.transaction() as conn:
            for table in ("propositions", "relations", "open_pairs", "stances"):
                store.clear(table)
            # Every claim but the statements context coded (their attr_id is an event).
            conn.execute("DELETE FROM claims WHERE attr_id NOT IN (SELECT event_id FROM events)")
    claims = load_claims(store)
    report.claims = len(claims)
    outdated = outdated_claims(store, claims)
    if outdated.unhashed:
        _stamp_hashes(store, outdated.unhashed)
    report.removed_claims, report.redone_claims = len(outdated.gone), len(outdated.changed)
    known = {k: v for k, v in _known_claims(store).items() if k not in outdated.claim_ids}
    new = [i for i, c in enumerate(claims) if c.claim_id not in known]
    report.new_claims = len(new)
    fresh = {claims[i].claim_id for i in new} | outdated.gone  # their old rows all go
    asked = _unasked(store, question, claims, fresh)
    if not new and not asked and not outdated.gone:
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
    frames, framed = _frames(store, claims, known, reader)
    step("frames")(1, 1)
    question_frame = reader.read(FrameInput(question)) if question else None
    vectors, report.embedded = embed_cached(
        store, embedder, [c.content for c in claims], progress=step("embed")
    )
    # Three times k neighbours, so that k remain once those about another actor are
    # dropped (candidates below).
    neighbours, sims = knn(vectors, max(3 * options.k, options.cluster_k))
    step("neighbours")(1, 1)
    by_row = {c.claim_id: i for i, c in enumerate(claims)}

    # Propositions: new claims join the nearest existing one, or found new ones. Those
    # that lost a member to extraction get their label and size again; empty ones go.
    props, unlabelled = _existing_propositions(store, known, by_row)
    touched = unlabelled | (set(outdated.propositions) & props.keys())
    emptied = set(outdated.propositions) - props.keys()
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
        label, _ = central(
            vectors, cl.members, [m for m in cl.members if claims[m].states_something]
        )
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
        lambda r: frames[props[proposition_of[r]].label],
        frames,
    )
    for row in restance:  # the label claim supports itself by definition
        if props[proposition_of[row]].label == row:
            stance_rows[row] = ("support", 1.0, 1.0)

    question_rows: dict[int, tuple[str, float, float, str]] = {}
    if question and question_frame is not None:
        taken = judge_stances(
            [(claims[r].statement, question) for r in asked],
            [(frames[r], question_frame) for r in asked],
            judge,
            options.stance_threshold,
        )
        question_rows = {
            r: (t.stance, t.score, t.confidence, t.why) for r, t in zip(asked, taken, strict=True)
        }
        report.question_stances.update(t.stance for t in taken)

    # Relations among the k nearest neighbours that touch a new claim, judged.
    on_label, on_question = _stances_by_row(store, claims, by_row, props, fresh)
    for row, (st, sc, _) in stance_rows.items():
        on_label[row] = (claims[props[proposition_of[row]].label].content, st, sc)
    for row, (st, sc, _, _) in question_rows.items():
        on_question.setdefault(row, {})[question or ""] = (st, sc)

    def stances(r: int) -> list[tuple[str, str, float]]:
        # The proposition first, then the questions in a fixed order: a pair's tension
        # row is the same whichever run, and whichever question, made it.
        own = [on_label[r]] if r in on_label else []
        return own + [(q, st, sc) for q, (st, sc) in sorted(on_question.get(r, {}).items())]

    near, near_sims, report.other_actor_pairs = same_actor_neighbours(
        neighbours, sims, frames, options.k
    )
    pairs = candidate_pairs(near, near_sims, options.candidate_min_similarity, set(new))
    policy = Policy(
        options.contradiction_threshold, options.frame_window_days, referee, options.tension_min
    )
    relations, judged = relate_pairs(
        claims, pairs, judge, stances, frames=frames, policy=policy, progress=step("relations")
    )
    report.judged_pairs = len(judged)
    decided = {frozenset((r.claim_a, r.claim_b)) for r in relations if r.kind != "tension"}
    open_pairs = [  # judged, and neither contradicting nor corroborating
        (claims[i].claim_id, claims[j].claim_id)
        for i, j, _ in judged
        if frozenset((claims[i].claim_id, claims[j].claim_id)) not in decided
    ]
    # Old claims whose stances moved: their open pairs' tension again, without the judge.
    moved = (set(asked) | set(stance_rows)) - set(new)
    tension = _retension(
        store, claims, by_row, moved, set(new), stances, judge.name, options.tension_min
    )
    report.relations.update(r.kind for r in relations + tension)

    write(
        store,
        Output(
            claims=claims,
            new=new,
            props=props,
            touched=touched,
            emptied=emptied,
            fresh=fresh,
            proposition_of=proposition_of,
            stance_rows=stance_rows,
            relations=relations,
            open_pairs=open_pairs,
            moved=[claims[r].claim_id for r in sorted(moved)],
            tension=tension,
            question=question,
            question_rows=question_rows,
            frames=frames,
            framed=framed,
        ),
        options,
        embedder.name,
        judge.name,
    )
    return report


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


def _stamp_hashes(store: Store, rows: tuple[tuple[str, str], ...]) -> None:
    """Give claims made before schema 7 the hash of their attribution as it is now.

    Nothing records what they were made from, so they are taken to match: redoing
    every claim of an old store would judge every pair again. After re-extracting
    such a store, ``feint relate --force`` redoes them all.
    """
    with store.transaction() as conn:
        conn.execute(
            "UPDATE claims SET content_hash = h.hash FROM (SELECT unnest(?::VARCHAR[]) AS id, "
            "unnest(?::VARCHAR[]) AS hash) h WHERE claims.claim_id = h.id",
            [[c for c, _ in rows], [h for _, h in rows]],
        )
    log.info("%d claim(s) from before schema 7 stamped with their attribution's hash", len(rows))


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

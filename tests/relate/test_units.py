"""Claims, neighbours, propositions and relations: the parts, on small inputs."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest

from feint.relate import relations
from feint.relate.claims import Claim, channel_of
from feint.relate.frames import Frame
from feint.relate.judges.judge import LABELS, NliVerdict, get_judge
from feint.relate.neighbours import knn
from feint.relate.propositions import central, communities, join_existing
from feint.relate.relations import (
    Policy,
    candidate_pairs,
    common_origin,
    needs_reverse,
    relate_pairs,
    within_budget,
)


@pytest.mark.parametrize(
    ("kind", "relayed", "by_anon", "channel"),
    [
        ("anonymous", True, False, "private_anonymous"),
        ("anonymous_official", True, False, "private_anonymous"),  # "officials told Reuters"
        ("anonymous_official", False, False, "public_official"),  # "officials said"
        ("named_official", False, False, "public_official"),
        ("named_official", True, True, "private_anonymous"),  # sources say Shoigu told them
        ("official_body", True, False, "public_official"),
        ("media", False, False, "media"),
        ("named_person", False, False, "media"),
        ("analyst", True, False, "analyst"),
        (None, False, False, "media"),
    ],
)
def test_channel_of_source_kind(
    kind: str | None, relayed: bool, by_anon: bool, channel: str
) -> None:
    assert channel_of(kind, relayed=relayed, relayed_by_anonymous=by_anon) == channel


def _claim(n: int, content: str, **kw: object) -> Claim:
    base = Claim(
        claim_id=f"c{n}",
        attr_id=f"a{n}",
        doc_id=f"d{n}",
        parent_attr=None,
        source_id=f"s{n}",
        source_name=f"source {n}",
        source_kind="named_official",
        channel="public_official",
        content=content,
        polarity="assert",
        conduit=None,
        outlet=None,
        published=None,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def test_a_denial_is_stated_as_the_report_it_is() -> None:
    # "It is not true that P" read as support of P far more often than not; the report
    # itself keeps the cue's own sense ("did not rule out" is no denial of the meeting).
    c = _claim(1, "there has been official outreach", polarity="deny", cue="have denied",
               source_name="US sources")  # fmt: skip
    assert c.statement == "US sources have denied there has been official outreach"
    who = _claim(2, "any backchannel talks", polarity="deny", cue="denied", source_name="who")
    assert who.statement == "They denied any backchannel talks"
    # Without its cue (a claim built by hand) the negation is still carried.
    bare = _claim(3, "there has been official outreach", polarity="deny")
    assert bare.statement == "It is not true that there has been official outreach"
    assert _claim(4, "talks go on").statement == "talks go on"
    # A denial's hash reads its cue: a store judged with the old wrapper redoes it.
    assert c.content_hash != replace(c, cue="rejected").content_hash
    plain = _claim(5, "talks go on")
    assert plain.content_hash == replace(plain, cue="said").content_hash


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_exact_neighbours_match_brute_force_and_exclude_self() -> None:
    rng = np.random.default_rng(3)
    x = _unit(rng.normal(size=(300, 16)))
    idx, sims = knn(x, 5)
    full = x @ x.T
    np.fill_diagonal(full, -np.inf)
    want = np.argsort(-full, axis=1)[:, :5]
    assert (idx == want).all()
    assert np.allclose(sims, np.take_along_axis(full, want, axis=1))
    assert not (idx == np.arange(300)[:, None]).any()


def _clustered(n: int, seed: int) -> np.ndarray:
    """Unit vectors in 60 clusters, a few near-duplicates each, as relayed reports."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(60, 32))
    return _unit(centres[rng.integers(0, 60, n)] + 0.6 * rng.normal(size=(n, 32)))


def test_the_hnsw_index_finds_most_true_neighbours_and_never_itself() -> None:
    x = _clustered(3000, 5)
    exact, exact_sims = knn(x, 10)
    approx, sims = knn(x, 10, exact_limit=100)  # force the index
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact, approx, strict=True)])
    assert recall >= 0.95, recall
    assert approx.shape == sims.shape == (3000, 10)
    assert not (approx == np.arange(3000)[:, None]).any()
    assert (np.diff(sims, axis=1) <= 1e-6).all()  # best first
    # The similarities are the dot products of the rows the index returns.
    assert np.allclose(sims, np.einsum("ij,ikj->ik", x, x[approx]), atol=1e-5)
    assert sims[:, 0].mean() == pytest.approx(exact_sims[:, 0].mean(), abs=1e-3)


def test_the_index_repeats_across_runs() -> None:
    x = _clustered(2000, 8)
    a = knn(x, 10, exact_limit=100)
    b = knn(x, 10, exact_limit=100, threads=1)  # query threads do not change the answer
    assert (a[0] == b[0]).all() and (a[1] == b[1]).all()


def test_the_index_drops_itself_among_exact_duplicates() -> None:
    # Ten copies of each row: self ties with nine others and may not come back
    # first, or at all; it must still never be its own neighbour.
    x = np.repeat(_clustered(150, 9), 10, axis=0)
    idx, sims = knn(x, 5, exact_limit=100)
    assert idx.shape == (1500, 5)
    assert not (idx == np.arange(1500)[:, None]).any()
    assert np.allclose(sims, 1.0, atol=1e-5)
    assert (idx // 10 == np.arange(1500)[:, None] // 10).all()


@pytest.mark.parametrize("exact_limit", [8_000, 0])
@pytest.mark.parametrize(("n", "k", "width"), [(1, 5, 0), (2, 5, 1), (6, 5, 5), (6, 50, 5)])
def test_k_at_or_above_n_gives_every_other_row(
    n: int, k: int, width: int, exact_limit: int
) -> None:
    x = _clustered(n, 4)
    idx, sims = knn(x, k, exact_limit=exact_limit)
    assert idx.shape == sims.shape == (n, width)
    for i, row in enumerate(idx):
        assert sorted(row) == [j for j in range(n) if j != i]


def test_communities_group_near_claims_and_label_the_central_one() -> None:
    x = _unit(
        np.array(
            [[1, 0, 0], [0.95, 0.1, 0], [0.9, 0.2, 0], [0, 1, 0], [0, 0.97, 0.1], [0, 0, 1]],
            dtype=np.float32,
        )
    )
    idx, sims = knn(x, 5)
    groups = sorted(sorted(c.members) for c in communities(idx, sims, 0.8))
    assert groups == [[0, 1, 2], [3, 4], [5]]
    label, _ = central(x, [0, 1, 2])
    assert label == 1  # the middle one
    # ... unless it states nothing ("it"): the nearest that does labels it, and the
    # centre stays the members' mean.
    other, centre = central(x, [0, 1, 2], labels=[0, 2])
    assert other in (0, 2) and np.allclose(centre, central(x, [0, 1, 2])[1])
    assert central(x, [0, 1, 2], labels=[])[0] == 1  # none fit: the nearest member
    joined, _ = join_existing(
        _unit(np.array([[0.1, 1, 0], [1, 1, 1]], dtype=np.float32)),
        np.stack([central(x, [0, 1, 2])[1], central(x, [3, 4])[1]]),
        0.8,
    )
    assert joined.tolist() == [1, -1]


def test_candidate_pairs_are_unordered_once_and_above_the_floor() -> None:
    idx = np.array([[1, 2], [0, 2], [0, 1]])
    sims = np.array([[0.9, 0.2], [0.9, 0.5], [0.2, 0.5]], dtype=np.float32)
    assert candidate_pairs(idx, sims, 0.4) == [
        (0, 1, pytest.approx(0.9)),
        (1, 2, pytest.approx(0.5)),
    ]
    assert candidate_pairs(idx, sims, 0.4, rows={2}) == [(1, 2, pytest.approx(0.5))]


def test_common_origin_spots_relays_and_leaves_independent_sources_alone() -> None:
    a = _claim(
        1,
        "Putin is ready for a ceasefire",
        channel="private_anonymous",
        source_name="four Russian sources",
        conduit="Reuters",
    )
    relay = _claim(2, "Putin is ready for a ceasefire", parent_attr=None)
    nested = replace(relay, parent_attr="a1")
    assert "relays" in (common_origin(a, nested, 0.9) or "")
    same_sources = replace(
        a, claim_id="c3", attr_id="a3", doc_id="d3", content="Putin wants a truce"
    )
    assert "four Russian sources" in (common_origin(a, same_sources, 0.85) or "")
    assert "near-duplicate" in (common_origin(a, relay, 0.97) or "")
    other = _claim(4, "Putin seeks a truce", source_name="Dmitry Peskov")
    assert common_origin(a, other, 0.7) is None
    # One speaker saying different things in one document: two claims, not a repeat.
    assert (
        common_origin(replace(other, doc_id="d1", source_name="four Russian sources"), a, 0.5)
        is None
    )


def test_relate_pairs_gives_each_kind() -> None:
    claims = [
        _claim(0, "Putin is ready to negotiate a ceasefire"),
        _claim(1, "Putin is unwilling to negotiate a ceasefire"),
        _claim(2, "Russia was open to negotiations"),
        _claim(3, "Russia is open to negotiations"),
        _claim(4, "Putin is ready to negotiate a ceasefire", parent_attr="a0"),
        _claim(5, "The harvest was good this year"),
    ]
    pairs = [(0, 1, 0.8), (2, 3, 0.9), (0, 4, 0.99), (0, 5, 0.4)]
    stance = {5: [("Q", "oppose", -0.5)], 0: [("Q", "support", 0.6)]}
    relations, judged = relate_pairs(claims, pairs, get_judge("rules"), lambda i: stance.get(i, []))
    got = {(r.claim_a, r.claim_b): r for r in relations}
    assert len(judged) == 3  # the relay is a repeat, not judged
    assert got[("c0", "c1")].kind == "contradicts"
    assert "ready vs unwilling" in got[("c0", "c1")].explanation
    assert got[("c2", "c3")].kind == "corroborates"
    assert got[("c0", "c4")].kind == "repeats"
    assert got[("c0", "c5")].kind == "tension"
    assert all(0.0 <= r.score <= 1.0 for r in got.values())


def test_claims_that_state_nothing_are_not_judged() -> None:
    claims = [
        _claim(0, "Putin is not ready to negotiate a ceasefire"),
        _claim(1, "a ceasefire without Ukraine", predicate=False),  # a topic, no predicate
        _claim(2, "a truce"),  # too short to assert anything
        _claim(3, "Putin is ready to negotiate a ceasefire"),
    ]
    assert [c.states_something for c in claims] == [True, False, False, True]
    pairs = [(0, 1, 0.8), (0, 2, 0.7), (0, 3, 0.9)]
    relations, judged = relate_pairs(claims, pairs, get_judge("rules"), lambda i: [])
    assert len(judged) == 1
    assert {(r.claim_a, r.claim_b, r.kind) for r in relations} == {("c0", "c3", "contradicts")}
    # A claim that lost its predicate in a later extraction is redone, not kept.
    assert claims[1].content_hash != replace(claims[1], predicate=True).content_hash


def _frames(*actors: str | None, days: tuple[int, ...] = ()) -> list[Frame]:
    start = date(2024, 1, 1)
    whens = [start + timedelta(days=d) for d in days] or [None] * len(actors)
    return [Frame(a, a, w, "positive") for a, w in zip(actors, whens, strict=True)]


class _Fixed:
    """A judge that gives each pair with a listed claim (either side) a set
    P(contradiction), the same both ways."""

    name = "fixed"

    def __init__(self, p_clash: dict[str, float]) -> None:
        self.p_clash = p_clash

    def judge_many(self, pairs: Sequence[tuple[str, str]]) -> list[NliVerdict]:
        out = []
        for premise, hypothesis in pairs:
            c = self.p_clash.get(premise) or self.p_clash.get(hypothesis) or 0.1
            out.append(NliVerdict({"entailment": 0.0, "neutral": 1 - c, "contradiction": c}))
        return out


class _Hashed:
    """A judge whose scores for a pair come from a hash of it, one direction at a
    time (so a -> b and b -> a differ), spread over all three labels; it counts the
    pairs it reads."""

    name = "hashed"

    def __init__(self) -> None:
        self.read = 0

    def judge_many(self, pairs: Sequence[tuple[str, str]]) -> list[NliVerdict]:
        self.read += len(pairs)
        out = []
        for premise, hypothesis in pairs:
            digest = hashlib.sha256(f"{premise}|{hypothesis}".encode()).digest()
            logits = np.array([digest[0], digest[1], digest[2]], dtype=float) / 40
            p = np.exp(logits) / np.exp(logits).sum()
            out.append(NliVerdict({k: float(v) for k, v in zip(LABELS, p, strict=True)}))
        return out


def test_the_reverse_direction_is_read_only_where_it_can_change_the_relation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    claims = [_claim(n, f"claim number {n} about the front") for n in range(40)]
    pairs = [(i, j, 0.8) for i in range(40) for j in range(i + 1, 40) if (i * j) % 3 == 0]
    stance = {i: [("the front holds", "support" if i % 2 else "oppose", 0.9)] for i in range(40)}
    policy = Policy(0.6, 60, tension_min=0.5)
    lazy = _Hashed()
    found, judged = relate_pairs(claims, pairs, lazy, stance.__getitem__, policy=policy)
    monkeypatch.setattr(relations, "needs_reverse", lambda ab, threshold: True)
    both = _Hashed()
    everything, judged_both = relate_pairs(claims, pairs, both, stance.__getitem__, policy=policy)
    assert found == everything and judged == judged_both
    # Every kind the judge can make is there, so the skipped runs had a chance to matter.
    assert {r.kind for r in found} == {"contradicts", "corroborates", "tension"}
    assert both.read == 2 * len(pairs) and len(pairs) < lazy.read < both.read


@pytest.mark.parametrize(
    ("scores", "threshold", "needed"),
    [
        ((0.1, 0.2, 0.7), 0.85, True),  # 0.7 + 1.0 could reach a mean of 0.85
        ((0.1, 0.21, 0.69), 0.85, False),  # at most (0.69 + 1) / 2 < 0.85
        ((0.5, 0.3, 0.2), 0.85, True),  # entailment: b -> a may make it a corroboration
        ((0.0, 0.9, 0.1), 0.5, True),  # at 0.5 any a -> b could be a clash
        ((0.3, 0.4, 0.3), 0.9, False),
    ],
)
def test_needs_reverse_at_its_bounds(
    scores: tuple[float, float, float], threshold: float, needed: bool
) -> None:
    verdict = NliVerdict(dict(zip(LABELS, scores, strict=True)))
    assert needs_reverse(verdict, threshold) is needed


def test_claims_about_two_actors_are_not_judged() -> None:
    claims = [
        _claim(0, "Russia is ready for a truce now"),
        _claim(1, "Ukraine is not ready for a truce now"),
    ]
    pairs = [(0, 1, 0.9)]
    judge = _Fixed({"Russia is ready for a truce now": 0.99})
    found, judged = relate_pairs(
        claims, pairs, judge, lambda i: [], frames=_frames("RUSSIA", "UKRAINE")
    )
    assert (found, judged) == ([], [])
    found, judged = relate_pairs(claims, pairs, judge, lambda i: [], frames=_frames("RUSSIA", None))
    assert [r.kind for r in found] == ["contradicts"] and len(judged) == 1


@pytest.mark.parametrize(
    ("p_clash", "days", "kind"),
    [
        (0.95, (0, 10), "contradicts"),
        (0.95, (0, 61), "shift"),  # beyond the 60-day window: the position moved
        (0.95, (200, 0), "shift"),  # the older claim comes first whatever the order
        (0.60, (0, 10), None),  # under the threshold: no contradiction
    ],
)
def test_the_model_decides_at_a_threshold_and_time_makes_a_shift(
    p_clash: float, days: tuple[int, int], kind: str | None
) -> None:
    frames = _frames("RUSSIA", "RUSSIA", days=days)
    claims = [
        _claim(0, "Moscow will never give up the four regions", published=frames[0].when),
        _claim(1, "Moscow could hand back part of the south", published=frames[1].when),
    ]
    judge = _Fixed({claims[0].content: p_clash})
    found, _ = relate_pairs(
        claims, [(0, 1, 0.8)], judge, lambda i: [], frames=frames, policy=Policy(0.8, 60)
    )
    assert [r.kind for r in found] == ([kind] if kind else [])
    if kind == "shift":
        older = claims[0] if days[0] < days[1] else claims[1]
        assert found[0].claim_a == older.claim_id and "days apart" in found[0].explanation


def test_the_rules_veto_a_restatement_and_never_make_a_contradiction() -> None:
    claims = [
        _claim(0, "Russia has never refused to negotiate"),
        _claim(1, "Russia has always been ready to negotiate"),
        _claim(2, "Putin is ready to negotiate a ceasefire"),
        _claim(3, "Putin is unwilling to negotiate a ceasefire"),
    ]
    pairs = [(0, 1, 0.9), (2, 3, 0.9)]
    rules = get_judge("rules")
    # The model sees a clash in both; the rules read the first as a restatement.
    judge = _Fixed({claims[0].content: 0.9, claims[2].content: 0.9})
    found, _ = relate_pairs(claims, pairs, judge, lambda i: [], policy=Policy(0.8, 60, rules))
    assert {(r.claim_a, r.kind) for r in found} == {("c2", "contradicts")}
    assert found[0].score == pytest.approx(0.9)
    assert "ready vs unwilling" in found[0].explanation
    # The model sees no clash: the rules' "ready vs unwilling" alone makes none.
    found, _ = relate_pairs(claims, pairs, _Fixed({}), lambda i: [], policy=Policy(0.8, 60, rules))
    assert found == []


def test_two_negative_claims_about_one_actor_do_not_contradict() -> None:
    claims = [
        _claim(0, "there will be no relief on oil sanctions this year"),
        _claim(1, "Washington decided against easing oil sanctions"),
    ]
    frames = [Frame("US", "US", None, "negative"), Frame("US", "Washington", None, "negative")]
    judge = _Fixed({claims[0].content: 0.95})
    found, judged = relate_pairs(
        claims, [(0, 1, 0.8)], judge, lambda i: [], frames=frames, policy=Policy(0.8, 60)
    )
    assert found == [] and len(judged) == 1
    frames[1] = Frame("US", "Washington", None, "positive")
    found, _ = relate_pairs(
        claims, [(0, 1, 0.8)], judge, lambda i: [], frames=frames, policy=Policy(0.8, 60)
    )
    assert [r.kind for r in found] == ["contradicts"]


def test_the_judged_pairs_are_each_claims_most_similar_few() -> None:
    # Claim 0 is near everyone (a hub); the others are near 0 and one neighbour each.
    rng = np.random.default_rng(3)
    pairs = [(0, j, 0.9 - j / 100) for j in range(1, 12)]
    pairs += [(j, j + 1, float(rng.uniform(0.4, 0.8))) for j in range(1, 11)]
    kept = within_budget(pairs, 2)
    charged: dict[int, int] = {}
    for i, j, s in kept:
        # each kept pair is among the two most similar of one of its claims
        for row in (i, j):
            mine = sorted((-t, b if a == row else a) for a, b, t in pairs if row in (a, b))
            if (-s, j if row == i else i) in mine[:2]:
                charged[row] = charged.get(row, 0) + 1
                break
        else:
            pytest.fail(f"{(i, j)} is among neither claim's two most similar")
    assert max(charged.values()) <= 2
    assert len(kept) <= 2 * 12
    assert len(kept) < len(pairs)  # some pair was nobody's best two
    # the same pairs whatever their order, and all of them with no budget
    assert sorted(within_budget(pairs[::-1], 2)) == sorted(kept)
    assert within_budget(pairs, 0) == pairs

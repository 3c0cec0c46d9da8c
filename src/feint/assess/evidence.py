"""Evidence rows for ACH, built from what the store holds about a question.

One row per kind of finding, each naming the ids it rests on:

- claims toward the question, per channel and stance ("7 claims from unnamed
  sources support ..."); credibility from the claims' Admiralty grades, relevance
  from how many there are;
- readiness confirmed (credibility 1-2) or refuted (4-5) by independent sources;
- conflicts: ``contradicts`` and ``tension`` relations between claims that take
  opposite stances toward the question, split by who disagrees: the actor's unnamed
  sources against each other, its private claims against its officials' public
  words, its officials against each other, and disagreement across sides (which
  says nothing about the actor's own intent or unity);
- say-do gaps, per direction;
- the timing test (surges of supporting claims before decisions), all channels.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Final

from feint.assess.ach import Evidence
from feint.assess.saydo import Actor, Gap
from feint.assess.timing import NOT_SWAYED, TimingResult
from feint.store import Store

_CHANNEL_WORDS: Final = {
    "private_anonymous": "from unnamed sources",
    "public_official": "by officials on the record",
    "media": "by news media",
    "analyst": "by analysts",
}


def _relevance(n: int) -> str:
    return "high" if n >= 5 else "medium" if n >= 2 else "low"


def _credibility(grades: Sequence[int]) -> str:
    """From the claims' credibility grades: the share at least possibly true (1-3)."""
    judged = [g for g in grades if g != 6]
    if not judged:
        return "medium"  # nothing to go on either way
    share = sum(g <= 3 for g in judged) / len(judged)
    return "high" if share >= 0.5 else "medium" if share >= 0.2 else "low"


# Conflict rows by who disagrees: (kind, id suffix, what the row says).
_CONFLICTS: Final = {
    "insiders": (
        "conflicts:insiders",
        "the actor's unnamed sources contradict each other",
    ),
    "private_public": (
        "conflicts:private_public",
        "the actor's unnamed sources contradict its officials' public words",
    ),
    "officials": (
        "conflicts:officials",
        "the actor's officials contradict each other on the record",
    ),
    "across": (
        "conflicts:across",
        "claims from different sides contradict each other (not evidence about the "
        "actor's own unity)",
    ),
}


def _conflict_kind(a: tuple[str, bool], b: tuple[str, bool]) -> str:
    """Who disagrees in a pair of (channel, is the actor's own source) claims."""
    if not (a[1] and b[1]):
        return "across"
    channels = {a[0], b[0]}
    if channels == {"private_anonymous"}:
        return "insiders"
    if channels == {"private_anonymous", "public_official"}:
        return "private_public"
    return "officials" if channels == {"public_official"} else "across"


def build_evidence(
    store: Store,
    question: str,
    qid: str,
    gaps: Sequence[Gap],
    timing: Sequence[TimingResult],
    actor: Actor | None = None,
) -> list[Evidence]:
    """The evidence rows for ``question`` (ids prefixed with ``qid``).

    ``actor`` (default: the one the question names) decides whose sources are the
    actor's own when conflicts are split by who disagrees; a source is the actor's
    when its affiliation or its name names the actor.
    """
    actor = actor if actor is not None else Actor.of(question)
    rows = store.query(
        """
        SELECT s.claim_id, c.channel, s.stance, coalesce(g.credibility, 6)
        FROM stances s JOIN claims c USING (claim_id)
        LEFT JOIN grades g USING (claim_id)
        WHERE s.question = ? AND s.stance IN ('support', 'oppose')
        ORDER BY s.claim_id
        """,
        [question],
    ).rows
    by_group: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    stance = {}
    for claim_id, channel, st, cred in rows:
        by_group[(channel, st)].append((claim_id, int(cred)))
        stance[claim_id] = st
    out: list[Evidence] = []
    for (channel, st), members in sorted(by_group.items()):
        ids = tuple(c for c, _ in members)
        verb = "support" if st == "support" else "oppose"
        out.append(
            Evidence(
                f"{qid}:E-claims-{channel}-{st}",
                f"{len(ids)} claim(s) {_CHANNEL_WORDS.get(channel, channel)} {verb}: {question}",
                f"claims:{channel}:{st}",
                _credibility([g for _, g in members]),
                _relevance(len(ids)),
                ids,
            )
        )
    support = [(c, g) for (_, st), m in by_group.items() if st == "support" for c, g in m]
    confirmed = tuple(sorted(c for c, g in support if g <= 2))
    refuted = tuple(sorted(c for c, g in support if g in (4, 5)))
    if confirmed:
        out.append(
            Evidence(
                f"{qid}:E-corroborated",
                f"{len(confirmed)} claim(s) of readiness "
                "are corroborated by independent sources (credibility 1-2)",
                "corroborated:support",
                "high",
                _relevance(len(confirmed)),
                confirmed,
            )
        )
    if refuted:
        out.append(
            Evidence(
                f"{qid}:E-discredited",
                f"{len(refuted)} claim(s) of readiness are "
                "contradicted by independent sources or by deeds (credibility 4-5)",
                "discredited:support",
                "medium",
                _relevance(len(refuted)),
                refuted,
            )
        )
    conflicts = sorted(
        (a, b)
        for a, b in store.query(
            "SELECT claim_a, claim_b FROM relations WHERE kind IN ('contradicts', 'tension')"
        ).rows
        if {stance.get(a), stance.get(b)} == {"support", "oppose"}
    )
    side = {
        claim_id: (channel or "", actor.matches(affiliation) or actor.matches(name))
        for claim_id, channel, affiliation, name in store.query(
            "SELECT c.claim_id, c.channel, s.affiliation, s.name FROM stances st "
            "JOIN claims c USING (claim_id) LEFT JOIN sources s USING (source_id) "
            "WHERE st.question = ? AND st.stance IN ('support', 'oppose')",
            [question],
        ).rows
    }
    by_kind: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for a, b in conflicts:
        by_kind[_conflict_kind(side.get(a, ("", False)), side.get(b, ("", False)))].append((a, b))
    for key, (kind, what) in _CONFLICTS.items():
        pairs = by_kind.get(key)
        if not pairs:
            continue
        out.append(
            Evidence(
                f"{qid}:E-conflicts-{key}",
                f"{len(pairs)} pair(s) of claims conflict over '{question}': {what}",
                kind,
                "medium",
                _relevance(len(pairs)),
                tuple(sorted({x for pair in pairs for x in pair})),
            )
        )
    by_direction: dict[str, list[Gap]] = defaultdict(list)
    for g in gaps:
        by_direction[g.direction].append(g)
    for direction, group in sorted(by_direction.items()):
        claims = sorted({c for g in group for c in g.claim_ids})
        events = sorted({e for g in group for e in g.event_ids})
        what = (
            "readiness for talks was reported while the actor escalated"
            if direction == "talks_while_escalating"
            else "refusal was reported while the actor stepped back"
        )
        out.append(
            Evidence(
                f"{qid}:E-saydo-{direction}",
                f"In {len(group)} month(s) and channel(s), {what} "
                f"({len(claims)} claim(s), {len(events)} event(s))",
                f"saydo:{direction}",
                "high",
                _relevance(len(claims)),
                tuple(claims + events),
            )
        )
    for t in timing:
        if t.channel != "all":
            continue
        if t.p_value is None:
            kind, text = "timing:too_few", f"Timing of supporting claims: {t.note}"
        else:
            kind = "timing:significant" if t.p_value < 0.05 else "timing:not_significant"
            text = (
                f"Surges of supporting claims before decisions: {t.note}; "
                f"{'more' if t.p_value < 0.05 else 'no more'} than chance would give"
            )
        # Only the decisions the test counted: those a surge could have preceded.
        decisions = tuple(
            r[0]
            for r in store.query(
                "SELECT decision_id FROM decisions WHERE list_contains(?, date) "
                "AND coalesce(kind, '') NOT IN (SELECT unnest(?)) ORDER BY date",
                [list(t.decision_days), sorted(NOT_SWAYED)],
            ).rows
        )
        out.append(
            Evidence(
                f"{qid}:E-timing",
                text,
                kind,
                "medium",
                "high" if t.p_value is not None else "low",
                tuple(str(d) for d in t.surge_days) + decisions,
            )
        )
    return out

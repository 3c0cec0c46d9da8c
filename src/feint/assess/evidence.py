"""Evidence rows for ACH, built from what the store holds about a question.

One row per kind of finding, each naming the ids it rests on:

- claims toward the question, per channel and stance ("7 claims from unnamed
  sources support ..."); unnamed sources and officials of other sides than the
  actor's have rows of their own (``others``); a relay ("Reuters reported that
  sources said P") counts once, as the report it carries; credibility from the
  claims' Admiralty grades, relevance from how many there are;
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
from dataclasses import dataclass
from datetime import date
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
    "others": "from other sides' sources and officials",
}
WITHIN_DAYS: Final = 60
"""Most days between two of the actor's own claims that count as disagreeing with
each other rather than as a change of line; relate's default window for
contradictions is the same."""
# Channels where a source speaks for a side: the actor's own, or another's.
_SIDED: Final = frozenset({"private_anonymous", "public_official"})


def _group(channel: str | None, own: bool, actor_known: bool) -> str:
    """Which claims row a claim joins: its channel, or ``others`` when it comes from
    another side's unnamed sources or officials ("US sources denied ...", "Kyiv
    said ..."). What other sides say of the actor's intent is not the actor's words,
    private or public. With no actor known every claim keeps its channel."""
    channel = channel or "unresolved"
    return "others" if actor_known and channel in _SIDED and not own else channel


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


@dataclass(frozen=True, slots=True)
class _Facts:
    """What the evidence rows read of one claim with a stance toward the question."""

    channel: str
    own: bool  # the actor's own source
    stance: str
    credibility: int  # 6 when not graded
    relay: bool  # it carries another report ("Reuters reported that sources said P")
    carried: str | None  # the claim it carries, if a relay
    when: date | None  # the date its text refers to, else its document's


def _claim_facts(store: Store, question: str, actor: Actor) -> dict[str, _Facts]:
    rows = store.query(
        """
        SELECT st.claim_id, c.channel, st.stance, coalesce(g.credibility, 6),
               s.affiliation, s.name,
               (SELECT min(k.claim_id) FROM attributions n JOIN claims k USING (attr_id)
                WHERE n.parent_id = c.attr_id) AS carried,
               EXISTS (SELECT 1 FROM attributions n WHERE n.parent_id = c.attr_id) AS relay,
               coalesce(a.time_resolved, d.published)
        FROM stances st JOIN claims c USING (claim_id)
        JOIN attributions a USING (attr_id) JOIN documents d USING (doc_id)
        LEFT JOIN sources s ON s.source_id = c.source_id
        LEFT JOIN grades g USING (claim_id)
        WHERE st.question = ?
        """,
        [question],
    ).rows
    return {
        claim_id: _Facts(
            channel or "",
            actor.matches(affiliation) or actor.matches(name),
            st,
            int(cred),
            bool(relay),
            carried,
            when if isinstance(when, date) else None,
        )
        for claim_id, channel, st, cred, affiliation, name, carried, relay, when in rows
    }


def _conflicts(store: Store, facts: dict[str, _Facts]) -> dict[str, list[tuple[str, str]]]:
    """Pairs of claims in conflict over the question, by who disagrees.

    A pair counts when a ``contradicts`` or ``tension`` relation joins two claims of
    opposite stance toward the question. A relay stands for the report it carries
    ("Reuters reported that four sources said P" is the four sources' P). Within
    the actor's side a judged contradiction counts too when one claim supports the
    question and the other does not: two of its own insiders contradicting each
    other, one of them on the question, is the disagreement the question turns on
    even where the judge read no stance in the other claim's words.

    Within the actor's side the two claims must also be dated and at most
    ``WITHIN_DAYS`` apart: officials who said one thing in 2022 and another in 2024
    changed their line (relate's ``shift``); they are not a leadership at odds, and
    private readiness set against public rhetoric is the reference assessment's
    point only when both are heard at once.
    """
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    seen = set()
    for a, b, relation in store.query(
        "SELECT claim_a, claim_b, kind FROM relations WHERE kind IN ('contradicts', 'tension') "
        "ORDER BY claim_a, claim_b"
    ).rows:
        a, b = _carried(facts, a), _carried(facts, b)
        fa, fb = facts.get(a), facts.get(b)
        if fa is None or fb is None or a == b or (min(a, b), max(a, b)) in seen:
            continue
        kind = _conflict_kind((fa.channel, fa.own), (fb.channel, fb.own))
        stances = {fa.stance, fb.stance}
        if kind != "across" and not _at_once(fa.when, fb.when):
            continue
        within = kind != "across" and relation == "contradicts"
        if stances == {"support", "oppose"} or (within and stances == {"support", "neutral"}):
            seen.add((min(a, b), max(a, b)))
            out[kind].append((min(a, b), max(a, b)))
    return out


def _at_once(a: date | None, b: date | None) -> bool:
    return a is not None and b is not None and abs((a - b).days) <= WITHIN_DAYS


def _carried(facts: dict[str, _Facts], claim_id: str) -> str:
    """The claim a relay carries, down to the innermost report (three levels at most)."""
    for _ in range(3):
        f = facts.get(claim_id)
        if f is None or f.carried is None:
            break
        claim_id = f.carried
    return claim_id


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
    facts = _claim_facts(store, question, actor)
    by_group: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for claim_id, f in sorted(facts.items()):
        if f.stance in ("support", "oppose") and not f.relay:
            by_group[(_group(f.channel, f.own, bool(actor)), f.stance)].append(
                (claim_id, f.credibility)
            )
    return [
        *_claim_rows(question, qid, by_group),
        *_readiness_rows(qid, by_group),
        *_conflict_rows(question, qid, _conflicts(store, facts)),
        *_saydo_rows(qid, gaps),
        *_timing_rows(store, qid, timing),
    ]


def _claim_rows(
    question: str, qid: str, by_group: dict[tuple[str, str], list[tuple[str, int]]]
) -> list[Evidence]:
    """One row per (channel or ``others``, stance): the claims that take it."""
    out: list[Evidence] = []
    for (who, st), members in sorted(by_group.items()):
        ids = tuple(c for c, _ in members)
        verb = "support" if st == "support" else "oppose"
        out.append(
            Evidence(
                f"{qid}:E-claims-{who}-{st}",
                f"{len(ids)} claim(s) {_CHANNEL_WORDS.get(who, who)} {verb}: {question}",
                f"claims:{who}:{st}",
                _credibility([g for _, g in members]),
                _relevance(len(ids)),
                ids,
            )
        )
    return out


def _readiness_rows(
    qid: str, by_group: dict[tuple[str, str], list[tuple[str, int]]]
) -> list[Evidence]:
    """Supporting claims that independent sources confirm (credibility 1-2), and
    those they or deeds refute (4-5): a row for each, when there are any."""
    support = [(c, g) for (_, st), m in by_group.items() if st == "support" for c, g in m]
    confirmed = tuple(sorted(c for c, g in support if g <= 2))
    refuted = tuple(sorted(c for c, g in support if g in (4, 5)))
    out: list[Evidence] = []
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
    return out


def _conflict_rows(
    question: str, qid: str, by_kind: dict[str, list[tuple[str, str]]]
) -> list[Evidence]:
    """One row per kind of conflict (``_CONFLICTS``'s order) that has pairs."""
    out: list[Evidence] = []
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
    return out


def _saydo_rows(qid: str, gaps: Sequence[Gap]) -> list[Evidence]:
    """One row per direction of say-do gap, resting on its claims and events."""
    by_direction: dict[str, list[Gap]] = defaultdict(list)
    for gap in gaps:
        by_direction[gap.direction].append(gap)
    out: list[Evidence] = []
    for direction, group in sorted(by_direction.items()):
        claims = sorted({c for gap in group for c in gap.claim_ids})
        events = sorted({e for gap in group for e in gap.event_ids})
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
    return out


def _timing_rows(store: Store, qid: str, timing: Sequence[TimingResult]) -> list[Evidence]:
    """The timing test over all channels as a row, resting on its surge days and the
    decisions it counted."""
    out: list[Evidence] = []
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
                "AND coalesce(kind, '') NOT IN (SELECT unnest(?)) ORDER BY date, decision_id",
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

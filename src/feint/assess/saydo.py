"""Say-do gaps: what is said about an actor's intent against what the actor does.

For a question about stated intent ("Russia is willing to negotiate a ceasefire"),
claims that support it are words of peace and claims that oppose it words of war.
Events are deeds: escalation (battles, strikes, attacks on civilians, mobilisation,
annexation; GDELT root 19) or de-escalation (withdrawal, agreement, ceasefire, a
peaceful handover of territory). A gap is words and deeds pulling apart within a
window of days:

- ``talks_while_escalating``: readiness for talks reported while the actor
  escalates, as in "ready for a ceasefire" as a new offensive begins;
- ``refusal_while_deescalating``: refusal reported while the actor steps back.

Rows are grouped per actor, channel, direction and calendar month of the claims,
and name the claim ids, the event ids and the lag in days from the claims to the
nearest deed (negative: the deed came first).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from feint.store import Store

_ESCALATION_TYPES: Final = frozenset(
    {"battles", "explosions/remote violence", "violence against civilians"}
)
_ESCALATION_SUBTYPES: Final = frozenset({"mobilization", "mobilisation", "annexation"})
_DEESCALATION_SUBTYPES: Final = frozenset(
    {"withdrawal", "agreement", "ceasefire", "non-violent transfer of territory"}
)


@dataclass(frozen=True, slots=True)
class Deed:
    """An event as a deed: escalation (+1) or de-escalation (-1)."""

    event_id: str
    date: date
    actor: str
    sign: int


@dataclass(frozen=True, slots=True)
class Word:
    """A dated claim's stance toward the question, with its channel."""

    claim_id: str
    date: date
    channel: str
    stance: str


@dataclass(frozen=True, slots=True)
class Gap:
    """One row of ``saydo``."""

    actor: str
    channel: str
    period: str
    direction: str
    claim_ids: tuple[str, ...]
    event_ids: tuple[str, ...]
    lag_days: int


def deed_sign(kind: str | None, type_: str | None, sub_type: str | None) -> int:
    """+1 escalation, -1 de-escalation, 0 neither (statements, other events)."""
    if kind == "statement":
        return 0
    t, s = (type_ or "").lower(), (sub_type or "").lower()
    if s in _DEESCALATION_SUBTYPES:
        return -1
    if t in _ESCALATION_TYPES or s in _ESCALATION_SUBTYPES or t.startswith("cameo 19"):
        return 1
    return 0


def find_gaps(words: Sequence[Word], deeds: Sequence[Deed], window_days: int) -> list[Gap]:
    """Gaps between words and deeds within ``window_days`` of each other."""
    groups: dict[tuple[str, str, str, str], tuple[set[str], set[str], list[int]]] = defaultdict(
        lambda: (set(), set(), [])
    )
    for w in words:
        if w.stance == "support":
            sign, direction = 1, "talks_while_escalating"
        elif w.stance == "oppose":
            sign, direction = -1, "refusal_while_deescalating"
        else:
            continue
        for d in deeds:
            lag = (d.date - w.date).days
            if d.sign == sign and abs(lag) <= window_days:
                claims, events, lags = groups[
                    (d.actor, w.channel, w.date.strftime("%Y-%m"), direction)
                ]
                claims.add(w.claim_id)
                events.add(d.event_id)
                lags.append(lag)
    return [
        Gap(
            actor,
            channel,
            period,
            direction,
            tuple(sorted(claims)),
            tuple(sorted(events)),
            min(lags, key=lambda x: (abs(x), x)),
        )
        for (actor, channel, period, direction), (claims, events, lags) in sorted(groups.items())
    ]


def load_words(store: Store, question: str) -> list[Word]:
    """Dated claims with a stance toward ``question`` (claim date: its own time
    expression if resolved, else the document's publication date)."""
    rows = store.query(
        """
        SELECT c.claim_id, coalesce(a.time_resolved, d.published), c.channel, s.stance
        FROM stances s JOIN claims c USING (claim_id) JOIN attributions a USING (attr_id)
        JOIN documents d USING (doc_id)
        WHERE s.question = ? AND coalesce(a.time_resolved, d.published) IS NOT NULL
        """,
        [question],
    ).rows
    words = [Word(cid, when, channel, stance) for cid, when, channel, stance in rows]
    # Coded statements of intent (GDELT 036/046) are words of readiness on the record.
    coded = store.query(
        "SELECT 'c-' || event_id, date FROM events WHERE kind = 'statement' AND date IS NOT NULL"
    ).rows
    return words + [Word(cid, when, "public_official", "support") for cid, when in coded]


def load_deeds(store: Store) -> list[Deed]:
    """Events that are deeds, with their sign."""
    rows = store.query(
        "SELECT event_id, date, actor, kind, type, sub_type FROM events WHERE date IS NOT NULL"
    ).rows
    deeds = [Deed(eid, when, actor, deed_sign(kind, t, s)) for eid, when, actor, kind, t, s in rows]
    return [d for d in deeds if d.sign != 0]


def saydo_store(store: Store, question: str, window_days: int) -> list[Gap]:
    """Find the gaps for ``question`` and replace the ``saydo`` table with them."""
    gaps = find_gaps(load_words(store, question), load_deeds(store), window_days)
    with store.transaction() as conn:
        conn.execute("DELETE FROM saydo WHERE question = ?", [question])
        store.insert_rows(
            "saydo",
            (
                "actor",
                "channel",
                "period",
                "direction",
                "claim_ids",
                "event_ids",
                "lag_days",
                "window_days",
                "question",
            ),
            [
                (
                    g.actor,
                    g.channel,
                    g.period,
                    g.direction,
                    list(g.claim_ids),
                    list(g.event_ids),
                    g.lag_days,
                    window_days,
                    question,
                )
                for g in gaps
            ],
        )
    return gaps


def inconsistent_claims(gaps: Sequence[Gap]) -> dict[str, list[str]]:
    """claim id -> the deeds it is at odds with, for the credibility grade."""
    out: dict[str, set[str]] = defaultdict(set)
    for g in gaps:
        for cid in g.claim_ids:
            out[cid].update(g.event_ids)
    return {cid: sorted(events) for cid, events in out.items()}

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

Words and deeds are the question's actor's only: events by other actors (Ukraine's
forces, in a question about Russia) and coded statements by them are left out. The
actor comes from the question through the actor groups of the rules judge (Putin,
the Kremlin, Moscow and Russia are one actor), the first one the question names;
``[assess] actor`` names it instead (several, comma-separated; a name outside the
groups matches the event actors that contain it as words, e.g. "Wagner Group").

Rows are grouped per actor, channel, direction and calendar month of the claims,
and name the claim ids, the event ids and the lag in days from the claims to the
nearest deed (negative: the deed came first).
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

# The say-do test groups actors as the rules judge does: both read relate/actors.py.
from feint.relate.actors import ACTOR_WORDS
from feint.store import Store
from feint.store.records import SayDoRow

log = logging.getLogger(__name__)

_ESCALATION_TYPES: Final = frozenset(
    {"battles", "explosions/remote violence", "violence against civilians"}
)
_ESCALATION_SUBTYPES: Final = frozenset({"mobilization", "mobilisation", "annexation"})
_DEESCALATION_SUBTYPES: Final = frozenset(
    {"withdrawal", "agreement", "ceasefire", "non-violent transfer of territory"}
)


_ACTOR_GROUPS: Final = tuple(ACTOR_WORDS)
_GROUP_OF: Final = {w: g for g, words in ACTOR_WORDS.items() for w in words}
_NAME_WORD: Final = re.compile(r"[A-Za-z]+")
_UNITED_STATES: Final = re.compile(r"\bunited\s+states\b", re.IGNORECASE)


def actor_groups(text: str) -> list[str]:
    """The actor groups ``text`` names, in order of first mention ("Putin" -> RUSSIA).

    "us" names the United States only when written "US": in a question it is more
    often the pronoun."""
    out: list[str] = []
    # Two-word names GDELT and ACLED write out ("UNITED STATES") become the group's word.
    text = _UNITED_STATES.sub("US", text)
    for word in _NAME_WORD.findall(text):
        group = _GROUP_OF.get(word.lower())
        if group and group not in out and (word.lower() != "us" or word == "US"):
            out.append(group)
    return out


def _words_of(name: str) -> str:
    return " ".join(w.lower() for w in _NAME_WORD.findall(name))


@dataclass(frozen=True, slots=True)
class Actor:
    """Whose words and deeds count: actor groups and names matched as written."""

    groups: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()

    @classmethod
    def of(cls, question: str, override: str = "") -> Actor:
        """The actor of ``question`` (the first group it names), or of ``override``:
        comma-separated actors, each a group's word or a name matched as written."""
        if not override.strip():
            return cls(frozenset(actor_groups(question)[:1]))
        groups: set[str] = set()
        names: set[str] = set()
        for part in override.split(","):
            found = actor_groups(part)
            if found:
                groups.update(found)
            elif _words_of(part):
                names.add(_words_of(part))
        return cls(frozenset(groups), frozenset(names))

    def __bool__(self) -> bool:
        return bool(self.groups or self.names)

    def matches(self, actor: str | None) -> bool:
        """Is an event's or a statement's actor (free text, any case) this actor?"""
        if not actor:
            return False
        if self.groups & set(actor_groups(actor)):
            return True
        padded = f" {_words_of(actor)} "
        return any(f" {name} " in padded for name in self.names)

    def __str__(self) -> str:
        return ", ".join(sorted(self.groups) + sorted(self.names)) or "no actor"


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


def load_words(store: Store, question: str, actor: Actor) -> list[Word]:
    """Dated claims with a stance toward ``question`` (claim date: its own time
    expression if resolved, else the document's publication date), and the coded
    statements of intent by ``actor``."""
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
    # Only the actor's own: another party's intent to talk says nothing of this one's.
    coded = store.query(
        "SELECT 'c-' || event_id, date, actor FROM events "
        "WHERE kind = 'statement' AND date IS NOT NULL"
    ).rows
    return words + [
        Word(cid, when, "public_official", "support")
        for cid, when, who in coded
        if actor.matches(who)
    ]


def load_deeds(store: Store, actor: Actor) -> list[Deed]:
    """Events by ``actor`` that are deeds, with their sign."""
    rows = store.query(
        "SELECT event_id, date, actor, kind, type, sub_type FROM events WHERE date IS NOT NULL"
    ).rows
    deeds = [
        Deed(eid, when, who, deed_sign(kind, t, s))
        for eid, when, who, kind, t, s in rows
        if actor.matches(who)
    ]
    return [d for d in deeds if d.sign != 0]


def saydo_store(store: Store, question: str, window_days: int, actor: str = "") -> list[Gap]:
    """Find the gaps for ``question`` and replace its rows of the ``saydo`` table.

    Args:
        actor: whose words and deeds count ("Russia", "Russia, Wagner Group"); empty:
            the actor the question names (see ``Actor.of``).
    """
    who = Actor.of(question, actor)
    if not who:
        log.warning(
            "Say-do: the question %r names no actor feint knows (%s), so no deed is "
            "set against its words; name one with [assess] actor in the config.",
            question,
            ", ".join(g.title() for g in _ACTOR_GROUPS),
        )
    gaps = find_gaps(load_words(store, question, who), load_deeds(store, who), window_days)
    with store.transaction():
        store.delete(SayDoRow, question=question)
        store.insert(
            [
                SayDoRow(
                    g.actor,
                    list(g.claim_ids),
                    list(g.event_ids),
                    g.lag_days,
                    g.direction,
                    g.channel,
                    g.period,
                    window_days,
                    question,
                )
                for g in gaps
            ]
        )
    return gaps


def inconsistent_claims(gaps: Sequence[Gap]) -> dict[str, list[str]]:
    """claim id -> the deeds it is at odds with, for the credibility grade."""
    out: dict[str, set[str]] = defaultdict(set)
    for g in gaps:
        for cid in g.claim_ids:
            out[cid].update(g.event_ids)
    return {cid: sorted(events) for cid, events in out.items()}

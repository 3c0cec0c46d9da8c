"""Source grades on the NATO Admiralty code: reliability and credibility apart.

The standard (STANAG 2511 / AJP-2.1) grades the source and the information
separately, and so does feint:

- **Reliability** (A-F) belongs to a source across the store: its kind gives a
  prior, and its track record, once it has one, decides. A source is tracked by
  its name and kind across documents. Unnamed sources ("four Russian sources") have
  no identity to carry a record from one story to the next, so they stay F
  ("reliability cannot be judged") however often they are quoted.
- **Credibility** (1-6) belongs to one claim: how many *independent* sources
  corroborate it, how many contradict it, and whether it agrees with what the
  actor says on the record and does (``consistency``, from the say-do analysis).
  Relations of kind ``repeats`` never count: one report relayed by five outlets is
  one source.

Every grade carries a rationale that names the claim ids it rests on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from feint.relate.relations import RelationKind
from feint.store import Store
from feint.store.records import GradeRow

RELIABILITY: Final = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
CREDIBILITY: Final = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}
# Before a source has a record: on-the-record officials and outlets are fairly
# reliable about what was said, yet parties to what they report; analysts publish
# their method; a private person or a document met once cannot be judged.
_PRIOR: Final = {
    "named_official": "C",
    "official_body": "C",
    "media": "C",
    "analyst": "B",
}
_UNNAMED: Final = frozenset({"anonymous", "anonymous_official"})
MIN_RECORD: Final = 3
"""Claims corroborated or contradicted before a track record outweighs the prior."""


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    """What grading needs to know about one claim."""

    claim_id: str
    source_id: str | None
    source_key: str  # who the source is across documents; unique per unnamed source
    kind: str | None


@dataclass(frozen=True, slots=True)
class Grade:
    """One row of ``grades``."""

    source_id: str | None
    claim_id: str
    reliability: str
    credibility: int
    rationale: str


def _ids(ids: Sequence[str], most: int = 5) -> str:
    shown = ", ".join(sorted(ids)[:most])
    return shown + (f" and {len(ids) - most} more" if len(ids) > most else "")


def reliability_of(kind: str | None, corroborated: int, contradicted: int) -> tuple[str, str]:
    """(letter, reason) from a source's kind and record."""
    if kind in _UNNAMED:
        return "F", "an unnamed source: no record can follow it from one report to the next"
    judged = corroborated + contradicted
    if judged < MIN_RECORD:
        letter = _PRIOR.get(kind or "", "F")
        return letter, (
            f"{kind or 'unknown kind'} with {judged} claim(s) checked against "
            f"independent sources, under {MIN_RECORD}: the prior for its kind"
        )
    share = corroborated / judged
    if share >= 0.9 and judged >= 10:
        letter = "A"
    elif share >= 0.75:
        letter = "B"
    elif share >= 0.5:
        letter = "C"
    elif share >= 0.25:
        letter = "D"
    else:
        letter = "E"
    return letter, f"{corroborated} of {judged} checked claims corroborated ({share:.0%})"


def credibility_of(
    corroborating: Sequence[str], contradicting: Sequence[str], inconsistent: Sequence[str]
) -> tuple[int, str]:
    """(1-6, reason) from the independent sources for and against a claim.

    Args:
        corroborating: one claim id per independent source that corroborates it.
        contradicting: one claim id per independent source that contradicts it.
        inconsistent: ids of official statements or events it does not fit (say-do).
    """
    c, d = len(corroborating), len(contradicting)
    parts = []
    if c:
        parts.append(f"corroborated by {c} independent source(s) ({_ids(corroborating)})")
    if d:
        parts.append(f"contradicted by {d} independent source(s) ({_ids(contradicting)})")
    if inconsistent:
        parts.append(f"at odds with the record ({_ids(inconsistent)})")
    if not c and not d and not inconsistent:
        return 6, "no independent source corroborates or contradicts it"
    if c >= 2 and not d and not inconsistent:
        score = 1
    elif c > d:
        score = 2
    elif c == d:
        score = 3
    elif c == 0 and d >= 2:
        score = 5
    else:
        score = 4
    if inconsistent and score < 5:
        score += 1  # words against deeds: one step less credible
    return score, "; ".join(parts)


def grade(
    claims: Sequence[ClaimFacts],
    relations: Sequence[tuple[str, str, str]],
    inconsistent: Mapping[str, Sequence[str]] | None = None,
) -> list[Grade]:
    """Grades for every claim.

    Args:
        claims: the claims with their sources.
        relations: (claim_a, claim_b, kind) rows; kinds other than corroborates and
            contradicts (repeats, tension) are not evidence of independence here.
        inconsistent: claim id -> ids of records it does not fit.
    """
    inconsistent = inconsistent or {}
    by_id = {c.claim_id: c for c in claims}
    support: dict[str, dict[str, str]] = defaultdict(dict)  # claim -> source key -> claim
    against: dict[str, dict[str, str]] = defaultdict(dict)
    for a, b, kind in relations:
        if (
            kind not in (RelationKind.CORROBORATES, RelationKind.CONTRADICTS)
            or a not in by_id
            or b not in by_id
        ):
            continue
        ca, cb = by_id[a], by_id[b]
        if ca.source_key == cb.source_key:
            continue  # a source cannot vouch for or against itself
        table = support if kind == RelationKind.CORROBORATES else against
        table[a].setdefault(cb.source_key, b)
        table[b].setdefault(ca.source_key, a)
    record: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for c in claims:
        if support[c.claim_id]:
            record[c.source_key][0] += 1
        elif against[c.claim_id]:
            record[c.source_key][1] += 1
    out = []
    for c in claims:
        letter, why_r = reliability_of(c.kind, *record[c.source_key])
        score, why_c = credibility_of(
            sorted(support[c.claim_id].values()),
            sorted(against[c.claim_id].values()),
            inconsistent.get(c.claim_id, ()),
        )
        out.append(
            Grade(
                c.source_id,
                c.claim_id,
                letter,
                score,
                f"{letter} ({RELIABILITY[letter]}): {why_r}. "
                f"{score} ({CREDIBILITY[score]}): {why_c}.",
            )
        )
    return out


def load_facts(store: Store) -> list[ClaimFacts]:
    """The claims of documents with their sources, keyed across documents by name and kind."""
    rows = store.query(
        """
        SELECT c.claim_id, c.source_id, s.kind, lower(coalesce(s.name, a.source_text, ''))
        FROM claims c JOIN attributions a USING (attr_id)
        LEFT JOIN sources s ON s.source_id = c.source_id
        ORDER BY c.claim_id
        """
    ).rows
    facts = []
    for claim_id, source_id, kind, name in rows:
        unnamed = kind in _UNNAMED or not name
        key = f"{source_id or claim_id}" if unnamed else f"{kind}:{' '.join(name.split())}"
        facts.append(ClaimFacts(claim_id, source_id, key, kind))
    return facts


def grade_store(store: Store, inconsistent: Mapping[str, Sequence[str]] | None = None) -> int:
    """Grade every claim in the store, replacing earlier grades. Returns the rows written."""
    facts = load_facts(store)
    relations = store.query("SELECT claim_a, claim_b, kind FROM relations").rows
    grades = grade(facts, [(a, b, k) for a, b, k in relations], inconsistent)
    with store.transaction():
        store.clear(GradeRow)
        store.insert(
            [
                GradeRow(g.source_id, g.claim_id, g.reliability, g.credibility, g.rationale)
                for g in grades
            ]
        )
    return len(grades)

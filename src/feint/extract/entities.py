"""One entity per real-world source across the store.

Extraction profiles each source inside its document ("Peskov" -> "Dmitry Peskov",
"the spokesman" -> the person the document named). Across documents one person
still comes under several names: "Vladimir Putin" and "Putin", "Dmitri Peskov" and
"Dmitry Peskov", "Zelensky", "Zelenskyy" and "Zelenskiy". ``rebuild`` groups the
store's sources into entities and points ``sources.entity_id`` at them:

- names are compared by a folded key: lower case, accents, determiners and the
  possessive dropped, and the usual variants of transliterating Russian and
  Ukrainian names made one (a word-final -y, -iy, -yy or -i; x and ks);
- a surname alone joins the one full name in the store that ends in it; when two
  people share the surname it stays apart rather than join the wrong one;
- known aliases ("ISW" for the Institute for the Study of War) come from
  ``extract/data/entities.json``;
- unnamed sources ("three Russian sources", "officials") and sources naming several
  people ("Trump and Putin") are never merged across documents: two reports'
  "Russian sources" need not be the same people. Each is an entity of its own
  document.

An entity's name is its most frequent full spelling, its kind and affiliation the
most frequent among its sources, and ``mentions`` the attributions that cite it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from feint.extract.profile import aliases
from feint.store import Store
from feint.store.records import EntityRow

# Kinds that name one real-world person or body, merged across documents.
NAMED_KINDS: Final = frozenset(
    {"named_person", "named_official", "official_body", "media", "analyst"}
)
_PERSON_KINDS: Final = frozenset({"named_person", "named_official"})
_DETERMINERS: Final = re.compile(r"^(?:the|a|an)\s+")
_NON_WORD: Final = re.compile(r"[^a-z0-9 ]+")
# Transliteration variants of one name: Dmitri/Dmitry, Sergei/Sergey,
# Zelensky/Zelenskyy/Zelenskiy, Yuri/Yury; Alexei/Aleksei.
_FINAL_I: Final = re.compile(r"(?:iy|yy|ij|y|i)$")
# "Trump and Putin" names two people: not one person, and not a full name that
# "Putin" alone should join.
_GROUP: Final = re.compile(r"\b(?:and|or)\b")


@dataclass(frozen=True, slots=True)
class SourceMentions:
    """What grouping reads of one ``sources`` row: a source and its mention count."""

    source_id: str
    name: str | None
    kind: str | None
    affiliation: str | None
    role: str | None
    doc_id: str | None
    mentions: int


@dataclass(frozen=True, slots=True)
class Entity:
    """One canonical person or body and the source rows that are it."""

    entity_id: str
    name: str
    kind: str
    affiliation: str | None
    role: str | None
    mentions: int
    source_ids: tuple[str, ...]


def fold(name: str) -> str:
    """The key names are compared by: "Dmitri Peskov" and "Dmitry Peskov" meet."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = text.lower().replace("'s ", " ").removesuffix("'s")
    text = _DETERMINERS.sub("", text.strip())
    words = _NON_WORD.sub(" ", text.replace("-", " ")).split()
    out = []
    for w in words:
        w = w.replace("x", "ks")
        if len(w) > 3:
            w = _FINAL_I.sub("i", w)
        out.append(w)
    return " ".join(out)


def group(rows: Sequence[SourceMentions]) -> list[Entity]:
    """Entities from source rows (see the module's docstring for the rules)."""
    alias = {fold(k): fold(v) for k, v in aliases().items()}
    keyed: dict[tuple[str, str], list[SourceMentions]] = defaultdict(list)
    for r in rows:
        if not r.name or r.kind == "unresolved":
            continue
        key = fold(r.name)
        key = alias.get(key, key)
        if not key:
            continue
        if r.kind in _PERSON_KINDS and not _GROUP.search(key):
            keyed[("person", key)].append(r)
        elif r.kind in NAMED_KINDS:
            keyed[("body", key)].append(r)
        else:  # unnamed, or several people ("Trump and Putin"): one entity per document
            keyed[(f"doc:{r.doc_id}:{r.kind}", key)].append(r)
    _join_surnames(keyed)
    out = []
    for (space, key), members in sorted(keyed.items()):
        out.append(_entity(space, key, members))
    return out


def _join_surnames(keyed: dict[tuple[str, str], list[SourceMentions]]) -> None:
    """Move each one-word person key into the one full name that ends in it."""
    full_by_last: dict[str, list[str]] = defaultdict(list)
    for space, key in keyed:
        if space == "person" and " " in key:
            full_by_last[key.rsplit(" ", 1)[1]].append(key)
    for space, key in list(keyed):
        if space != "person" or " " in key:
            continue
        owners = full_by_last.get(key, [])
        if len(owners) == 1:
            keyed[("person", owners[0])].extend(keyed.pop((space, key)))


def _entity(space: str, key: str, members: Sequence[SourceMentions]) -> Entity:
    names = Counter(r.name for r in members if r.name)
    longest = max(len(n.split()) for n in names)
    # The most frequent spelling among the fullest forms ("Vladimir Putin", not "Putin").
    name = max((n for n in names if len(n.split()) == longest), key=lambda n: (names[n], n))
    kinds = Counter(r.kind for r in members if r.kind)
    kind = kinds.most_common(1)[0][0]
    if space == "person" and "named_official" in kinds:
        kind = "named_official"  # a title anywhere makes the person an official
    return Entity(
        entity_id=_entity_id(space, key),
        name=name,
        kind=kind,
        affiliation=_most_common(r.affiliation for r in members),
        role=_most_common(r.role for r in members),
        mentions=sum(r.mentions for r in members),
        source_ids=tuple(sorted(r.source_id for r in members)),
    )


def _most_common(values: Iterable[str | None]) -> str | None:
    counts = Counter(v for v in values if v)
    return max(counts, key=lambda v: (counts[v], v)) if counts else None


def _entity_id(space: str, key: str) -> str:
    """Stable across rebuilds: the same key gives the same id."""
    return "e" + hashlib.sha256(f"{space}\0{key}".encode()).hexdigest()[:15]


def rebuild(store: Store) -> list[Entity]:
    """Regroup every source in the store into ``entities`` and set
    ``sources.entity_id``. Cheap (one pass over the sources), so it runs after each
    extraction rather than being kept up to date row by row."""
    rows = [
        SourceMentions(*r)
        for r in store.query(
            """
            SELECT s.source_id, s.name, s.kind, s.affiliation, s.role, s.doc_id,
                   count(a.attr_id) AS mentions
            FROM sources s LEFT JOIN attributions a USING (source_id)
            GROUP BY ALL
            """
        ).rows
    ]
    entities = group(rows)
    links = [(sid, e.entity_id) for e in entities for sid in e.source_ids]
    with store.transaction() as conn:
        store.clear(EntityRow)
        store.insert(
            [
                EntityRow(e.entity_id, e.name, e.kind, e.affiliation, e.role, e.mentions)
                for e in entities
            ]
        )
        conn.execute("UPDATE sources SET entity_id = NULL")
        if links:
            conn.execute(
                "UPDATE sources SET entity_id = l.eid FROM (SELECT unnest(?::VARCHAR[]) AS sid, "
                "unnest(?::VARCHAR[]) AS eid) l WHERE sources.source_id = l.sid",
                [[s for s, _ in links], [e for _, e in links]],
            )
    return entities

"""Who a source is: kind, count, affiliation, access and a canonical name.

Pure functions over the source's span in a parsed document. The kinds are those of
DESIGN.md: named_person, named_official, official_body, anonymous,
anonymous_official, media, analyst, document. Known outlets, institutions and office
holders come from ``extract/data/entities.json``; everything else from the words of
the span ("four Russian sources who work with Putin": anonymous, 4, Russian,
"who work with Putin") and, for pronouns and surnames, from earlier mentions in
the same document ("he", "Peskov" -> "Dmitry Peskov").
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Final

from spacy.tokens import Doc, Span, Token

from feint.extract import lexicon as lx
from feint.extract.records import SourceProfile

_DETERMINERS: Final = re.compile(r"^(?:the|a|an|its|their|his|her|another|other)\s+", re.I)
_RELATIVE_DEPS: Final = ("relcl", "acl")


@cache
def _entities() -> dict[str, dict[str, str | None]]:
    raw = resources.files("feint.extract").joinpath("data/entities.json").read_text("utf-8")
    data = json.loads(raw)
    return {kind: table for kind, table in data.items() if isinstance(table, dict)}


def known(text: str) -> tuple[str, str | None] | None:
    """(kind, affiliation) of a known outlet, institution or office holder."""
    key = " ".join(text.lower().replace("’", "'").split())
    key = key.removesuffix("'s")
    for kind, table in _entities().items():
        if key in table:
            return kind, table[key]
    return None


def known_kind(text: str) -> str | None:
    """The kind of a known entity, or None."""
    hit = known(text)
    if hit is None:
        hit = known(_DETERMINERS.sub("", text.strip()))
    return hit[0] if hit else None


class SourceResolver:
    """Profiles sources within one document, resolving pronouns and surnames
    against the people the document names before them."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        people = [e for e in doc.ents if e.label_ == "PERSON"]
        # Surname -> the longest full name the document gives for it.
        self._full: dict[str, str] = {}
        for ent in people:
            last = ent[-1].text.lower().removesuffix("'s")
            name = ent.text.removesuffix("'s").removesuffix("’s")
            if len(name) > len(self._full.get(last, "")):
                self._full[last] = name
        self._people = people

    def profile(self, span: Span, head_index: int | None = None) -> SourceProfile:
        """Kind, count, affiliation, access and canonical name of a source span."""
        head = self.doc[head_index] if head_index is not None else span.root
        if head.i < span.start or head.i >= span.end:
            # A relative pronoun ("officials who said"): describe the noun phrase.
            span = self.doc[head.left_edge.i : head.i + 1]
            head = span.root
        if head.lower_ in lx.PRONOUNS and len(span) == 1:
            return self._pronoun(span)
        name = self._name_span(span, head)
        hit = known(name.text) or known(_DETERMINERS.sub("", name.text))
        person = next((e for e in name.ents if e.label_ == "PERSON"), None)
        if hit is None and person is not None:
            hit = known(person.text.removesuffix("'s"))
        kind, affiliation = hit if hit else (self._kind(name, head, person), None)
        access = self._access(head)
        if affiliation is None:
            affiliation = self._affiliation(span, head, access)
        return SourceProfile(
            name=self._canonical(name.text, person),
            kind=kind,
            count=self._count(head, kind),
            affiliation=affiliation,
            access=access,
        )

    # -- parts -------------------------------------------------------------------

    def _name_span(self, span: Span, head: Token) -> Span:
        """The span without its relative clause or access phrase."""
        end = span.end
        for c in head.children:
            if c.i > head.i and (c.dep_ in _RELATIVE_DEPS or c.dep_ == "prep"):
                end = min(end, c.left_edge.i)
        while end > span.start + 1 and self.doc[end - 1].is_punct:
            end -= 1
        return self.doc[span.start : end]

    def _canonical(self, name: str, person: Span | None) -> str:
        if person is not None:
            tokens = [t for t in person if t.tag_ != "POS"]
            last = tokens[-1].text.lower().removesuffix("'s").removesuffix("’s")
            return self._full.get(last, " ".join(t.text for t in tokens))
        name = name.removesuffix("'s").removesuffix("’s")
        return _DETERMINERS.sub("", name).strip() or name

    def _pronoun(self, span: Span) -> SourceProfile:
        before = [e for e in self._people if e.end <= span.start]
        if span[0].lower_ in ("he", "she") and before:
            ant = before[-1]
            name = self._full.get(ant[-1].text.lower(), ant.text)
            hit = known(name) or known(ant[-1].text)
            kind, aff = hit if hit else ("named_person", None)
            return SourceProfile(name=name, kind=kind, count=None, affiliation=aff, access=None)
        return SourceProfile(
            name=span.text, kind="anonymous", count=None, affiliation=None, access=None
        )

    def _kind(self, span: Span, head: Token, person: Span | None) -> str:
        lemma = head.lemma_.lower()
        words = {t.lower_ for t in span}
        if person is not None:
            titled = words & lx.TITLE_WORDS or head.lower_ in lx.TITLE_WORDS
            return "named_official" if titled else "named_person"
        if lemma in lx.ANONYMOUS_HEADS or head.lower_ in lx.ANONYMOUS_HEADS:
            official = any(t.lemma_.lower() in ("official", "government") for t in span)
            return "anonymous_official" if official else "anonymous"
        if lemma in lx.MEDIA_HEADS or head.lower_ in lx.MEDIA_HEADS:
            return "media"
        if lemma in lx.ANALYST_HEADS or head.lower_ in lx.ANALYST_HEADS:
            return "analyst"
        if lemma in lx.DOCUMENT_HEADS or head.lower_ in lx.DOCUMENT_HEADS:
            return "document"
        if lemma in lx.OFFICIAL_HEADS or head.lower_ in lx.OFFICIAL_HEADS:
            if lemma in ("ministry", "government", "administration", "authority"):
                return "official_body"
            return "anonymous_official"
        if head.ent_type_ in ("ORG", "GPE", "NORP"):
            return "official_body"
        return "named_person" if head.pos_ == "PROPN" else "anonymous"

    def _count(self, head: Token, kind: str) -> int | None:
        if kind not in ("anonymous", "anonymous_official"):
            return None
        for c in head.children:
            if c.dep_ == "nummod":
                word = c.lower_
                if word.isdigit():
                    return int(word)
                if word in lx.NUMBER_WORDS:
                    return lx.NUMBER_WORDS[word]
        for c in head.children:
            if c.dep_ == "det" and c.lower_ in ("a", "an", "another", "one"):
                return 1
        return None

    def _access(self, head: Token) -> str | None:
        for c in head.children:
            if c.i < head.i:
                continue
            text = self.doc[c.left_edge.i : c.right_edge.i + 1].text
            if c.dep_ in _RELATIVE_DEPS and c.left_edge.lower_ in ("who", "that", "with"):
                return text
            if c.dep_ in ("amod", "prep", "acl") and any(
                text.lower().startswith(m) for m in lx.ACCESS_MARKERS
            ):
                return text
            if c.dep_ == "amod" and c.lower_ in ("close", "familiar", "connected"):
                return text
        return None

    def _affiliation(self, span: Span, head: Token, access: str | None) -> str | None:
        sides: list[str] = []
        for t in span:
            if t.i >= head.i:
                break
            side = lx.AFFILIATIONS.get(t.lower_)
            if side and side not in sides:
                sides.append(side)
        if sides:
            return "/".join(sides)
        side = lx.AFFILIATIONS.get(head.lower_)
        if side:
            return side
        if access:
            for word in re.findall(r"[\w.']+", access.lower()):
                if word in lx.AFFILIATIONS:
                    return lx.AFFILIATIONS[word]
                hit = known(word)
                if hit and hit[1]:
                    return hit[1]
        return None

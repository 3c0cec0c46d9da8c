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
from bisect import bisect_left, insort
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache
from importlib import resources
from typing import Final

from spacy.tokens import Doc, Span, Token

from feint.extract import lexicon as lx
from feint.extract.quotes import QuoteRegion, find_quotes
from feint.extract.records import SourceProfile

_DETERMINERS: Final = re.compile(r"^(?:the|a|an|its|their|his|her|another|other)\s+", re.I)
_RELATIVE_DEPS: Final = ("relcl", "acl")
# Kinds of unnamed source that "it" may later stand for.
_SPEAKING_THINGS: Final = frozenset({"official_body", "media", "analyst", "document"})
# Entity types of a capitalised modifier that say where a work is from, not who wrote
# it ("a Russian report", "a Ukrainian assessment").
_NOT_AUTHORS: Final = frozenset({"NORP", "GPE", "LOC", "DATE", "CARDINAL", "ORDINAL"})


def _is_subject(tok: Token) -> bool:
    """The subject of its clause, or a name set beside it ("Ukraine's lead negotiator,
    David Arakhamia, said ..."; "he" in the next sentence is Arakhamia)."""
    subjects = ("nsubj", "nsubjpass")
    return tok.dep_ in subjects or (tok.dep_ == "appos" and tok.head.dep_ in subjects)


def _names_someone(tok: Token) -> bool:
    """A modifier that names its work's author: "Kommersant" in "a Kommersant piece"
    (spaCy's tagger often reads such a name as an adjective, and "ForexLive" as one
    with no entity type: a capital inside the word marks it as a name)."""
    if tok.ent_type_ in _NOT_AUTHORS:
        return False
    inner_capital = tok.text[:1].isupper() and any(ch.isupper() for ch in tok.text[1:])
    return tok.pos_ == "PROPN" or bool(tok.ent_type_) or inner_capital


@cache
def _entities() -> dict[str, dict[str, str | None]]:
    raw = resources.files("feint.extract").joinpath("data/entities.json").read_text("utf-8")
    data = json.loads(raw)
    return {
        kind: table
        for kind, table in data.items()
        if isinstance(table, dict) and not kind.startswith("_")
    }


@cache
def aliases() -> dict[str, str]:
    """Other names of one entity ("isw" -> "Institute for the Study of War")."""
    raw = resources.files("feint.extract").joinpath("data/entities.json").read_text("utf-8")
    table = json.loads(raw).get("_aliases", {})
    return {str(k): str(v) for k, v in table.items()}


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


# Pronouns that stand for a speaker, by what they can refer to.
_PERSON_PRONOUNS: Final = frozenset("he she him her".split())
_BODY_PRONOUNS: Final = frozenset("it its".split())
_GROUP_PRONOUNS: Final = frozenset("they them".split())
_FIRST_PERSON: Final = frozenset("i we you me us".split())
# A role word a later description may use for the same office ("the Russian leader"
# for "President Vladimir Putin").
_ROLE_SYNONYMS: Final[dict[str, frozenset[str]]] = {
    "leader": frozenset({"president", "premier", "chancellor", "prime", "king", "head"}),
    "head": frozenset({"president", "chief", "director", "chairman", "leader"}),
    "chief": frozenset({"head", "director", "chairman"}),
    "spokesperson": frozenset({"spokesman", "spokeswoman"}),
    "spokesman": frozenset({"spokesperson"}),
    "spokeswoman": frozenset({"spokesperson"}),
    "diplomat": frozenset({"minister", "ambassador", "envoy"}),
    "official": frozenset(lx.TITLE_WORDS),
}
# Heads of a definite description that can refer back to a named body.
_BODY_WORDS: Final = frozenset(
    """ministry government kremlin administration office agency newspaper paper outlet
    broadcaster channel institute think-tank tank union company firm party
    council committee commission military army""".split()
)
_CONTENT_POS: Final = ("NOUN", "ADJ", "PROPN")
_SENTENCES_BACK: Final = 6  # how far back a pronoun or description looks


class _Mention:
    """A named person or body the document mentions: where, who, and the words that
    describe it (titles before the name, an appositive, the body's own words)."""

    __slots__ = (
        "affiliation",
        "kind",
        "name",
        "place",
        "quoted",
        "sent",
        "start",
        "subject",
        "words",
    )

    def __init__(
        self, start: int, name: str, kind: str, affiliation: str | None,
        words: frozenset[str], subject: bool, sent: int, quoted: bool,
    ) -> None:  # fmt: skip
        self.start, self.name, self.kind, self.affiliation = start, name, kind, affiliation
        self.words, self.subject, self.sent, self.quoted = words, subject, sent, quoted
        self.place = False  # a country or city: "it" is rarely one that speaks


def _norm_word(w: str) -> str:
    w = w.lower().replace("’", "'").removesuffix("'s")
    return lx.AFFILIATIONS.get(w, w).lower()


def _quoted_positions(doc: Doc, quotes: Sequence[QuoteRegion] | None) -> set[int]:
    """Tokens inside a quotation (the regions found already, when the caller has them)."""
    regions = find_quotes(doc.text) if quotes is None else quotes
    starts = [t.idx for t in doc]
    out: set[int] = set()
    for q in regions:  # tokens by binary search: a document has many tokens, few quotes
        out.update(range(bisect_left(starts, q.start), bisect_left(starts, q.end)))
    return out


class SourceResolver:
    """Profiles sources within one document, resolving pronouns, surnames and role
    descriptions ("he", "Peskov", "the spokesman", "the Russian president") to the
    person or body the document named before them.

    A pronoun is read as the most salient earlier referent that fits it: the subject
    of the nearest sentence before it that has one (the speaker of a run of quotes is
    usually the subject of the sentence that introduced them), else the nearest
    mention. A description is read as the nearest earlier mention whose title, role
    or appositive words contain it. What finds no referent is ``unresolved``: a
    pronoun is never an anonymous source.
    """

    def __init__(self, doc: Doc, quotes: Sequence[QuoteRegion] | None = None) -> None:
        self.doc = doc
        people = [e for e in doc.ents if e.label_ == "PERSON" and self._is_person(e)]
        # Surname -> the longest full name the document gives for it.
        self._full: dict[str, str] = {}
        for ent in people:
            last = ent[-1].text.lower().removesuffix("'s")
            name = ent.text.removesuffix("'s").removesuffix("’s")
            if len(name) > len(self._full.get(last, "")):
                self._full[last] = name
        self._people = people
        quoted = self._quoted = _quoted_positions(doc, quotes)
        sent_of = {}
        for n, sent in enumerate(doc.sents):
            for t in sent:
                sent_of[t.i] = n
        self._sent_of = sent_of
        self._mentions: list[_Mention] = []
        for ent in people:
            words = self._describing_words(ent)
            hit = known(self._canonical(ent.text, ent)) or known(ent[-1].text)
            titled = bool(words & lx.TITLE_WORDS)
            kind = hit[0] if hit else ("named_official" if titled else "named_person")
            self._mentions.append(_Mention(
                ent.start, self._canonical(ent.text, ent), kind, hit[1] if hit else None,
                frozenset(words), _is_subject(ent.root),
                sent_of[ent.start], ent.start in quoted,
            ))  # fmt: skip
        for ent in doc.ents:
            if ent.label_ not in ("ORG", "GPE", "NORP") and not (
                ent.label_ == "PERSON" and not self._is_person(ent)
            ):
                continue
            name = _DETERMINERS.sub("", ent.text.removesuffix("'s").removesuffix("’s"))
            hit = known(name)
            kind = hit[0] if hit else "official_body"
            words = {_norm_word(t.text) for t in ent} | self._describing_words(ent)
            if kind == "analyst":
                words |= {"think-tank", "think", "tank", "institute", "analyst"}
            if kind == "media":
                words |= {"newspaper", "paper", "outlet", "agency", "broadcaster"}
            mention = _Mention(
                ent.start, name, kind, hit[1] if hit else lx.AFFILIATIONS.get(name.lower()),
                frozenset(words), _is_subject(ent.root),
                sent_of[ent.start], ent.start in quoted,
            )  # fmt: skip
            mention.place = ent.label_ in ("GPE", "NORP")
            self._mentions.append(mention)
        self._mentions.sort(key=lambda m: m.start)

    @staticmethod
    def _is_person(ent: Span) -> bool:
        """Not a place or body the small NER model took for a person ("Kyiv")."""
        hit = known(ent.text) or known(_DETERMINERS.sub("", ent.text))
        if hit is not None and hit[0] not in ("named_official", "named_person"):
            return False
        return ent.text.lower() not in lx.AFFILIATIONS and ent[0].text[:1].isupper()

    def _describing_words(self, ent: Span) -> set[str]:
        """Titles before a name in its noun phrase ("Kremlin spokesman Dmitry
        Peskov") and the nouns of an appositive ("Andrey Kelin, Russia's ambassador",
        "Russia's ambassador to the UK, Andrey Kelin")."""
        words: set[str] = set()
        head = ent.root
        for t in head.lefts:
            if t.i < ent.start and t.dep_ in ("compound", "amod", "poss", "nmod"):
                words |= {_norm_word(w.text) for w in t.subtree if not w.is_punct}
        for c in head.children:
            if c.dep_ == "appos":
                words |= {
                    _norm_word(w.text) for w in c.subtree if w.pos_ in ("NOUN", "ADJ", "PROPN")
                }
        if head.dep_ == "appos":
            words |= {
                _norm_word(w.text)
                for w in head.head.subtree
                if w.pos_ in ("NOUN", "ADJ", "PROPN") and not (ent.start <= w.i < ent.end)
            }
        return words

    def profile(self, span: Span, head_index: int | None = None) -> SourceProfile:
        """Kind, count, affiliation, access and canonical name of a source span."""
        head = self.doc[head_index] if head_index is not None else span.root
        if head.i < span.start or head.i >= span.end:
            # A relative pronoun ("officials who said"): describe the noun phrase.
            span = self.doc[head.left_edge.i : head.i + 1]
            head = span.root
        if head.lower_ in lx.PRONOUNS | _FIRST_PERSON and len(span) <= 2:
            return self._pronoun(span, head)
        work = head.lemma_.lower() in lx.WORK_HEADS or head.lower_ in lx.WORK_HEADS
        if work and not any(c.lower_ in lx.UNPUBLISHED for c in head.children):
            author = self._author(head)
            if author is not None:
                by = self.profile(author, author.root.i)
                # An author the text does not type ("a ForexLive commentary") publishes.
                return replace(by, kind="media") if by.kind == "anonymous" else by
        name = self._name_span(span, head)
        # The person the head is ("Kremlin spokesman Peskov"; "Yury Ushakov, Putin's
        # adviser": Ushakov), or one set beside it ("Russia's ambassador to the UK,
        # Andrey Kelin"); never a name that only modifies the head ("an unnamed Biden
        # administration official" is not Biden).
        people = [
            e for e in span.ents if e.label_ == "PERSON" and self._is_person(e) and (
                e.start <= head.i < e.end
                or (e.root.dep_ == "appos" and e.root.head.i == head.i)
            )
        ]  # fmt: skip
        person = next((e for e in people if e.start <= head.i < e.end), None) or next(
            iter(people), None
        )
        if person is None and head.pos_ == "PROPN":
            person = self._titled_name(span, head)
        if person is None:
            described = self._description(name, head)
            if described is not None:
                return described
        hit = known(name.text) or known(_DETERMINERS.sub("", name.text))
        if hit is None and person is not None:
            hit = known(person.text.removesuffix("'s"))
        kind, affiliation = hit if hit else (self._kind(name, head, person), None)
        if person is not None and kind in ("anonymous", "anonymous_official", "official_body"):
            # "Russia's ambassador to the UK, Andrey Kelin": the person the span names.
            kind = "named_official"
        access = self._access(head)
        if affiliation is None:
            affiliation = self._affiliation(span, head, access)
        role = None
        if person is not None:
            # "Kremlin spokesman", "Putin's foreign policy adviser": the words around
            # the name, when they hold a title.
            rest = [t for t in span if not (person.start <= t.i < person.end)
                    and not t.is_punct and t.dep_ not in ("det", "relcl")]  # fmt: skip
            if any(t.lower_ in lx.TITLE_WORDS for t in rest) and len(rest) <= 6:
                role = " ".join(t.text for t in rest)
        found = SourceProfile(
            name=self._canonical(name.text if person is None else person.text, person),
            kind=kind,
            count=self._count(head, kind),
            affiliation=affiliation,
            access=access,
            role=role,
        )
        if person is None and kind in _SPEAKING_THINGS and found.name:
            self._remember(name, head, found)
        return found

    def _remember(self, name: Span, head: Token, found: SourceProfile) -> None:
        """A body or a work the text has just made a source is a referent for a later
        "it" ("The summary noted that ... It said ..."), as a named body is."""
        if any(m.start == name.start for m in self._mentions):
            return
        mention = _Mention(
            name.start, found.name or "", found.kind, found.affiliation,
            frozenset(_norm_word(t.text) for t in name if not t.is_punct),
            _is_subject(head), self._sent_of.get(name.start, 0), name.start in self._quoted,
        )  # fmt: skip
        insort(self._mentions, mention, key=lambda m: m.start)

    # -- parts -------------------------------------------------------------------

    def _author(self, head: Token) -> Span | None:
        """Who wrote the work ``head`` names: "a report by ISW", "ISW's assessment",
        "a Kommersant piece"; None when the text names no one."""
        for c in head.children:
            if c.dep_ == "prep" and c.lower_ in ("by", "from"):
                obj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if obj is not None and (obj.pos_ == "PROPN" or obj.ent_type_):
                    return self._noun_phrase(obj)
            if c.dep_ == "poss" and c.pos_ == "PROPN":
                return self._noun_phrase(c)
        names = [c for c in head.children if c.dep_ in ("compound", "amod", "nmod")
                 and c.i < head.i and _names_someone(c)]  # fmt: skip
        if names:
            first = min(t.left_edge.i for t in names)
            return self.doc[first : max(t.i for t in names) + 1]
        return None

    def _noun_phrase(self, tok: Token) -> Span:
        """``tok`` with the words before it in its phrase: no appositive, clause or
        prepositional phrase after it, no possessive ending."""
        return self.doc[tok.left_edge.i : tok.i + 1]

    def _name_span(self, span: Span, head: Token) -> Span:
        """The span without its relative clause or access phrase; a name the NER
        marks whole ("the Institute for the Study of War") is kept whole."""
        for ent in span.ents:
            if ent.start <= head.i < ent.end and ent.label_ in ("ORG", "GPE", "NORP", "FAC"):
                return self.doc[span.start : ent.end]
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

    def _before(self, at: int) -> list[_Mention]:
        """Mentions before token ``at`` within the look-back window, nearest first."""
        sent = self._sent_of.get(at, 0)
        return [m for m in reversed(self._mentions)
                if m.start < at and sent - m.sent <= _SENTENCES_BACK]  # fmt: skip

    def _referent(self, at: int, fits: Callable[[_Mention], bool]) -> _Mention | None:
        """The subject of the nearest earlier sentence that has a fitting one, else
        the nearest fitting mention."""
        near = [m for m in self._before(at) if fits(m)]
        if not near:
            return None
        here = self._sent_of.get(at, 0)
        for sent in range(here, here - _SENTENCES_BACK - 1, -1):
            subjects = [m for m in near if m.sent == sent and m.subject and not m.quoted]
            if subjects:
                # In the pronoun's own sentence the nearest subject; before it, the
                # sentence's first (main) subject.
                return subjects[0] if sent == here else subjects[-1]
        return near[0]

    def _pronoun(self, span: Span, head: Token) -> SourceProfile:
        word = head.lower_
        if word in _PERSON_PRONOUNS:
            ref = self._referent(span.start, lambda m: m.kind in ("named_official", "named_person"))
        elif word in _BODY_PRONOUNS:
            ref = self._referent(span.start, lambda m: m.kind in (
                "official_body", "media", "analyst", "document") and not m.place)  # fmt: skip
        else:  # they, we, I, you: a group or a speaker quoted; read by the caller
            ref = None
        if ref is None:
            return SourceProfile(
                name=None, kind="unresolved", count=None, affiliation=None, access=None
            )
        return SourceProfile(
            name=ref.name, kind=ref.kind, count=None, affiliation=ref.affiliation, access=None
        )

    def _titled_name(self, span: Span, head: Token) -> Span | None:
        """ "German Chancellor Olaf Scholz" when the NER missed the person: the run of
        proper nouns ending at the head, after a title word."""
        start = head.i
        while (
            start > span.start
            and self.doc[start - 1].pos_ == "PROPN"
            and (self.doc[start - 1].lower_ not in lx.TITLE_WORDS)
        ):
            start -= 1
        titled = any(t.lower_ in lx.TITLE_WORDS for t in self.doc[span.start : start])
        if not titled or head.i - start > 3 or known(self.doc[start : head.i + 1].text):
            return None
        return self.doc[start : head.i + 1]

    def _description(self, name: Span, head: Token) -> SourceProfile | None:
        """ "the spokesman", "the Russian president", "the ministry", "the think
        tank": a definite description of someone named earlier."""
        if not name or name[0].lower_ not in ("the", "this", "that") or len(name) > 6:
            return None
        word = head.lower_
        if word not in lx.TITLE_WORDS | _BODY_WORDS | set(_ROLE_SYNONYMS) | {"leader"}:
            return None
        mods = {_norm_word(t.text) for t in name[1:] if t.i != head.i and not t.is_punct
                and t.pos_ in ("ADJ", "PROPN", "NOUN")}  # fmt: skip
        heads = {word} | _ROLE_SYNONYMS.get(word, frozenset())
        if word == "tank":
            heads |= {"think-tank", "institute"}

        def fits(m: _Mention) -> bool:
            words = m.words | ({m.affiliation.lower()} if m.affiliation else set())
            return bool(heads & words) and mods <= words

        ref = self._referent(name.start, fits)
        if ref is None:
            return None
        return SourceProfile(
            name=ref.name,
            kind=ref.kind,
            count=None,
            affiliation=ref.affiliation,
            access=None,
            role=name.text if ref.kind in ("named_official", "named_person") else None,
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
        if lemma in lx.WORK_HEADS and any(c.lower_ in lx.UNPUBLISHED for c in head.children):
            return "document"  # "a confidential IAEA report", "a leaked report"
        if lemma in lx.MEDIA_HEADS or head.lower_ in lx.MEDIA_HEADS:
            return "media"
        if lemma in lx.ANALYST_HEADS or head.lower_ in lx.ANALYST_HEADS:
            return "analyst"
        if lemma in lx.DOCUMENT_HEADS or head.lower_ in lx.DOCUMENT_HEADS:
            return "document"
        if lemma in lx.WORK_HEADS or head.lower_ in lx.WORK_HEADS:
            # A work with no author named ("the summary noted") or not published.
            return "document"
        if lemma in lx.OFFICIAL_HEADS or head.lower_ in lx.OFFICIAL_HEADS:
            if lemma in ("ministry", "government", "administration", "authority"):
                return "official_body"
            return "anonymous_official"
        if head.ent_type_ in ("ORG", "GPE", "NORP") or lemma in lx.STATE_HEADS:
            return "official_body"
        if lemma in lx.TITLE_WORDS or head.lower_ in lx.TITLE_WORDS:
            return "anonymous_official"  # "the governor", unnamed
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

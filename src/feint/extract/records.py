"""What extraction produces: frozen records with character offsets, no spaCy objects,
so they go straight to the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Polarity(StrEnum):
    """Whether the source asserts the content or denies it."""

    ASSERT = "assert"
    DENY = "deny"


class Method(StrEnum):
    """Which rule found an attribution."""

    VERB = "verb"  # X said (that) ...
    ACCORDING_TO = "according_to"  # according to X, ...
    NOUN = "noun"  # X's claim that ..., statements by X that ...
    CITING = "citing"  # Y cited X as saying that ...
    HEADLINE = "headline"  # Speaker: what they said (a headline)
    QUOTE = "quote"  # "...," he said / he said: "..."
    QUOTE_CONTINUED = "quote_continued"  # a quote paragraph continuing the same speaker
    MODEL = "model"  # the trained cue model found the cue; the parse gave the rest
    TAGGER = "tagger"  # feint-tagger found cue, source and content the rules missed


@dataclass(frozen=True, slots=True)
class TextSpan:
    """[start, end) character offsets into the document text, and the text there."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class SourceProfile:
    """Who a source is, as far as the text says (see ``feint.extract.profile``)."""

    name: str | None  # None when a pronoun finds no referent (kind "unresolved")
    kind: str
    count: int | None
    affiliation: str | None
    access: str | None
    role: str | None = None  # the title the text gives ("Kremlin spokesman")


@dataclass(frozen=True, slots=True)
class Attribution:
    """One attributed claim: who (source) says (cue) what (content), through whom
    (conduit), when (time). ``parent`` is the index of the report it is nested in."""

    index: int
    cue: TextSpan | None
    cue_lemma: str
    content: TextSpan
    source: TextSpan | None
    conduit: TextSpan | None
    parent: int | None
    polarity: Polarity
    hedged: bool
    time: TextSpan | None
    time_resolved: date | None
    method: Method
    profile: SourceProfile | None
    predicate: bool = True  # the content has a verb or an auxiliary: it asserts something

"""The ``rules`` judge: polarity-aware alignment of two claims' words.

Two claims about the same thing share their content words ("Putin", "negotiate",
"ceasefire"). When they do, what decides the relation is polarity: a negation on
one side only ("is not ready", "unwilling to"), an antonym pair across them
(ready / unwilling, open / closed, confirm / deny), or opposite intent frames (a
claim that the actor means to conquer against one that it means to settle). The
judge aligns content words through a small lexicon of concepts, counts the clashes
and says which words clash. It is fast, transparent and weak on anything that needs
world knowledge beyond its lexicon: a baseline and an explainer beside ``feint-nli``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from feint.relate.actors import ACTOR_WORDS
from feint.relate.judges.judge import NliVerdict

_WORD: Final = re.compile(r"[a-z]+(?:'[a-z]+)?")
_NEGATIONS: Final = frozenset(
    "not no never none nothing neither nor without n't cannot refuses refused".split()
)
# Pairs of opposite attitude or modality, both directions (base forms).
_ANTONYMS: Final = (
    ("ready", "unwilling"), ("ready", "unready"), ("willing", "unwilling"),
    ("open", "closed"), ("open", "uninterested"), ("interested", "uninterested"),
    ("confirm", "deny"), ("accept", "reject"), ("support", "oppose"), ("agree", "refuse"),
    ("possible", "impossible"), ("likely", "unlikely"), ("true", "false"),
    ("increase", "decrease"), ("win", "lose"), ("advance", "retreat"),
    ("allow", "forbid"), ("allow", "prevent"), ("start", "stop"), ("begin", "end"),
    ("resume", "halt"), ("resume", "suspend"), ("continue", "stop"), ("always", "never"),
    ("all", "none"), ("everyone", "nobody"), ("more", "less"), ("many", "few"),
    ("succeed", "fail"), ("include", "exclude"), ("legal", "illegal"),
    ("sincere", "feigned"), ("genuine", "feigned"), ("real", "fake"),
)  # fmt: skip
# Words that negate what follows them as "not" does: "unwilling to negotiate" says
# what "not willing to negotiate" says.
_NEGATIVE_ATTITUDE: Final = frozenset(
    "unwilling unready uninterested reluctant refuse refuses refused refusing reject rejects "
    "rejected rejecting deny denies denied denying dismiss dismissed rule ruled".split()
)
# Concepts: words that count as the same thing when aligning two claims. The actor
# groups (relate/actors.py's ACTOR_WORDS) follow how analysts write about a state's
# intent ("Putin and the Kremlin"): the leader, the government and the capital speak
# for one actor.
_CONCEPTS: Final[dict[str, tuple[str, ...]]] = {
    "RUSSIA": ACTOR_WORDS["RUSSIA"],
    "UKRAINE": ACTOR_WORDS["UKRAINE"],
    "US": ACTOR_WORDS["US"],
    "WILLING": ("willing", "ready", "open", "prepared", "interested", "interest", "keen",
                "eager", "seek", "seeks", "want", "wants"),
    # The settlement frame: what a claim of peaceful intent is about.
    "SETTLE": ("negotiate", "negotiates", "negotiated", "negotiating", "negotiation",
               "negotiations", "talk", "talks", "dialogue", "settlement", "peace", "ceasefire",
               "truce", "armistice", "freeze", "compromise", "compromises", "diplomacy",
               "outreach", "overture", "deal"),
    # The war-aims frame: what a claim of military intent is about.
    # Aims, not actions: "launched an offensive" reports a deed, and words against deeds
    # are the say-do stage's business, not a contradiction between two claims.
    "WAR": ("conquer", "conquers", "conquest", "destroy", "destroys", "destroying",
            "destruction", "seize", "seizing", "capture", "annex", "annexation", "subjugate",
            "defeat", "capitulation"),
}  # fmt: skip
_CONCEPT_OF: Final = {w: c for c, words in _CONCEPTS.items() for w in words}
# Frames that oppose each other when one claim holds only one and the other only the
# other: "Russia intends to conquer more territory" against "Putin is willing to
# negotiate a ceasefire" is a tension an analyst would mark, not a neutral pair.
_OPPOSED_FRAMES: Final = (("WAR", "SETTLE"),)
_STOP: Final = frozenset(
    """a an the of to in on at for from by with and or but is are was were be been being
    has have had do does did will would shall should can could may might must that this
    these those it its as into about than then there their they he she his her we our
    you your i me my any some such true case""".split()
)
_SUFFIXES: Final = ("ations", "ation", "ions", "ion", "ing", "ed", "es", "s", "ly", "e")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


def _stem(word: str) -> str:
    """A crude stem that joins derivations: negotiate, negotiation, negotiated."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _forms(word: str) -> frozenset[str]:
    """A word's common inflections: deny, denies, denied, denying."""
    forms = {word, word + "s", word + "ed", word + "d", word + "ing", word + "ly"}
    if word.endswith("y"):
        forms |= {word[:-1] + "ies", word[:-1] + "ied"}
    if word.endswith("e"):
        forms.add(word[:-1] + "ing")
    return frozenset(forms)


def _forms_any(word: str, bases: set[str]) -> bool:
    """Is ``word`` an inflection of one of ``bases``?"""
    return any(word in _forms(b) for b in bases)


def _is_negator(word: str) -> bool:
    return word in _NEGATIONS or word.endswith("n't") or word in _NEGATIVE_ATTITUDE


def _negators(words: list[str]) -> tuple[list[str], set[int]]:
    """The negating words, less double negations such as "never refused"; and the
    positions of the words that cancelled each other."""
    out: list[str] = []
    cancelled: set[int] = set()
    for i, w in enumerate(words):
        if i in cancelled or not _is_negator(w):
            continue
        if i + 1 < len(words) and words[i + 1] in _NEGATIVE_ATTITUDE:
            cancelled |= {i, i + 1}  # a negator right before a negative attitude cancels it
            continue
        out.append(w)
    return out, cancelled


@dataclass(frozen=True, slots=True)
class _Side:
    words: list[str]
    units: frozenset[str]  # concepts and stems of the content words
    negators: list[str]

    @classmethod
    def of(cls, text: str) -> _Side:
        raw = _words(text)
        negators, cancelled = _negators(raw)
        # A double negation says the positive: "has never refused to talk" is "has
        # always been willing to talk", so its words align (and clash) as those.
        words = [
            ("always" if w == "never" else "willing" if w in _NEGATIVE_ATTITUDE else "")
            if i in cancelled else w
            for i, w in enumerate(raw)
        ]  # fmt: skip
        words = [w for w in words if w]
        units = frozenset(
            _CONCEPT_OF.get(w) or _stem(w)
            for w in words
            if w not in _STOP and w not in _NEGATIONS and w not in _NEGATIVE_ATTITUDE
        )
        return cls(words, units, negators)


def _verdict(label: str, strength: float, why: str) -> NliVerdict:
    rest = (1 - strength) / 2
    scores = {"entailment": rest, "neutral": rest, "contradiction": rest}
    scores[label] = strength
    return NliVerdict(scores, f"rules: {why}")


class RulesJudge:
    """Concept alignment plus negation, antonym and frame clashes."""

    name = "rules"

    def judge_many(self, pairs: Sequence[tuple[str, str]]) -> list[NliVerdict]:
        """Verdicts for (premise, hypothesis) pairs."""
        return [self._one(p, h) for p, h in pairs]

    def _one(self, premise: str, hypothesis: str) -> NliVerdict:
        p, h = _Side.of(premise), _Side.of(hypothesis)
        if not p.units or not h.units:
            return _verdict("neutral", 0.8, "nothing to align")
        frames = [
            (x, y)
            for a, b in _OPPOSED_FRAMES
            for x, y in ((a, b), (b, a))
            if x in p.units and y in h.units and y not in p.units and x not in h.units
        ]
        # Opposed frames are aligned with each other: the claims speak to one question.
        shared = len(p.units & h.units) + len(frames)
        covered = shared / len(h.units)  # how much of the hypothesis the premise speaks to
        pset, hset = set(p.words), set(h.words)
        clashes = [
            f"{x} vs {y}"
            for a, b in _ANTONYMS
            for x, y in ((a, b), (b, a))
            if pset & _forms(x) and hset & _forms(y) and not pset & _forms(y)
        ]
        # A negative attitude word already counted in an antonym clash is not also a negation.
        used = {w for c in clashes for w in c.split(" vs ")}
        p_neg = [w for w in p.negators if not _forms_any(w, used)]
        h_neg = [w for w in h.negators if not _forms_any(w, used)]
        negated = bool(p_neg) != bool(h_neg)
        flips = len(clashes) + int(negated)
        if flips % 2 == 1 and covered >= 0.3:
            why = clashes[0] if clashes else (
                f"negation: {' '.join(p_neg or h_neg)!r} on one side"
            )  # fmt: skip
            return _verdict("contradiction", min(0.95, 0.45 + 0.5 * covered), why)
        if frames and flips == 0:
            x, y = frames[0]
            why = f"opposed intent: {_frame_word(p.words, x)} vs {_frame_word(h.words, y)}"
            return _verdict("contradiction", min(0.8, 0.4 + 0.4 * covered), why)
        if covered >= 0.75 and flips == 0:
            why = f"the premise states {covered:.0%} of the hypothesis"
            return _verdict("entailment", min(0.9, 0.3 + 0.6 * covered), why)
        return _verdict(
            "neutral",
            0.5 + 0.4 * (1 - covered),
            f"{covered:.0%} of the hypothesis aligned, no clash",
        )


def _frame_word(words: list[str], concept: str) -> str:
    return next((w for w in words if _CONCEPT_OF.get(w) == concept), concept.lower())

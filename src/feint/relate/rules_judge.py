"""The ``rules`` judge: polarity-aware alignment of two claims' words.

Two claims about the same thing share their content words ("Putin", "negotiate",
"ceasefire"). When they do, what decides the relation is polarity: a negation on
one side only ("is not ready"), or an antonym pair across them (ready / unwilling,
open / closed, confirm / deny). The judge aligns the content words, counts the
clashes and says which words clash. It is fast, transparent and weak on anything
that needs world knowledge: a baseline and an explainer beside ``feint-nli``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from feint.relate.judge import Judgement

_WORD: Final = re.compile(r"[a-z]+(?:'[a-z]+)?")
_NEGATIONS: Final = frozenset(
    "not no never none nothing neither nor without n't cannot refuses refused".split()
)
# Pairs of opposite attitude or modality, both directions (word stems).
_ANTONYMS: Final = (
    ("ready", "unwilling"), ("ready", "unready"), ("willing", "unwilling"),
    ("open", "closed"), ("open", "uninterested"), ("interested", "uninterested"),
    ("confirm", "deny"), ("accept", "reject"), ("support", "oppose"), ("agree", "refuse"),
    ("possible", "impossible"), ("likely", "unlikely"), ("true", "false"),
    ("increase", "decrease"), ("win", "lose"), ("advance", "retreat"), ("peace", "war"),
    ("allow", "forbid"), ("allow", "prevent"), ("start", "stop"), ("begin", "end"),
    ("resume", "halt"), ("resume", "suspend"), ("continue", "stop"), ("always", "never"),
    ("all", "none"), ("everyone", "nobody"), ("more", "less"), ("many", "few"),
    ("succeed", "fail"), ("include", "exclude"), ("legal", "illegal"),
    ("sincere", "feigned"), ("genuine", "feigned"), ("real", "fake"),
)  # fmt: skip
_STOP: Final = frozenset(
    """a an the of to in on at for from by with and or but is are was were be been being
    has have had do does did will would shall should can could may might must that this
    these those it its as into about than then there their they he she his her we our
    you your i me my any some such""".split()
)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s", "ly"):
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


def _negated(words: list[str]) -> list[str]:
    return [w for w in words if w in _NEGATIONS or w.endswith("n't")]


class RulesJudge:
    """Content-word alignment plus negation and antonym clashes."""

    name = "rules"

    def judge_many(self, pairs: Sequence[tuple[str, str]]) -> list[Judgement]:
        """Verdicts for (premise, hypothesis) pairs."""
        return [self._one(p, h) for p, h in pairs]

    def _one(self, premise: str, hypothesis: str) -> Judgement:
        pw, hw = _words(premise), _words(hypothesis)
        pc = {_stem(w) for w in pw if w not in _STOP and w not in _NEGATIONS}
        hc = {_stem(w) for w in hw if w not in _STOP and w not in _NEGATIONS}
        if not pc or not hc:
            return Judgement({"entailment": 0.1, "neutral": 0.8, "contradiction": 0.1},
                             "rules: nothing to align")  # fmt: skip
        covered = len(pc & hc) / len(hc)  # how much of the hypothesis the premise states
        pset, hset = set(pw), set(hw)
        clashes = [
            f"{x} vs {y}"
            for a, b in _ANTONYMS
            for x, y in ((a, b), (b, a))
            if pset & _forms(x) and hset & _forms(y) and not pset & _forms(y)
        ]
        neg_p, neg_h = _negated(pw), _negated(hw)
        flips = len(clashes) + (1 if bool(neg_p) != bool(neg_h) else 0)
        if flips % 2 == 1 and covered >= 0.3:
            why = clashes[0] if clashes else f"negation: {' '.join(neg_p or neg_h)!r} on one side"
            strength = min(0.95, 0.45 + 0.5 * covered)
            rest = (1 - strength) / 2
            return Judgement({"entailment": rest, "neutral": rest, "contradiction": strength},
                             f"rules: {why}")  # fmt: skip
        if covered >= 0.75 and flips == 0:
            strength = min(0.9, 0.3 + 0.6 * covered)
            rest = (1 - strength) / 2
            why = f"rules: the premise states {covered:.0%} of the hypothesis"
            return Judgement({"entailment": strength, "neutral": rest, "contradiction": rest}, why)
        neutral = 0.5 + 0.4 * (1 - covered)
        rest = (1 - neutral) / 2
        return Judgement({"entailment": rest, "neutral": neutral, "contradiction": rest},
                         f"rules: {covered:.0%} of the hypothesis aligned, no clash")  # fmt: skip

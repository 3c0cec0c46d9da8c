"""Entailment judges behind one small interface, chosen by name.

A judge reads a premise and a hypothesis and returns probabilities for entailment,
neutral and contradiction, with a one-line explanation. Back-ends:

- ``rules``: polarity-aware alignment of the two claims' words (``rules_judge``);
- ``feint-nli``: feint's own cross-encoder, shipped as int8 ONNX (``onnx_judge``);
- ``cross-encoder:PATH_OR_NAME``: any sentence-transformers NLI CrossEncoder.

Judges are never averaged: an average let the rules' "negation on one side" outvote
the model and made most contradictions false. Relate asks one judge, and the rules
may only veto or explain what it says (relations.Policy).

New back-ends register a factory in ``JUDGES``; nothing subclasses anything.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from feint.errors import UsageError

LABELS: Final = ("entailment", "neutral", "contradiction")
DEFAULT_JUDGE: Final = "feint-nli"


@dataclass(frozen=True, slots=True)
class NliVerdict:
    """A judge's verdict on one (premise, hypothesis) pair."""

    scores: dict[str, float]
    explanation: str = ""

    @property
    def label(self) -> str:
        """The most probable of entailment, neutral and contradiction."""
        return max(LABELS, key=lambda k: self.scores[k])


class Judge(Protocol):
    """What every entailment back-end offers."""

    name: str

    def judge_many(self, pairs: Sequence[tuple[str, str]]) -> list[NliVerdict]:
        """Verdicts for (premise, hypothesis) pairs, in order."""
        ...


def judge(j: Judge, premise: str, hypothesis: str) -> NliVerdict:
    """One verdict: ``judge(j, premise, hypothesis)``."""
    return j.judge_many([(premise, hypothesis)])[0]


def _rules(_: str) -> Judge:
    from feint.relate.judges.rules_judge import RulesJudge

    return RulesJudge()


def _feint_nli(_: str) -> Judge:
    from feint.relate.judges.onnx_judge import OnnxJudge

    return OnnxJudge.builtin()


def _cross_encoder(arg: str) -> Judge:
    from feint.relate.judges.cross_encoder import CrossEncoderJudge

    return CrossEncoderJudge(arg)


JUDGES: dict[str, Callable[[str], Judge]] = {
    "rules": _rules,
    "feint-nli": _feint_nli,
    "cross-encoder": _cross_encoder,
}


def check_spec(spec: str) -> None:
    """Refuse a judge spec that names no judge, without loading any model.

    Raises:
        UsageError: a part of the spec is not a judge's name.
    """
    if "+" in spec:
        raise UsageError(
            f"Judges are no longer averaged ({spec!r}): give one judge, e.g. 'feint-nli'. "
            "The rules judge vetoes and explains the model's contradictions by itself "
            '([relate] rules = "veto").'
        )
    name, _, arg = spec.strip().partition(":")
    if name not in JUDGES:
        raise UsageError(
            f"No judge called {spec.strip()!r}. Choose one of: rules, feint-nli, "
            "cross-encoder:PATH_OR_NAME."
        )
    if name == "cross-encoder" and not arg:
        raise UsageError("Give the cross-encoder's folder or name: cross-encoder:PATH_OR_NAME.")


def get_judge(spec: str = DEFAULT_JUDGE) -> Judge:
    """The judge a spec names: "rules", "feint-nli" or "cross-encoder:PATH_OR_NAME".

    Raises:
        UsageError: no judge of that name.
    """
    check_spec(spec)
    name, _, arg = spec.strip().partition(":")
    return JUDGES[name](arg)

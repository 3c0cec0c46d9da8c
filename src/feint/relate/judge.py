"""Entailment judges behind one small interface, chosen by name.

A judge reads a premise and a hypothesis and returns probabilities for entailment,
neutral and contradiction, with a one-line explanation. Back-ends:

- ``rules``: polarity-aware alignment of the two claims' words (``rules_judge``);
- ``feint-nli``: feint's own cross-encoder, shipped as int8 ONNX (``onnx_judge``);
- ``cross-encoder:PATH_OR_NAME``: any sentence-transformers NLI CrossEncoder;
- ``A+B``: the average of two or more of the above, e.g. ``feint-nli+rules``: the
  model for paraphrase and inference, the rules for polarity and intent frames.

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
class Judgement:
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

    def judge_many(self, pairs: Sequence[tuple[str, str]]) -> list[Judgement]:
        """Verdicts for (premise, hypothesis) pairs, in order."""
        ...


def judge(j: Judge, premise: str, hypothesis: str) -> Judgement:
    """One verdict: ``judge(j, premise, hypothesis)``."""
    return j.judge_many([(premise, hypothesis)])[0]


class EnsembleJudge:
    """The mean of several judges' probabilities; each member's reason is kept."""

    def __init__(self, members: Sequence[Judge]) -> None:
        self.members = list(members)
        self.name = "+".join(m.name for m in self.members)

    def judge_many(self, pairs: Sequence[tuple[str, str]]) -> list[Judgement]:
        """Verdicts for (premise, hypothesis) pairs: the members' mean, in order."""
        verdicts = [m.judge_many(pairs) for m in self.members]
        out = []
        for row in zip(*verdicts, strict=True):
            scores = {k: sum(v.scores[k] for v in row) / len(row) for k in LABELS}
            out.append(Judgement(scores, "; ".join(v.explanation for v in row)))
        return out


def _rules(_: str) -> Judge:
    from feint.relate.rules_judge import RulesJudge

    return RulesJudge()


def _feint_nli(_: str) -> Judge:
    from feint.relate.onnx_judge import OnnxJudge

    return OnnxJudge.builtin()


def _cross_encoder(arg: str) -> Judge:
    from feint.relate.cross_encoder import CrossEncoderJudge

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
    for part in spec.split("+"):
        name, _, arg = part.strip().partition(":")
        if name not in JUDGES:
            raise UsageError(
                f"No judge called {part.strip()!r}. Choose one of: rules, feint-nli, "
                "cross-encoder:PATH_OR_NAME, or several joined by '+' (feint-nli+rules)."
            )
        if name == "cross-encoder" and not arg:
            raise UsageError("Give the cross-encoder's folder or name: cross-encoder:PATH_OR_NAME.")


def get_judge(spec: str = DEFAULT_JUDGE) -> Judge:
    """The judge a spec names: "rules", "feint-nli", "cross-encoder:PATH_OR_NAME",
    or several of them joined by "+" (their mean), e.g. "feint-nli+rules".

    Raises:
        UsageError: no judge of that name.
    """
    check_spec(spec)
    if "+" in spec:
        return EnsembleJudge([get_judge(part.strip()) for part in spec.split("+")])
    name, _, arg = spec.partition(":")
    return JUDGES[name](arg)

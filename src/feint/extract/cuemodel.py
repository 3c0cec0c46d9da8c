"""A trained cue detector for the reports the rules' word lists miss.

PolNeAR annotates far more kinds of attribution than any lexicon lists ("mocked",
"joked", "learned", "would vote for" ...). This model scores every verb and noun
of a parsed document for how likely it heads a cue, from features of the parse
around it (its lemma, its dependents, its subject, quotes nearby); tokens above
the threshold become attributions through the same span rules as the lexicon's
cues. It is a logistic regression over sparse binary features, trained on PolNeAR
train by ``train/cue_model.py`` (seed, data hash and settings are stored beside the
weights), small enough to ship as JSON and to run without any extra dependency.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

from spacy.tokens import Doc, Token

from feint.errors import ModelNotFoundError
from feint.extract import lexicon as lx
from feint.extract.quotes import QuoteRegion

FEATURES_VERSION: Final = 1
CANDIDATE_POS: Final = frozenset({"VERB", "NOUN"})
BUILTIN: Final = "data/cue_model.json"


def candidates(doc: Doc) -> Iterable[Token]:
    """The tokens the model scores: verbs and nouns."""
    return (t for t in doc if t.pos_ in CANDIDATE_POS)


def features(tok: Token, quotes: Sequence[QuoteRegion]) -> list[str]:
    """Sparse binary features of a candidate cue token."""
    lemma = tok.lemma_.lower()
    head = tok.head
    feats = [
        "bias",
        f"lemma={lemma}",
        f"pos={tok.pos_}",
        f"tag={tok.tag_}",
        f"dep={tok.dep_}",
        f"lemma_dep={lemma}|{tok.dep_}",
        f"head_lemma={head.lemma_.lower()}",
        f"head_pos={head.pos_}",
        f"head_dep={head.dep_}|{tok.dep_}",
        f"prev={tok.nbor(-1).lower_ if tok.i > 0 else '<s>'}",
        f"next={tok.nbor(1).lower_ if tok.i + 1 < len(tok.doc) else '</s>'}",
    ]
    deps = set()
    for c in tok.children:
        deps.add(c.dep_)
        if c.dep_ in ("prep", "prt", "mark", "aux", "neg", "agent"):
            feats.append(f"child={c.dep_}:{c.lower_}")
            feats.append(f"lemma_child={lemma}|{c.dep_}:{c.lower_}")
        if c.dep_ in ("nsubj", "nsubjpass", "poss"):
            feats.append(f"subj_ent={c.ent_type_ or '-'}")
            feats.append(f"subj_pos={c.pos_}")
            feats.append(f"subj_person={c.lower_ in lx.PRONOUNS or c.ent_type_ == 'PERSON'}")
    feats.extend(f"child_dep={d}" for d in sorted(deps))
    feats.extend(f"lemma_child_dep={lemma}|{d}" for d in sorted(deps) if d in _CLAUSAL)
    feats.append(f"in_lexicon={lemma in lx.REPORTING_VERBS or lemma in lx.OBJECT_CUE_VERBS}")
    inside = any(q.start <= tok.idx < q.end for q in quotes)
    near = any(abs(tok.idx - q.end) < 30 or abs(q.start - tok.idx) < 30 for q in quotes)
    feats.append(f"in_quote={inside}")
    feats.append(f"near_quote={near and not inside}")
    return feats


_CLAUSAL: Final = frozenset({"ccomp", "xcomp", "dobj", "prep", "acl", "oprd", "dative"})


@dataclass(frozen=True, slots=True)
class CueModel:
    """Feature weights, the decision threshold and how the model was made."""

    weights: dict[str, float]
    threshold: float
    meta: dict[str, Any] = field(default_factory=dict)

    def probability(self, tok: Token, quotes: Sequence[QuoteRegion]) -> float:
        """P(tok heads a cue)."""
        z = sum(self.weights.get(f, 0.0) for f in features(tok, quotes))
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    @classmethod
    def load(cls, path: str | Path | None = None) -> CueModel:
        """The model in ``path``, or the one shipped with feint.

        Raises:
            ModelNotFoundError: the file is missing or not a cue model.
        """
        try:
            raw = (
                Path(path).read_text("utf-8")
                if path is not None
                else resources.files("feint.extract").joinpath(BUILTIN).read_text("utf-8")
            )
            data = json.loads(raw)
            if data.get("features_version") != FEATURES_VERSION:
                raise ValueError(
                    f"features version {data.get('features_version')} != {FEATURES_VERSION}"
                )
            return cls(dict(data["weights"]), float(data["threshold"]), dict(data["meta"]))
        except (OSError, ValueError, KeyError) as e:
            raise ModelNotFoundError(
                f"Cannot load the cue model {str(path or BUILTIN)!r} ({e}). Retrain it with "
                "'python train/cue_model.py', or set cue_model = \"none\" under [extract]."
            ) from e

    def to_json(self) -> str:
        """The file format ``load`` reads."""
        return json.dumps(
            {
                "features_version": FEATURES_VERSION,
                "threshold": self.threshold,
                "meta": self.meta,
                "weights": self.weights,
            },
            indent=0,
            sort_keys=True,
        )


@cache
def builtin_model() -> CueModel | None:
    """The shipped model, or None when this install has none."""
    try:
        return CueModel.load()
    except ModelNotFoundError:
        return None

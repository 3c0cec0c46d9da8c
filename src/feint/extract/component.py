"""The thin spaCy component around ``find_attributions``.

``nlp.add_pipe("feint_attributions")`` puts each document's attributions in
``doc._.attributions``. The publication date, used to resolve "on May 24", is read
from ``doc.user_data["feint.published"]`` when the caller sets it. The component's
``cue_model`` setting is "builtin" (the model shipped with feint), "none" (rules
only) or the path of a model trained with ``train/cue_model.py``; its ``tagger``
setting is "builtin" (feint-tagger), "none" or the path of a model trained with
``train/tagger.py``; ``tagger_spinning`` (off by default) lets the tagger's
onnxruntime threads busy-wait between runs, as extraction did before issue 16.
"""

from __future__ import annotations

import re
from typing import Final

from spacy.language import Language
from spacy.tokens import Doc

from feint.extract.attribution import find_attributions
from feint.extract.cuemodel import CueModel, builtin_model
from feint.extract.tagger import Tagger

PUBLISHED_KEY = "feint.published"

if not Doc.has_extension("attributions"):
    Doc.set_extension("attributions", default=None)


class AttributionComponent:
    """Sets ``doc._.attributions``."""

    def __init__(self, cue_model: CueModel | None, tagger: Tagger | None = None) -> None:
        self.cue_model = cue_model
        self.tagger = tagger

    def __call__(self, doc: Doc) -> Doc:
        doc._.attributions = find_attributions(
            doc, doc.user_data.get(PUBLISHED_KEY), self.cue_model, self.tagger
        )
        return doc


def resolve_cue_model(setting: str) -> CueModel | None:
    """The cue model a setting names: "builtin", "none" or a path."""
    if setting == "none":
        return None
    if setting == "builtin":
        return builtin_model()
    return CueModel.load(setting)


def resolve_tagger(setting: str, spinning: bool = False) -> Tagger | None:
    """The tagger a setting names: "builtin", "none" or a path (``spinning``: see
    ``Tagger``)."""
    if setting == "none":
        return None
    if setting == "builtin":
        return Tagger.builtin(spinning)
    return Tagger(setting, spinning)


# "KYIV, March 3 (Reuters) - " at the start of a paragraph: the dateline is not the
# subject of the first sentence.
_DATELINE: Final = re.compile(
    r"(?m)^[A-Z][A-Z .'’-]{1,30}(?:,[^\n]{0,40}?)?(?:\s*\([^)\n]{1,30}\))?\s+[-–—]+\s+(?=\S)"
)


@Language.component("feint_paragraphs")
def paragraphs(doc: Doc) -> Doc:
    """A blank line ends a sentence ("officials say\n\nThree officials told ..." is a
    headline and a sentence, not one sentence), and so does the line break after a
    short line without a stop (a headline or a caption line above the body). Runs
    before the parser, which keeps boundaries set before it. Hard-wrapped prose, whose
    lines are long, runs on across single line breaks."""
    for m in _DATELINE.finditer(doc.text):
        after = doc.char_span(m.end(), m.end() + 1, alignment_mode="expand")
        if after is not None and after.start > 0:
            doc[after.start].is_sent_start = True
    line_start = 0
    for tok in doc:
        breaks = tok.text_with_ws.count("\n")
        if not breaks:
            continue
        nxt = tok.i + 1
        while nxt < len(doc) and doc[nxt].is_space:
            nxt += 1
        if nxt >= len(doc):
            break
        words = [t for t in doc[line_start : tok.i + 1] if not (t.is_punct or t.is_space)]
        last = next((t for t in reversed(doc[line_start : tok.i + 1]) if not t.is_space), None)
        heading = 0 < len(words) <= 12 and last is not None and not last.is_punct
        if breaks >= 2 or heading or sum(t.text_with_ws.count("\n") for t in doc[tok.i : nxt]) >= 2:
            doc[nxt].is_sent_start = True
        line_start = nxt
    return doc


@Language.factory(
    "feint_attributions",
    default_config={"cue_model": "builtin", "tagger": "builtin", "tagger_spinning": False},
    requires=["token.dep", "token.lemma", "token.pos", "doc.ents"],
    assigns=["doc._.attributions"],
)
def make_attributions(
    nlp: Language, name: str, cue_model: str, tagger: str, tagger_spinning: bool
) -> AttributionComponent:
    """The component factory spaCy calls for ``nlp.add_pipe("feint_attributions")``."""
    return AttributionComponent(
        resolve_cue_model(cue_model), resolve_tagger(tagger, tagger_spinning)
    )

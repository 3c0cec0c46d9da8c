"""The thin spaCy component around ``find_attributions``.

``nlp.add_pipe("feint_attributions")`` puts each document's attributions in
``doc._.attributions``. The publication date, used to resolve "on May 24", is read
from ``doc.user_data["feint.published"]`` when the caller sets it. The component's
``cue_model`` setting is "builtin" (the model shipped with feint), "none" (rules
only) or the path of a model trained with ``train/cue_model.py``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from feint.extract.attribution import find_attributions
from feint.extract.cuemodel import CueModel, builtin_model

PUBLISHED_KEY = "feint.published"

if not Doc.has_extension("attributions"):
    Doc.set_extension("attributions", default=None)


class AttributionComponent:
    """Sets ``doc._.attributions``."""

    def __init__(self, cue_model: CueModel | None) -> None:
        self.cue_model = cue_model

    def __call__(self, doc: Doc) -> Doc:
        doc._.attributions = find_attributions(
            doc, doc.user_data.get(PUBLISHED_KEY), self.cue_model
        )
        return doc


def resolve_cue_model(setting: str) -> CueModel | None:
    """The cue model a setting names: "builtin", "none" or a path."""
    if setting == "none":
        return None
    if setting == "builtin":
        return builtin_model()
    return CueModel.load(setting)


@Language.factory(
    "feint_attributions",
    default_config={"cue_model": "builtin"},
    requires=["token.dep", "token.lemma", "token.pos", "doc.ents"],
    assigns=["doc._.attributions"],
)
def make_attributions(nlp: Language, name: str, cue_model: str) -> AttributionComponent:
    """The component factory spaCy calls for ``nlp.add_pipe("feint_attributions")``."""
    return AttributionComponent(resolve_cue_model(cue_model))

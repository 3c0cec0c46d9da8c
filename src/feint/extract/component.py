"""The thin spaCy component around ``find_attributions``.

``nlp.add_pipe("feint_attributions")`` puts each document's attributions in
``doc._.attributions``. The publication date, used to resolve "on May 24", is read
from ``doc.user_data["feint.published"]`` when the caller sets it.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from feint.extract.attribution import find_attributions

PUBLISHED_KEY = "feint.published"

if not Doc.has_extension("attributions"):
    Doc.set_extension("attributions", default=None)


@Language.component(
    "feint_attributions",
    requires=["token.dep", "token.lemma", "token.pos", "doc.ents"],
    assigns=["doc._.attributions"],
)
def attributions_component(doc: Doc) -> Doc:
    """Set ``doc._.attributions`` to the attributions found in ``doc``."""
    doc._.attributions = find_attributions(doc, doc.user_data.get(PUBLISHED_KEY))
    return doc

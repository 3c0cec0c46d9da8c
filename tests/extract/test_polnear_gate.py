"""Quality gate: attribution scores on PolNeAR dev must not fall below the floors
pinned in polnear_floors.json (trafilatura's eval_gate is the model), for the
method ``feint eval polnear`` scores by default (rules, tagger or their union)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from spacy.language import Language

from feint.extract.polnear import DEFAULT_METHOD, evaluate

pytestmark = [pytest.mark.model, pytest.mark.slow]

FLOORS = Path(__file__).with_name("polnear_floors.json")
# PolNeAR is not redistributed with feint: it is read from the shared data folder.
DEV = Path(__file__).resolve().parents[3] / "shared" / "data" / "polnear" / "dev"


def test_scores_on_polnear_dev_stay_above_the_floors(nlp: Language) -> None:
    if not DEV.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"PolNeAR dev is missing at {DEV}; CI must have ../shared beside the repo")
        pytest.skip(f"PolNeAR dev not found at {DEV}")
    pinned = json.loads(FLOORS.read_text("utf-8"))
    assert pinned["method"] == DEFAULT_METHOD, "pin floors for the default method"
    scores = evaluate(DEV, nlp, method=DEFAULT_METHOD)
    floors = pinned["floors"]
    below = {}
    for key, spec in floors.items():
        role, kind, metric = key.split(".")
        value = scores[role][kind][metric]
        if value < spec["floor"]:
            below[key] = (value, spec["floor"])
    assert not below, f"below the floors: {below}; scores: {scores}"

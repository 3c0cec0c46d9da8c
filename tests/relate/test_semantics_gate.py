"""Quality gate: stance and relations on the domain set (data/semantics) must not fall
below the floors pinned in semantics_floors.json, with the shipped judge and the
default thresholds, frames, window and veto: what relate runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from feint.config import RelateOptions
from feint.relate.frames import FrameReader
from feint.relate.judges.judge import Judge, get_judge
from feint.relate.relations import Policy
from feint.relate.semantics_eval import evaluate

pytestmark = [pytest.mark.model, pytest.mark.slow]

FLOORS = Path(__file__).with_name("semantics_floors.json")
DATA = Path(__file__).resolve().parents[2] / "data" / "semantics"


@pytest.fixture(scope="module")
def scores(default_judge: Judge) -> dict[str, dict[str, Any]]:
    options = RelateOptions()
    policy = Policy(options.contradiction_threshold, options.frame_window_days, get_judge("rules"))
    reader = FrameReader.load(options.frame_model)
    return {
        split: evaluate(
            DATA,
            split,
            default_judge,
            reader,
            stance_threshold=options.stance_threshold,
            policy=policy,
        )
        for split in ("dev", "test")
    }


def _value(scores: dict[str, dict[str, Any]], key: str) -> float:
    """``split.task.metric`` or ``split.task.label.metric``."""
    split, task, *rest = key.split(".")
    s = scores[split][task]
    return float(s[rest[0]] if len(rest) == 1 else s["per_label"][rest[0]][rest[1]])


def test_scores_on_the_domain_set_stay_above_the_floors(
    scores: dict[str, dict[str, Any]],
) -> None:
    floors = json.loads(FLOORS.read_text("utf-8"))["floors"]
    below = {k: (_value(scores, k), f) for k, f in floors.items() if _value(scores, k) < f}
    assert not below, f"below the floors: {below}"


def test_a_claim_about_another_actor_is_neutral_toward_the_question(
    scores: dict[str, dict[str, Any]],
) -> None:
    # The frames, not the wording, decide these: most must come out neutral.
    for split in ("dev", "test"):
        assert scores[split]["stance"]["by_case"]["different_actor"]["accuracy"] >= 0.6

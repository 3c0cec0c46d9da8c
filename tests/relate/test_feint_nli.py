"""feint-nli, the shipped int8 ONNX cross-encoder: loads offline, judges sensibly,
and stays above its accuracy floor on the held-out tenth of the training data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from feint.relate.judges.judge import LABELS, Judge, get_judge, judge
from feint.relate.nli_eval import evaluate, held_out_rows

FLOORS = Path(__file__).with_name("nli_floors.json")
TRAIN = Path(__file__).resolve().parents[3] / "shared" / "data" / "nli" / "train.jsonl"


@pytest.fixture(scope="module")
def nli() -> Judge:
    return get_judge("feint-nli")


@pytest.mark.parametrize(
    ("premise", "hypothesis", "label"),
    [
        ("A man is playing a guitar on stage.", "A man is playing an instrument.", "entailment"),
        ("A man is sleeping in his bed.", "A man is running a marathon.", "contradiction"),
    ],
)
def test_clear_cases(nli: Judge, premise: str, hypothesis: str, label: str) -> None:
    verdict = judge(nli, premise, hypothesis)
    assert verdict.label == label
    assert abs(sum(verdict.scores.values()) - 1.0) < 1e-6


def test_a_verdict_does_not_depend_on_the_other_pairs(nli: Judge) -> None:
    question = "Moscow is ready to negotiate an end to the war."
    claims = [
        "The Kremlin said it was open to talks without preconditions.",
        "Peskov said there was no basis for negotiations at present.",
        "Russian forces shelled the city through the night.",
        "A short line.",
        "The foreign ministry said any settlement would have to recognise the new "
        "territorial realities and that Kyiv must first withdraw its troops.",
    ]
    alone = [nli.judge_many([(c, question)])[0].scores for c in claims]
    together = [v.scores for v in nli.judge_many([(c, question) for c in claims])]
    reversed_ = [v.scores for v in nli.judge_many([(c, question) for c in claims[::-1]])][::-1]
    assert alone == together == reversed_


def test_cli_judge_json_contract() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "feint", "judge", "A man is sleeping.", "A man is awake.",
         "--json"],
        capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out["scores"]) == {"entailment", "neutral", "contradiction"}
    assert out["label"] == max(out["scores"], key=out["scores"].__getitem__)


@pytest.mark.slow
def test_held_out_accuracy_stays_above_the_floor(nli: Judge) -> None:
    if not TRAIN.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"the NLI training data is missing at {TRAIN}")
        pytest.skip(f"no NLI data at {TRAIN}")
    scores = evaluate(nli, held_out_rows(TRAIN))
    floor = json.loads(FLOORS.read_text("utf-8"))["held_out_accuracy"]["floor"]
    assert scores["accuracy"] >= floor, scores


def test_side_by_side_runs_give_each_pair_the_scores_it_gets_alone() -> None:
    """Pairs judged several at once, each run on one core (the default), score as one
    pair a run on all cores does, in the order given (issue 16)."""
    from feint.relate.judges.onnx_judge import OnnxJudge

    rows = held_out_rows(TRAIN)[:40] if TRAIN.is_file() else []
    pairs = [(r["premise"], r["hypothesis"]) for r in rows] or [
        ("The Kremlin said it was open to talks.", "Moscow is ready to negotiate."),
        ("Peskov said there was no basis for talks.", "Moscow is ready to negotiate."),
    ] * 10
    one, four = OnnxJudge.builtin(runs=1), OnnxJudge.builtin(runs=4)
    assert four.runs == 4
    alone = np.array([[v.scores[k] for k in LABELS] for v in one.judge_many(pairs)])
    together = np.array([[v.scores[k] for k in LABELS] for v in four.judge_many(pairs)])
    backwards = [[v.scores[k] for k in LABELS] for v in four.judge_many(pairs[::-1])][::-1]
    assert np.abs(alone - together).max() < 1e-6
    assert np.abs(alone - np.array(backwards)).max() < 1e-6


def test_a_one_cpu_ray_actor_gets_one_judge_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ray gives an actor OMP_NUM_THREADS=1 while its affinity shows the whole node: the
    judge then runs one pair at a time on one thread, not a thread per core per actor
    (and so does any ONNX model feint loads there, the tagger too)."""
    from feint.cores import available_cores
    from feint.relate.judges.onnx_judge import OnnxJudge

    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert available_cores() == 1
    one = OnnxJudge.builtin()
    assert one.runs == 1
    assert one.session.get_session_options().intra_op_num_threads == 1
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert available_cores() == len(os.sched_getaffinity(0))
    # One run at a time on a machine with cores to spare: onnxruntime's own threads.
    budget = available_cores()
    expected = 0 if budget == (os.cpu_count() or budget) else budget
    options = OnnxJudge.builtin(runs=1).session.get_session_options()
    assert options.intra_op_num_threads == expected

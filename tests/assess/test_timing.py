"""Timing: surges over a rolling baseline and event coincidence with decisions."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import combinations

import pytest

from feint.assess.timing import (
    MIN_BASELINE_DAYS,
    NOT_SWAYED,
    coincidence,
    decision_dates,
    observable,
    precursor_rate,
    surges,
    timing_for,
)
from feint.store import Store

START = date(2023, 1, 1)


def _day(n: int) -> date:
    return START + timedelta(days=n)


def test_a_surge_is_unusual_against_its_own_baseline() -> None:
    quiet = [_day(n) for n in range(0, 200, 9)]  # one claim every 9 days
    burst = [_day(100)] * 4 + [_day(101)] * 3  # two days of many: one surge
    assert surges(quiet + burst, START, _day(199)) == [_day(100)]
    assert surges(quiet, START, _day(199)) == []  # single claims never surge
    busy = [_day(n) for n in range(200) for _ in range(5)]  # five a day, every day
    assert surges(busy + [_day(150)] * 2, START, _day(199)) == []  # 7 against 5: not unusual


def test_precursor_rate_counts_decisions_preceded_within_the_window() -> None:
    assert precursor_rate([10, 50], [20, 55, 90], window=10) == 2 / 3
    assert precursor_rate([10], [5], window=10) == 0.0  # a surge after the decision
    assert precursor_rate([], [5], window=10) == 0.0


def test_surges_before_decisions_beat_the_null_and_far_ones_do_not() -> None:
    decisions = [_day(n) for n in (100, 250, 400, 550, 700, 850)]
    before = [d - timedelta(days=5) for d in decisions]
    rate, p, preceded = coincidence(before, decisions, START, _day(900), 14, permutations=2_000)
    assert (rate, preceded) == (1.0, 6) and p < 0.01
    away = [d + timedelta(days=40) for d in decisions]
    rate, p, preceded = coincidence(away, decisions, START, _day(900), 14, permutations=2_000)
    assert (rate, preceded) == (0.0, 0) and p == 1.0


def test_the_null_draws_distinct_days_from_the_observable_range() -> None:
    # Surges can fall on days 10..19; decisions on days 5 (before any surge could be
    # seen) and 40 (past the last surge day plus the window) cannot be preceded.
    first, last, window = _day(10), _day(19), 6
    decisions = [_day(n) for n in (5, 12, 15, 25, 40)]
    observed = [_day(11), _day(14), _day(19)]
    rate, p, preceded = coincidence(observed, decisions, first, last, window, permutations=9_999)
    assert (rate, preceded) == (1.0, 3)  # 3 of the 3 decisions in reach, not 3 of 5
    # The exact null: every set of 3 distinct days of the 10, equally likely.
    in_reach = [12, 15, 25]
    rates = [
        precursor_rate(list(days), in_reach, window) for days in combinations(range(10, 20), 3)
    ]
    exact = sum(r >= rate for r in rates) / len(rates)
    # By hand: day 19 (the only one before day 25) and one of days 10-12 (before
    # day 12, hence before 15): 36 sets hold day 19, 15 of them none of 10-12.
    assert exact == (36 - 15) / 120
    assert p == pytest.approx(exact, abs=0.015)


def test_surges_on_every_possible_day_match_every_null_draw() -> None:
    # Three surges on the only three days they could fall on: without replacement,
    # every draw of the null is the observation itself, so p is 1.
    first, last = _day(0), _day(2)
    rate, p, _ = coincidence([_day(0), _day(1), _day(2)], [_day(1), _day(9)], first, last, 7)
    assert (rate, p) == (1.0, 1.0)
    with pytest.raises(ValueError, match="cannot all lie"):
        coincidence([_day(3)], [_day(9)], first, last, 7)


def test_only_decisions_a_surge_could_precede_count() -> None:
    decisions = [_day(n) for n in (100, 250, 400, 550)]
    claims = [(d - timedelta(days=3), "private_anonymous") for d in decisions for _ in range(3)]
    claims += [(_day(n), "public_official") for n in range(0, 600, 20)]  # days 0..580
    assert observable(_day(0), _day(580)) == (_day(MIN_BASELINE_DAYS), _day(580))
    # Day 3 falls in the baseline's warm-up, day 700 long after the last claim.
    rows = timing_for("Q", claims, [_day(3), *decisions, _day(700)], 30, permutations=500)
    anon = next(r for r in rows if r.channel == "private_anonymous")
    assert (anon.n_decisions, anon.n_preceded, anon.precursor_rate) == (4, 4, 1.0)
    assert anon.decision_days == tuple(decisions)
    assert f"only decisions from {_day(7)} to {_day(610)} count" in anon.note


def test_too_few_events_are_said_plainly() -> None:
    claims = [(_day(10), "private_anonymous")] * 3
    rows = timing_for("Q", claims, [_day(20), _day(30)], 30, permutations=100)
    assert rows and all(r.precursor_rate is None and r.p_value is None for r in rows)
    assert "too few events to conclude anything" in rows[0].note
    assert {r.channel for r in rows} == {"all", "private_anonymous"}
    # Claims on one day leave no room after the warm-up: no decision can count.
    assert rows[0].n_decisions == 0 and "no decision counts" in rows[0].note


def test_timing_per_channel_with_enough_events() -> None:
    decisions = [_day(n) for n in (100, 250, 400, 550)]
    claims = [(d - timedelta(days=3), "private_anonymous") for d in decisions for _ in range(3)]
    claims += [(_day(n), "public_official") for n in range(0, 600, 20)]
    rows = {r.channel: r for r in timing_for("Q", claims, decisions, 30, permutations=2_000)}
    anon = rows["private_anonymous"]
    assert (anon.n_surges, anon.n_decisions, anon.precursor_rate) == (4, 4, 1.0)
    assert anon.p_value is not None and anon.p_value < 0.05
    assert rows["public_official"].n_surges == 0


def test_talks_are_not_decisions_a_surge_could_sway(store: Store) -> None:
    # Claims about talks surge before every round because they are news about it.
    assert "talks" in NOT_SWAYED
    store.insert_rows(
        "decisions",
        ("date", "audience", "decision", "kind", "decision_id", "origin"),
        [
            [_day(10), "US", "an aid bill passes", "aid_package", "d1", "test"],
            [_day(20), "RU-US", "a round of talks in a Gulf capital", "talks", "d2", "test"],
            [_day(30), "EU", "a sanctions package", "sanctions", "d3", "test"],
            [_day(40), "EU", "an undated kind", None, "d4", "test"],
        ],
    )
    assert decision_dates(store) == [_day(10), _day(30), _day(40)]

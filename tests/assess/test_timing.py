"""Timing: surges over a rolling baseline and event coincidence with decisions."""

from __future__ import annotations

from datetime import date, timedelta

from feint.assess.timing import coincidence, precursor_rate, surges, timing_for

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


def test_too_few_events_are_said_plainly() -> None:
    claims = [(_day(10), "private_anonymous")] * 3
    rows = timing_for("Q", claims, [_day(20), _day(30)], 30, permutations=100)
    assert rows and all(r.precursor_rate is None and r.p_value is None for r in rows)
    assert "too few events to conclude anything" in rows[0].note
    assert {r.channel for r in rows} == {"all", "private_anonymous"}


def test_timing_per_channel_with_enough_events() -> None:
    decisions = [_day(n) for n in (100, 250, 400, 550)]
    claims = [(d - timedelta(days=3), "private_anonymous") for d in decisions for _ in range(3)]
    claims += [(_day(n), "public_official") for n in range(0, 600, 20)]
    rows = {r.channel: r for r in timing_for("Q", claims, decisions, 30, permutations=2_000)}
    anon = rows["private_anonymous"]
    assert (anon.n_surges, anon.n_decisions, anon.precursor_rate) == (4, 4, 1.0)
    assert anon.p_value is not None and anon.p_value < 0.05
    assert rows["public_official"].n_surges == 0

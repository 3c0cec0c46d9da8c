"""Timing: do claims surge just before the audience decides? (reflexive control)

1. Daily counts of the claims that support the question, per channel and for all
   channels together, over the span from the first claim to the last.
2. Surges, by a robust z-score over a rolling baseline: a day is a surge day when
   its count is at least ``MIN_SURGE_COUNT`` and exceeds the median of the previous
   ``BASELINE_DAYS`` days by ``Z_SURGE`` robust standard deviations (1.4826 x MAD,
   but never less than sqrt(median), the spread of a Poisson count with that mean,
   nor ``SCALE_FLOOR``). In a sparse series most days are zero and the MAD is
   0; the floor of 0.5 makes two claims on one day against a quiet month a surge,
   and one claim never (the minimum count). The floor was set after seeing that
   the demo's supporting claims come at most one a day but on 8 days; the window
   was fixed before.
   Consecutive surge days are one surge, dated by its first day. The first
   ``MIN_BASELINE_DAYS`` days of the span have too little baseline to judge.
3. Event coincidence analysis (Donges et al. 2016, Eur. Phys. J. Spec. Top. 225):
   the precursor coincidence rate is the share of decisions preceded by a surge
   within ``window_days`` (0 <= decision - surge <= window). Surges are observable
   only from ``MIN_BASELINE_DAYS`` after the first claim (the baseline's warm-up) to
   the last claim, so only decisions a surge in that range could precede (from its
   first day to ``window_days`` after its last) count, in the rate and in
   ``n_decisions``: a decision before the claims begin, or long after they end,
   could never be preceded and would only dilute the rate. The p-value comes from
   a permutation null that keeps the number of surges and draws their days without
   replacement (one surge a day, as observed) from that same range:
   p = (1 + #null rates >= observed) / (1 + permutations).

The window is fixed in the configuration before the data are looked at (30 days:
one policy cycle). With fewer than ``MIN_EVENTS`` surges or decisions the row says
plainly that there are too few events to conclude anything.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

import numpy as np

from feint.assess.ach import question_id
from feint.store import Store
from feint.store.records import TimingRow

BASELINE_DAYS: Final = 28
Z_SURGE: Final = 3.0
SCALE_FLOOR: Final = 0.5
MIN_BASELINE_DAYS: Final = 7
MIN_SURGE_COUNT: Final = 2
MIN_EVENTS: Final = 3


@dataclass(frozen=True, slots=True)
class TimingResult:
    """One row of ``timing``."""

    proposition_id: str
    question: str
    channel: str
    window_days: int
    precursor_rate: float | None
    p_value: float | None
    n_surges: int
    n_decisions: int
    n_preceded: int
    surge_days: tuple[date, ...]
    n_permutations: int
    note: str
    decision_days: tuple[date, ...] = ()  # the decisions counted (not stored: see note)


def surges(days: Sequence[date], start: date, end: date) -> list[date]:
    """First days of surges in the daily counts of ``days`` over [start, end]."""
    n = (end - start).days + 1
    counts = np.zeros(n)
    for d, c in Counter(days).items():
        if start <= d <= end:
            counts[(d - start).days] += c
    out: list[date] = []
    previous = False
    for t in range(MIN_BASELINE_DAYS, n):
        base = counts[max(0, t - BASELINE_DAYS) : t]
        median = float(np.median(base))
        mad = float(np.median(np.abs(base - median)))
        scale = max(1.4826 * mad, float(np.sqrt(median)), SCALE_FLOOR)
        is_surge = counts[t] >= MIN_SURGE_COUNT and (counts[t] - median) / scale >= Z_SURGE
        if is_surge and not previous:
            out.append(start + timedelta(days=t))
        previous = is_surge
    return out


def precursor_rate(surge_days: Sequence[int], decision_days: Sequence[int], window: int) -> float:
    """Share of decisions with a surge 0..window days before (day numbers)."""
    if not decision_days:
        return 0.0
    s = np.asarray(surge_days)[None, :]
    d = np.asarray(decision_days)[:, None]
    lag = d - s
    return float(np.mean(((lag >= 0) & (lag <= window)).any(axis=1))) if s.size else 0.0


def observable(first_claim: date, last_claim: date) -> tuple[date, date]:
    """The days a surge can fall on: after the baseline's warm-up, up to the last claim.

    The range is empty (first day after the last) when the claims span less than
    the warm-up."""
    return first_claim + timedelta(days=MIN_BASELINE_DAYS), last_claim


def counted(decisions: Sequence[date], first: date, last: date, window: int) -> list[date]:
    """The decisions a surge on a day in [first, last] could precede within ``window``."""
    if first > last:
        return []
    return sorted(d for d in decisions if first <= d <= last + timedelta(days=window))


def coincidence(
    surge_dates: Sequence[date],
    decision_dates: Sequence[date],
    first: date,
    last: date,
    window: int,
    permutations: int = 9_999,
    seed: int = 0,
) -> tuple[float, float, int]:
    """Event coincidence of surges with the decisions they precede (Donges et al. 2016).

    Args:
        surge_dates: first days of the observed surges, all within [first, last].
        decision_dates: decision days; only those in [first, last + window] count.
        first, last: the days a surge can fall on (see ``observable``).
        window: a decision is preceded when a surge came 0 to ``window`` days before.
        permutations: draws of the null, each placing as many surges as observed on
            distinct days of [first, last], uniformly.

    Returns:
        (precursor rate, permutation p-value, decisions preceded).
    """
    s = [(d - first).days for d in surge_dates]
    b = [(d - first).days for d in counted(decision_dates, first, last, window)]
    span = (last - first).days + 1
    if span < 1 or len(s) > span or any(not 0 <= x < span for x in s):
        raise ValueError(f"{len(s)} surge day(s) cannot all lie in {first}..{last}")
    observed = precursor_rate(s, b, window)
    rng = np.random.default_rng(seed)
    bs = np.asarray(b)[None, :, None]
    hits = 0
    for chunk in range(0, permutations, 1_000):
        m = min(1_000, permutations - chunk)
        # The first len(s) places of a random permutation of the days: a uniform draw
        # without replacement, as no two observed surges share a day.
        fake = np.argsort(rng.random((m, span)), axis=1)[:, None, : len(s)]
        lag = bs - fake
        rates = ((lag >= 0) & (lag <= window)).any(axis=2).mean(axis=1) if b else np.zeros(m)
        hits += int(np.sum(rates >= observed - 1e-12))
    return observed, (1 + hits) / (1 + permutations), round(observed * len(b))


def timing_for(
    question: str,
    claims: Sequence[tuple[date, str]],
    decisions: Sequence[date],
    window: int,
    permutations: int = 9_999,
) -> list[TimingResult]:
    """Results per channel and for all channels, from (date, channel) of supporting claims."""
    pid = question_id(question)
    if not claims:
        return []
    start = min(d for d, _ in claims)
    last_claim = max(d for d, _ in claims)
    first, last = observable(start, last_claim)
    in_reach = counted(decisions, first, last, window)
    reach = (
        f"only decisions from {first} to {last + timedelta(days=window)} count, where a "
        f"surge could precede them (surges can fall from {first}, after the "
        f"{MIN_BASELINE_DAYS}-day baseline warm-up, to the last claim on {last})"
        if first <= last
        else f"the claims span less than the {MIN_BASELINE_DAYS}-day baseline warm-up, "
        "so no surge can be seen and no decision counts"
    )
    out = []
    for channel in ["all", *sorted({c for _, c in claims})]:
        days = [d for d, c in claims if channel in ("all", c)]
        found = surges(days, start, last_claim)
        rate: float | None = None
        p: float | None = None
        preceded, n_perm = 0, 0
        if len(found) < MIN_EVENTS or len(in_reach) < MIN_EVENTS:
            note = (
                f"too few events to conclude anything: {len(found)} surge(s) and "
                f"{len(in_reach)} decision(s); {MIN_EVENTS} of each are needed; {reach}"
            )
        else:
            rate, p, preceded = coincidence(found, in_reach, first, last, window, permutations)
            n_perm = permutations
            note = (
                f"{preceded} of {len(in_reach)} decisions had a surge in the {window} days "
                f"before (rate {rate:.2f}, p = {p:.3f}, the {len(found)} surges placed on "
                f"distinct random days in the null); {reach}"
            )
        out.append(
            TimingResult(pid, question, channel, window, rate, p, len(found), len(in_reach),
                         preceded, tuple(found), n_perm, note, tuple(in_reach))
        )  # fmt: skip
    return out


def supporting_claims(store: Store, question: str) -> list[tuple[date, str]]:
    """(day, channel) of each dated claim that supports ``question``: what the test
    counts (a claim's day is its own time expression if resolved, else its
    document's publication date)."""
    rows = store.query(
        """
        SELECT coalesce(a.time_resolved, d.published), c.channel
        FROM stances s JOIN claims c USING (claim_id) JOIN attributions a USING (attr_id)
        JOIN documents d USING (doc_id)
        WHERE s.question = ? AND s.stance = 'support'
          AND coalesce(a.time_resolved, d.published) IS NOT NULL
        """,
        [question],
    ).rows
    return [(day, str(channel)) for day, channel in rows]


NOT_SWAYED: Final = frozenset({"talks"})
"""Decision kinds the timing test leaves out. Claims about talks are news about the
talks themselves: they surge before every round whether or not anyone means to sway
it, so counting talks would find "surges before decisions" by construction (with the
2025 calendar, talks among the decisions moved the demo's result from 16 of 25
decisions preceded, p = 0.19, to 44 of 64, p = 0.050)."""


def decision_dates(store: Store) -> list[date]:
    """The dates of the decisions the timing test counts (kinds in ``NOT_SWAYED``
    left out)."""
    rows = store.query(
        "SELECT date FROM decisions WHERE date IS NOT NULL "
        "AND coalesce(kind, '') NOT IN (SELECT unnest(?)) ORDER BY date",
        [sorted(NOT_SWAYED)],
    ).rows
    return [r[0] for r in rows]


def timing_store(
    store: Store, question: str, window: int, permutations: int = 9_999
) -> list[TimingResult]:
    """Compute the timing rows for ``question`` and replace that question's rows."""
    claims = supporting_claims(store, question)
    decisions = decision_dates(store)
    results = timing_for(question, claims, decisions, window, permutations)
    with store.transaction():
        store.delete(TimingRow, question=question)
        store.insert(
            [
                TimingRow(
                    r.proposition_id,
                    r.channel,
                    r.window_days,
                    r.precursor_rate,
                    r.p_value,
                    r.n_surges,
                    r.n_decisions,
                    r.question,
                    list(r.surge_days),
                    r.n_preceded,
                    r.n_permutations,
                    r.note,
                )
                for r in results
            ]
        )
    return results

"""Pieces of HTML the report and the web UI share: a document with its attributions
highlighted, and the two charts as inline SVG.

Charts are drawn here as plain SVG rather than with a charting library: the report
must work offline in one file, and Vega-Lite or a JavaScript library would have to
be inlined (hundreds of kilobytes) or fetched from a CDN. Each chart carries a
``<title>`` and ``<desc>`` and the page puts a table of the same numbers beside it,
so that a screen reader, or a reader of the Markdown, loses nothing.

All text from documents is escaped here (``markupsafe.escape``): article text is
untrusted input, and nothing in a document may become markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from markupsafe import Markup, escape

# Okabe-Ito: told apart by readers with the common colour-vision deficiencies.
CHANNEL_COLOURS = {
    "private_anonymous": "#D55E00",
    "public_official": "#0072B2",
    "media": "#009E73",
    "analyst": "#CC79A7",
    "unresolved": "#999999",
}
CHANNEL_LABELS = {
    "private_anonymous": "private, anonymous",
    "public_official": "public, official",
    "media": "media",
    "analyst": "analyst",
    "unresolved": "speaker unresolved",
}


def anchor(kind: str, ident: str) -> str:
    """The element id of a claim's quote (``q``), an evidence row (``ev``), a
    judgement (``j``), a document (``doc``) or a source (``src``)."""
    return f"{kind}-{ident}"


def highlight(text: str, spans: Sequence[Mapping[str, Any]]) -> Markup:
    """``text`` escaped, with each span wrapped: content spans in ``<mark>`` with the
    claim's anchor id, sources and cues in ``<span>``.

    Spans nest (a nested report's content holds the inner report's source, cue and
    content); a span that crosses the end of an enclosing one is cut there, so the
    markup is always well formed. ``spans`` must be sorted by (start, -end).
    """
    out: list[str] = []
    pos = 0
    stack: list[tuple[int, str]] = []  # (end, closing tag)

    def close_until(limit: int) -> None:
        nonlocal pos
        while stack and stack[-1][0] <= limit:
            end, tag = stack.pop()
            out.append(str(escape(text[pos:end])))
            out.append(tag)
            pos = end

    for s in spans:
        start, end = int(s["start"]), int(s["end"])
        if start < pos or start >= len(text):
            continue
        close_until(start)
        if stack:
            end = min(end, stack[-1][0])
        end = min(end, len(text))
        if end <= start:
            continue
        out.append(str(escape(text[pos:start])))
        pos = start
        role = str(s["role"])
        if role == "content":
            claim = s.get("claim_id")
            ident = f' id="{escape(anchor("q", claim))}"' if claim else ""
            title = f"claim {claim}" if claim else f"attribution {s['attr_id']}"
            out.append(f'<mark class="content"{ident} title="{escape(title)}">')
            stack.append((end, "</mark>"))
        else:
            out.append(f'<span class="{escape(role)}" title="{escape(role)}">')
            stack.append((end, "</span>"))
    close_until(len(text))
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


_LABEL_PX = 48
"""About the width of a month label ("2024-05") in the chart's 11 px tick font."""
_MONTH_STEPS = (1, 2, 3, 6, 12)


def month_ticks(first: date, end: date, px_per_month: float) -> list[tuple[date, bool]]:
    """The first day of each month in [first, end), and whether it carries a label.

    Every month gets a tick; labels (YYYY-MM, the say-do table's periods) go on every
    month, or every 2nd, 3rd, 6th or 12th, the fewest that keeps them ``_LABEL_PX``
    apart, on months that divide the year evenly (January, April, July, October for
    every 3rd), so that a reader can count along the axis.
    """
    step = next((s for s in _MONTH_STEPS if s * px_per_month >= _LABEL_PX), 12)
    month = date(first.year, first.month, 1)
    if month < first:
        month = _next_month(month)
    out = []
    while month < end:
        out.append((month, (month.month - 1) % step == 0))
        month = _next_month(month)
    return out


def _next_month(first_day: date) -> date:
    return date(first_day.year + first_day.month // 12, first_day.month % 12 + 1, 1)


def _weeks(first: date, last: date) -> list[date]:
    start = first - timedelta(days=first.weekday())
    return [start + timedelta(weeks=i) for i in range((last - start).days // 7 + 1)]


def timing_chart(timing: Mapping[str, Any], question: str | None) -> Markup:
    """Supporting claims per week, stacked by channel; decision dates as vertical
    lines; weeks holding a surge day shaded."""
    weekly = timing["weekly"]
    if not weekly:
        return Markup('<p class="empty">No dated claims support the question: no chart.</p>')
    counts: dict[tuple[str, str], int] = {(w["week"], w["channel"]): w["n"] for w in weekly}
    first = date.fromisoformat(min(w["week"] for w in weekly))
    last = date.fromisoformat(max(w["week"] for w in weekly))
    decisions = [
        d
        for d in timing["decisions"]
        if first <= date.fromisoformat(d["date"]) <= last + timedelta(6)
    ]
    weeks = _weeks(first, last)
    totals = [sum(counts.get((w.isoformat(), c), 0) for c in CHANNEL_COLOURS) for w in weeks]
    g = _WeekChart(weeks, max(max(totals), 1))
    surge_weeks = {
        date.fromisoformat(d) - timedelta(days=date.fromisoformat(d).weekday())
        for t in timing["tests"]
        for d in t["surge_days"]
    }
    parts = [
        *_surge_rects(g, surge_weeks),
        *_weekly_bars(g, totals, counts),
        *_decision_lines(g, decisions),
        *_count_ticks(g),
        *_month_axis(g),
    ]
    n_claims = sum(totals)
    desc = (
        f"{n_claims} claims supporting {question!r} from {weeks[0]} to {weeks[-1] + timedelta(6)}, "
        f"at most {g.top} in one week; {len(decisions)} decision dates in that span; "
        f"{len(surge_weeks)} week(s) with a surge. The table below gives every number."
    )
    return Markup(
        f'<svg class="chart" viewBox="0 0 {g.width} {g.height}" role="img" '
        f'aria-labelledby="timing-title timing-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="timing-title">Claims supporting the question per week, by channel</title>'
        f'<desc id="timing-desc">{escape(desc)}</desc>'
        f'<line x1="{g.left}" x2="{g.width - g.pad}" y1="{g.base}" y2="{g.base}" '
        f'class="axis"/>{"".join(parts)}</svg>'
    )


@dataclass(frozen=True, slots=True)
class _WeekChart:
    """The timing chart's geometry: a bar per week of ``weeks``, ``top`` claims tall
    at most, in a ``width`` by ``height`` box with margins ``left``, ``bottom`` and
    ``pad`` (top and right)."""

    weeks: list[date]
    top: int
    width: int = 900
    height: int = 260
    left: int = 40
    bottom: int = 30
    pad: int = 10

    @property
    def base(self) -> int:
        """The y of the axis, where bars stand."""
        return self.height - self.bottom

    @property
    def bar_w(self) -> float:
        return (self.width - self.left - self.pad) / len(self.weeks)

    @property
    def scale(self) -> float:
        """Pixels per claim."""
        return (self.height - self.bottom - self.pad) / self.top

    def x(self, day: date) -> float:
        return self.left + (day - self.weeks[0]).days / 7 * self.bar_w


def _surge_rects(g: _WeekChart, surge_weeks: set[date]) -> list[str]:
    return [
        f'<rect class="surge" x="{g.x(w):.1f}" y="{g.pad}" width="{max(g.bar_w, 2):.1f}" '
        f'height="{g.height - g.bottom - g.pad}"><title>surge in the week of {w}</title></rect>'
        for w in sorted(surge_weeks)
    ]


def _weekly_bars(
    g: _WeekChart, totals: list[int], counts: Mapping[tuple[str, str], int]
) -> list[str]:
    """Each week's bar, its channels stacked in ``CHANNEL_COLOURS`` order."""
    parts = []
    for w, total in zip(g.weeks, totals, strict=True):
        y: float = g.base
        for channel, colour in CHANNEL_COLOURS.items():
            n = counts.get((w.isoformat(), channel), 0)
            if not n:
                continue
            h = n * g.scale
            y -= h
            parts.append(
                f'<rect x="{g.x(w):.1f}" y="{y:.1f}" width="{max(g.bar_w - 0.5, 1):.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>week of {w}: {n} '
                f"{CHANNEL_LABELS[channel]} (total {total})</title></rect>"
            )
    return parts


def _decision_lines(g: _WeekChart, decisions: Sequence[Mapping[str, Any]]) -> list[str]:
    parts = []
    for d in decisions:
        day = date.fromisoformat(d["date"])
        parts.append(
            f'<line class="decision" x1="{g.x(day):.1f}" x2="{g.x(day):.1f}" y1="{g.pad}" '
            f'y2="{g.base}"><title>{escape(d["date"])}: {escape(d["decision"])}'
            f"</title></line>"
        )
    return parts


def _count_ticks(g: _WeekChart) -> list[str]:
    """Claims per week on the y axis: 0, then about every quarter of ``top``."""
    return [
        f'<text x="{g.left - 6}" y="{g.base - i * g.scale + 4:.1f}" text-anchor="end" '
        f'class="tick">{i}</text>'
        for i in range(0, g.top + 1, max(1, g.top // 4))
    ]


def _month_axis(g: _WeekChart) -> list[str]:
    """A tick on the x axis at each month, labelled as ``month_ticks`` says."""
    parts = []
    span_end = g.weeks[-1] + timedelta(days=7)
    per_month = (g.x(span_end) - g.x(g.weeks[0])) / max((span_end - g.weeks[0]).days / 30.44, 1)
    for month, labelled in month_ticks(g.weeks[0], span_end, per_month):
        mx = g.x(month)
        parts.append(
            f'<line class="month" x1="{mx:.1f}" x2="{mx:.1f}" y1="{g.base}" '
            f'y2="{g.base + (6 if labelled else 3)}"/>'
        )
        if labelled and mx <= g.width - g.pad - _LABEL_PX:
            parts.append(f'<text x="{mx:.1f}" y="{g.height - 8}" class="tick">{month:%Y-%m}</text>')
    return parts


def saydo_chart(rows: Sequence[Mapping[str, Any]]) -> Markup:
    """Words above the axis, deeds below, each gap's claims joined to its events."""
    points = [
        (date.fromisoformat(c["date"]), "word", c["claim_id"], c["quote"], i)
        for i, g in enumerate(rows)
        for c in g["claims"]
        if c.get("date")
    ] + [
        (date.fromisoformat(e["date"]), "deed", e["event_id"], e.get("description") or "", i)
        for i, g in enumerate(rows)
        for e in g["events"]
        if e.get("date")
    ]
    if not points:
        return Markup('<p class="empty">No say-do gaps to draw.</p>')
    first = min(p[0] for p in points) - timedelta(days=7)
    last = max(p[0] for p in points) + timedelta(days=7)
    width, height, left, pad = 900, 200, 20, 20
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        return float(left + (day - first).days / span * (width - left - pad))

    mid = height / 2
    parts = [f'<line class="axis" x1="{left}" x2="{width - pad}" y1="{mid}" y2="{mid}"/>']
    by_row: dict[int, list[tuple[date, str]]] = {}
    for day, kind, _ident, _text, row in points:
        by_row.setdefault(row, []).append((day, kind))
    for row, pts in by_row.items():
        words = [d for d, k in pts if k == "word"]
        deeds = [d for d, k in pts if k == "deed"]
        if words and deeds:
            w, d = min(words), min(deeds)
            # The sign of the table's lag (assess.saydo): deed date minus claim date.
            lag = (d - w).days
            parts.append(
                f'<line class="gap" x1="{x(w):.1f}" y1="{mid - 30}" x2="{x(d):.1f}" '
                f'y2="{mid + 30}"><title>gap {row + 1}: first deed {abs(lag)} day(s) '
                f"{'after' if lag >= 0 else 'before'} the first claim</title></line>"
            )
    for day, kind, ident, text, _row in points:
        y = mid - 30 if kind == "word" else mid + 30
        label = f"{day} {kind} {ident}: {text[:120]}"
        shape = (
            f'<circle cx="{x(day):.1f}" cy="{y}" r="5" class="word">'
            if kind == "word"
            else f'<rect x="{x(day) - 5:.1f}" y="{y - 5}" width="10" height="10" class="deed">'
        )
        closing = "</circle>" if kind == "word" else "</rect>"
        parts.append(f"{shape}<title>{escape(label)}</title>{closing}")
    parts.append(f'<text x="{left}" y="{mid - 45}" class="tick">words (claims)</text>')
    parts.append(f'<text x="{left}" y="{mid + 55}" class="tick">deeds (events)</text>')
    parts.append(f'<text x="{left}" y="{height - 4}" class="tick">{first}</text>')
    parts.append(
        f'<text x="{width - pad}" y="{height - 4}" text-anchor="end" class="tick">{last}</text>'
    )
    n_words = sum(p[1] == "word" for p in points)
    desc = (
        f"{len(rows)} say-do gap(s) between {first} and {last}: {n_words} claim(s) above the "
        f"axis, {len(points) - n_words} event(s) below. The table below lists each gap."
    )
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="saydo-title saydo-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="saydo-title">Words against deeds on one timeline</title>'
        f'<desc id="saydo-desc">{escape(desc)}</desc>{"".join(parts)}</svg>'
    )

"""The report in Markdown: the same sections as the HTML, for a wiki or a diff.

Text from documents is untrusted: ``<``, ``>`` and ``&`` become entities (a
Markdown renderer passes raw HTML through) and Markdown's punctuation is escaped
(``escape_text``).
Quotes keep their claim id and character span, so each can be found in its
document; documents are listed with their ids rather than reprinted.
"""

from __future__ import annotations

import re
from typing import Any

from feint.report.labels import LAG_HELP, day

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def escape_text(s: Any) -> str:
    """Untrusted text as Markdown that shows it as it is: HTML's ``& < >`` become
    entities and Markdown's punctuation is backslash-escaped, so that neither a tag
    nor a link, an image or emphasis can come out of a document."""
    text = str("" if s is None else s).replace("\n", " ")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", text)


_text = _cell = escape_text


def _pct(p: float | None) -> str:
    return "—" if p is None else f"{round(100 * p)}%"


def _quote(q: dict[str, Any]) -> str:
    return (
        f"“{_text(q['quote'])}” — {_text(q['source'] or 'unknown source')}, "
        f"{_text(q['outlet'] or 'unknown outlet')}, {day(q['date'])} "
        f"(claim `{q['claim_id']}`, document `{q['doc_id'][:12]}` [{q['start']}, {q['end']}))"
    )


def to_markdown(
    data: dict[str, Any],
    max_pairs: int,
    max_sources: int,
    max_quotes: int,
    companion: str = "report.json",
) -> str:
    """The report in Markdown; lists longer than the ``max_*`` point to ``companion``
    (the JSON report written beside it) for the rest."""
    out = [
        *_head(data),
        *_judgements(data),
        *_ach(data, max_quotes, companion),
        *_sources(data, max_sources, companion),
        *_contradictions(data, max_pairs, companion),
        *_shifts(data, max_pairs),
        *_saydo(data, companion),
        *_timing(data["timing"]),
        *_documents(data["documents"]),
        "",
    ]
    return "\n".join(out)


def _head(data: dict[str, Any]) -> list[str]:
    out: list[str] = ["# feint report", ""]
    c = data["counts"]
    if data["question"]:
        out.append(f"Question: **{_text(data['question'])}**")
        out.append("")
    out += [
        f"{c['documents']} documents, {c['claims']} claims, {c['sources']} sources, "
        f"{c['events']} events, {c['decisions']} decision dates. Written {data['generated_at']} "
        f"by feint {data['feint_version']} from `{data['store']}`.",
    ]
    return out


def _judgements(data: dict[str, Any]) -> list[str]:
    out = ["", "## Key judgements", ""]
    if not data["judgements"]:
        out += ["No judgements yet: run `feint assess` first.", ""]
    for j in data["judgements"]:
        lo, hi = j["probability"]
        out += [
            f"- **{_text(j['text'])}** ({j['band']}, {_pct(lo)}–{_pct(hi)}; "
            f"{j['confidence']} confidence)",
            f"  {_text(j['confidence_text'])}",
            "  Evidence: " + "; ".join(f"{_text(e['label'])} (`{e['id']}`)" for e in j["evidence"]),
        ]
    return out


def _ach(data: dict[str, Any], max_quotes: int, companion: str) -> list[str]:
    """The ACH matrix, its hypotheses, and each evidence row with its quotes."""
    out = ["", "## Analysis of competing hypotheses", ""]
    hs = data["hypotheses"]
    if not hs:
        return [*out, "No ACH matrix yet."]
    out.append(
        "| Evidence | Cred. | Rel. | "
        + " | ".join(_cell(h["id"].split(":")[-1]) for h in hs)
        + " | Diag. | Sensitivity |"
    )
    out.append("|" + "---|" * (len(hs) + 5))
    for e in data["evidence"]:
        cells = [data["ratings"].get(h["id"], {}).get(e["id"], {}).get("rating", "–") for h in hs]
        out.append(
            f"| {_cell(e['label'])} `{e['id'].split(':')[-1]}` | {e['credibility']} | "
            f"{e['relevance']} | "
            + " | ".join(cells)
            + f" | {e['diagnosticity']} | {_cell(e['sensitivity'] or '—')} |"
        )
    out.append("| **Score** | | | " + " | ".join(f"{h['score']:.2f}" for h in hs) + " | | |")
    out.append(
        "| **Rank (probability)** | | | "
        + " | ".join(f"{h['rank']} ({_pct(h['probability'])})" for h in hs)
        + " | | |"
    )
    out += ["", "Hypotheses:", ""]
    out += [f"- `{h['id']}` {_text(h['label'])} ({h['role']})" for h in hs]
    out += ["", "### Evidence and its quotes", ""]
    for e in data["evidence"]:
        out.append(f"- {_text(e['label'])} (`{e['id']}`): {_text(e['description'])}")
        shown = e["quotes"][:max_quotes]
        out += [f"  - {_quote(q)}" for q in shown]
        if e["n_quotes"] > len(shown):
            more = e["n_quotes"] - len(shown)
            out.append(f"  - and {more} more in {companion}, written beside this report")
    return out


def _sources(data: dict[str, Any], max_sources: int, companion: str) -> list[str]:
    out = ["", "## Sources and their grades", ""]
    out += ["One row per person or body, however many documents quote it.", ""]
    out += ["| Source | Kind | Affiliation | Mentions | Documents | Reliability | "
            "Credibility of claims | Why |", "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for s in data["sources"][:max_sources]:
        grades = " ".join(str(x["credibility"]) for x in s["claims"][:8])
        shares = ", ".join(f"{x['reliability']} {x['claims']}" for x in s["reliabilities"])
        mixed = f" (of its claims: {shares})" if len(s["reliabilities"]) > 1 else ""
        out.append(
            f"| {_cell(s['name'] or '—')} | {s['kind']} | {_cell(s['affiliation'] or '—')} | "
            f"{s['mentions']} | {s['documents']} | {s['reliability']}{mixed} | {grades} | "
            f"{_cell(s['rationale'] or '')} |"
        )
    if data["n_sources"] > min(len(data["sources"]), max_sources):
        more = data["n_sources"] - min(len(data["sources"]), max_sources)
        out += ["", f"{more} more sources in {companion}, written beside this report."]
    return out


def _pair(p: dict[str, Any]) -> list[str]:
    """A relation between two claims: its kind and why, then both quotes."""
    return [
        f"- {p['kind']} ({p['score'] or 0:.2f}, {p['method']}): {_text(p['explanation'])}",
        f"  - {_quote(p['a'])}",
        f"  - {_quote(p['b'])}",
    ]


def _contradictions(data: dict[str, Any], max_pairs: int, companion: str) -> list[str]:
    pairs = data["contradictions"]
    shown, total = min(len(pairs), max_pairs), data["n_contradictions"]
    out = ["", "## Contradictions", "", f"{shown} of {total} pairs."]
    if total > shown:
        out[-1] += f" The other {total - shown} are in {companion}, written beside this report."
    out.append("")
    for p in pairs[:max_pairs]:
        out += _pair(p)
    return out


def _shifts(data: dict[str, Any], max_pairs: int) -> list[str]:
    shifts = data["shifts"]
    out = ["", "## Changed positions", ""]
    out += [f"{min(len(shifts), max_pairs)} of {data['n_shifts']} pairs: a later claim reverses an "
            "earlier one about the same actor (the earlier first)."]  # fmt: skip
    for p in shifts[:max_pairs]:
        out += _pair(p)
    return out


def _saydo(data: dict[str, Any], companion: str) -> list[str]:
    """Each say-do gap with its words and deeds."""
    out = ["", "## Words against deeds", ""]
    for g in data["saydo"]:
        out.append(
            f"- {g['period']} {_text(g['actor'])}, {g['channel']}: {g['direction']}, "
            f"lag {g['lag_days']} days"
        )
        out += [f"  - word: {_quote(q)}" for q in g["claims"]]
        if g["n_claims"] > len(g["claims"]):
            out.append(f"  - and {g['n_claims'] - len(g['claims'])} more words in {companion}")
        out += [
            f"  - deed: {day(e['date'])} `{e['event_id']}` "
            f"{_text(e.get('description') or e['type'])}"
            for e in g["events"]
        ]
        if g["n_events"] > len(g["events"]):
            out.append(f"  - and {g['n_events'] - len(g['events'])} more deeds in {companion}")
    if data["saydo"]:
        out += ["", LAG_HELP]
    else:
        out.append("No say-do gaps.")
    return out


def _timing(timing: dict[str, Any]) -> list[str]:
    """The precursor tests, then the chart's numbers as tables."""
    out = ["", "## Timing against decisions", ""]
    for t in timing["tests"]:
        rate = "—" if t["precursor_rate"] is None else f"{t['precursor_rate']:.2f}"
        p = "—" if t["p_value"] is None else f"{t['p_value']:.3f}"
        out.append(
            f"- **{t['channel']}**: {t['n_preceded']} of {t['n_decisions']} decisions preceded "
            f"by a surge within {t['window_days']} days; precursor rate {rate}, p = {p} "
            f"({t['n_surges']} surges). {_text(t['note'] or '')}"
        )
    out += [
        "",
        "Supporting claims per week:",
        "",
        "| Week of | Channel | Claims |",
        "|---|---|---|",
    ]
    out += [f"| {w['week']} | {w['channel']} | {w['n']} |" for w in timing["weekly"]]
    out += ["", "Decision dates:", "", "| Date | Audience | Decision |", "|---|---|---|"]
    out += [
        f"| {d['date']} | {_cell(d['audience'])} | {_cell(d['decision'])} |"
        for d in timing["decisions"]
    ]
    return out


def _documents(documents: list[dict[str, Any]]) -> list[str]:
    out = ["", "## Documents", ""]
    for d in documents:
        out.append(
            f"- `{d['doc_id'][:12]}` {_text(d['title'] or 'untitled')} — "
            f"{_text(d['outlet'] or 'unknown outlet')}, {d['published'] or 'undated'}"
            f"{', ' + _text(d['url']) if d['url'] else ''} ({len(d['spans'])} marked spans)"
        )
    return out

"""Stage 6, assess: grades, say-do gaps, timing, the ACH matrix and key judgements.

``assess(store, question)`` runs, in order: stances toward the question (relate,
which embeds and judges only what it has not yet), say-do gaps, source grades
(credibility lowered where words and deeds part), the timing test, the evidence
rows, the ratings (an analyst's kept; rules first, the judge where rules are
silent), scores, diagnosticity, sensitivity, and the key judgements. Each run
replaces this question's rows; nothing is hard-coded: change the evidence and the
ranking and the judgement follow.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any, Final

from feint.assess import ach
from feint.assess.ach import Evidence, Hypothesis, question_id
from feint.assess.evidence import build_evidence
from feint.assess.grades import grade_store
from feint.assess.judgements import Judgement, band_of, confidence_of, sentence, temper
from feint.assess.saydo import Actor, inconsistent_claims, saydo_store
from feint.assess.timing import timing_store
from feint.config import AssessOptions, RelateOptions
from feint.errors import UsageError
from feint.relate.judge import Judge, get_judge
from feint.store import Store

ANALYST_HYPOTHESIS: Final = re.compile(r":H-(achz|analyst)-\d+$")
"""Ids of hypotheses an analyst added (``import_achz``), kept on re-runs."""


@dataclass(slots=True)
class AssessReport:
    """What one ``assess`` call found."""

    question: str
    hypotheses: list[Hypothesis] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    matrix: dict[tuple[str, str], str] = field(default_factory=dict)
    proposed_by: dict[tuple[str, str], str] = field(default_factory=dict)
    notes: dict[tuple[str, str], str] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    ranking: list[str] = field(default_factory=list)
    probabilities: dict[str, float] = field(default_factory=dict)
    diagnosticity: dict[str, int] = field(default_factory=dict)
    sensitivity: dict[str, list[str]] = field(default_factory=dict)
    judgements: list[Judgement] = field(default_factory=list)


def read_hypotheses(path: str | Path, question: str) -> list[Hypothesis]:
    """Hypotheses from a JSON or TOML file: a list of {id, label, role}.

    ``role`` is genuine, deception, divided, pause or other (default). A file
    without a deception hypothesis gets the template's, with the first id H{n} from
    n = the file's count + 1 that the file does not use: ACH always weighs one.

    Raises:
        UsageError: the file is missing or unreadable, or its hypotheses are not valid.
    """
    p = Path(path)
    try:
        text = p.read_text("utf-8")
        data: Any = tomllib.loads(text)["hypotheses"] if p.suffix == ".toml" else json.loads(text)
    except FileNotFoundError as e:
        raise UsageError(f"No hypotheses file {str(p)!r}; check --hypotheses.") from e
    except OSError as e:  # a folder, no permission, a failing disk
        raise UsageError(
            f"Cannot read the hypotheses file {str(p)!r} ({e.strerror or e}); give the path "
            "of a readable JSON or TOML file with --hypotheses."
        ) from e
    except RecursionError as e:  # JSON nested thousands deep
        raise UsageError(
            f"Cannot read hypotheses from {str(p)!r}: it is nested deeper than a list of "
            "hypotheses ever is. Give a JSON list like "
            '[{"id": "H1", "label": "...", "role": "genuine"}] or a TOML file with '
            "[[hypotheses]] tables."
        ) from e
    except (KeyError, ValueError, tomllib.TOMLDecodeError) as e:
        raise UsageError(
            f"Cannot read hypotheses from {str(p)!r} ({e}). Give a JSON list like "
            '[{"id": "H1", "label": "...", "role": "genuine"}] or a TOML file with '
            "[[hypotheses]] tables."
        ) from e
    if not isinstance(data, list) or not data:
        raise UsageError(f"{str(p)!r} holds no hypotheses: give a non-empty list.")
    out = []
    for n, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not str(item.get("label", "")).strip():
            raise UsageError(f"{str(p)!r}: hypothesis {n} needs a label.")
        if not all(isinstance(item.get(k, ""), str | int) for k in ("id", "label", "role")):
            raise UsageError(
                f"{str(p)!r}: hypothesis {n}'s id, label and role must be text, not lists "
                "or tables."
            )
        role = str(item.get("role", "other"))
        if role not in (*ach.ROLES, "other"):
            raise UsageError(
                f"{str(p)!r}: hypothesis {n} has role {role!r}; use one of "
                f"{', '.join(ach.ROLES)} or other."
            )
        out.append(Hypothesis(str(item.get("id", f"H{n}")), str(item["label"]).strip(), role))
    if len({h.hypothesis_id for h in out}) != len(out):
        raise UsageError(f"{str(p)!r}: hypothesis ids must differ.")
    if not any(h.is_deception for h in out):
        deception = next(h for h in ach.template(question) if h.is_deception)
        out.append(Hypothesis(_unused_id(out), deception.label, "deception"))
    return out


def _unused_id(hypotheses: list[Hypothesis]) -> str:
    """H{n} for the first n after the file's count that no hypothesis in it holds."""
    taken = {h.hypothesis_id for h in hypotheses}
    return next(f"H{n}" for n in count(len(hypotheses) + 1) if f"H{n}" not in taken)


def assess(
    store: Store,
    question: str,
    options: AssessOptions | None = None,
    *,
    hypotheses: list[Hypothesis] | None = None,
    judge: Judge | None = None,
    relate_options: RelateOptions | None = None,
) -> AssessReport:
    """Assess ``question`` from the store; writes the assess tables for it."""
    from feint.relate.stage import relate

    options = options or AssessOptions()
    question = " ".join(question.split())
    if not question:
        raise UsageError(
            "The question is empty: give a proposition such as 'Russia seeks a truce'."
        )
    relate_options = relate_options or RelateOptions()
    judge = judge or get_judge(relate_options.judge)
    relate(store, relate_options, question=question, judge=judge)  # stances, if missing
    qid = question_id(question)
    gaps = saydo_store(store, question, options.saydo_window_days, options.actor)
    grade_store(store, inconsistent_claims(gaps))
    timing = timing_store(store, question, options.timing_window_days, options.permutations)
    report = AssessReport(question)
    report.hypotheses = [
        Hypothesis(f"{qid}:{h.hypothesis_id}", h.label, h.role)
        for h in (hypotheses or ach.template(question))
    ]
    who = Actor.of(question, options.actor)
    report.evidence = build_evidence(store, question, qid, gaps, timing, who)
    _keep_analysts(store, report, keep_hypotheses=hypotheses is None)
    _rate(store, report, judge)
    conclude(report, qid)
    save(store, report)
    return report


def stored_report(store: Store, question: str) -> AssessReport:
    """The ACH matrix the store holds for ``question``, unscored: hypotheses,
    evidence rows and ratings as ``assess`` (or an analyst) last wrote them."""
    q = " ".join(question.split())
    report = AssessReport(q)
    report.hypotheses = [
        Hypothesis(hid, label, role or ("deception" if deception else "other"))
        for hid, label, role, deception in store.query(
            "SELECT hypothesis_id, label, role, is_deception FROM hypotheses WHERE question = ? "
            "ORDER BY length(hypothesis_id), hypothesis_id",
            [q],
        ).rows
    ]
    report.evidence = [
        Evidence(eid, text or "", kind or "analyst", _level(cred), _level(rel), tuple(refs or ()))
        for eid, text, kind, cred, rel, refs in store.query(
            "SELECT evidence_id, description, kind, credibility, relevance, refs FROM evidence "
            "WHERE question = ? ORDER BY evidence_id",
            [q],
        ).rows
    ]
    cells = {(h.hypothesis_id, e.evidence_id) for h in report.hypotheses for e in report.evidence}
    for h, e, rating, by, note in store.query(
        "SELECT hypothesis_id, evidence_id, rating, proposed_by, note FROM ratings "
        "WHERE question = ?",
        [q],
    ).rows:
        if (h, e) in cells:
            report.matrix[(h, e)], report.proposed_by[(h, e)] = rating, by
            if note:
                report.notes[(h, e)] = note
    return report


def rescore(store: Store, question: str) -> AssessReport:
    """Score the stored matrix again and rewrite its scores and key judgements, with
    no judge and no other stage: what an analyst's edit needs, at once."""
    report = stored_report(store, question)
    if not report.hypotheses:
        raise UsageError(
            f"No ACH matrix for {report.question!r} in the store: run "
            f"'feint assess --question \"{report.question}\"' first."
        )
    for h in report.hypotheses:  # a cell nobody rated yet (a new row) counts as neutral
        for e in report.evidence:
            report.matrix.setdefault((h.hypothesis_id, e.evidence_id), "N")
            report.proposed_by.setdefault((h.hypothesis_id, e.evidence_id), "default")
    save(store, conclude(report, question_id(report.question)))
    return report


def add_evidence(
    store: Store,
    question: str,
    description: str,
    credibility: str = "medium",
    relevance: str = "medium",
) -> str:
    """An evidence row the analyst adds (kind ``analyst``): kept on every re-run of
    ``assess``, rated N until someone rates it. Returns its id."""
    description = " ".join(description.split())
    if len(description) < 3:
        raise UsageError("Describe the evidence in a few words.")
    for name, level in (("credibility", credibility), ("relevance", relevance)):
        if level not in ach.WEIGHT:
            raise UsageError(f"{name} {level!r} is not one of {', '.join(ach.WEIGHT)}.")
    report = stored_report(store, question)
    if not report.hypotheses:
        raise UsageError(f"No ACH matrix for {report.question!r}: run 'feint assess' on it first.")
    qid = question_id(report.question)
    taken = {e.evidence_id for e in report.evidence}
    n = 1 + sum(1 for e in taken if e.startswith(f"{qid}:E-analyst-"))
    while f"{qid}:E-analyst-{n}" in taken:
        n += 1
    eid = f"{qid}:E-analyst-{n}"
    with store.transaction():
        store.insert_rows(
            "evidence",
            ("evidence_id", "question", "description", "kind", "credibility", "relevance",
             "refs", "weight", "diagnosticity"),
            [(eid, report.question, description, "analyst", credibility, relevance, [],
              ach.WEIGHT[credibility] * ach.WEIGHT[relevance], 0)],
        )  # fmt: skip
    rescore(store, report.question)
    return eid


def _keep_analysts(store: Store, report: AssessReport, keep_hypotheses: bool) -> None:
    """What the analyst added to the matrix (evidence rows of kind ``analyst...``, and
    hypotheses imported from a PARC ACH file) stays on a re-run; with a new
    hypotheses file, only the evidence does."""
    before = stored_report(store, report.question)
    have = {e.evidence_id for e in report.evidence}
    report.evidence += [
        e for e in before.evidence if e.kind.startswith("analyst") and e.evidence_id not in have
    ]
    if keep_hypotheses:
        ids = {h.hypothesis_id for h in report.hypotheses}
        report.hypotheses += [
            h
            for h in before.hypotheses
            if ANALYST_HYPOTHESIS.search(h.hypothesis_id) and h.hypothesis_id not in ids
        ]


def _level(level: str | None) -> str:
    return level if level in ach.WEIGHT else "medium"


def conclude(report: AssessReport, qid: str) -> AssessReport:
    """Score a rated matrix and write its key judgements (no store involved)."""
    _score(report)
    report.judgements = _judge(report, qid)
    return report


def provenance(store: Store, evidence_ids: list[str]) -> list[dict[str, Any]]:
    """Where evidence rows come from, down to a document and a character span: each
    claim they cite, with its content's [start, end) in the document's text."""
    if not evidence_ids:
        return []
    return store.query(
        """
        SELECT e.evidence_id, c.claim_id, a.doc_id, a.content_start AS start,
               a.content_end AS "end", a.content_text AS quote, d.title, d.url
        FROM evidence e, unnest(e.refs) AS r(ref)
        JOIN claims c ON c.claim_id = r.ref JOIN attributions a USING (attr_id)
        JOIN documents d USING (doc_id)
        WHERE list_contains(?, e.evidence_id)
        ORDER BY e.evidence_id, c.claim_id
        """,
        [evidence_ids],
    ).records()


def set_rating(store: Store, hypothesis_id: str, evidence_id: str, rating: str) -> None:
    """An analyst's rating: kept over the rules' and the judge's on every re-run."""
    if rating not in ach.RATINGS:
        raise UsageError(f"Rating {rating!r} is not one of {', '.join(ach.RATINGS)}.")
    known = store.query(
        "SELECT h.question FROM hypotheses h JOIN evidence e USING (question) "
        "WHERE h.hypothesis_id = ? AND e.evidence_id = ?",
        [hypothesis_id, evidence_id],
    ).rows
    if not known:
        raise UsageError(
            f"No hypothesis {hypothesis_id!r} or no evidence {evidence_id!r} in the "
            "store; run 'feint assess' first and take the ids it prints."
        )
    with store.transaction() as conn:
        conn.execute(
            "DELETE FROM ratings WHERE hypothesis_id = ? AND evidence_id = ?",
            [hypothesis_id, evidence_id],
        )
        store.insert_rows(
            "ratings",
            ("hypothesis_id", "evidence_id", "rating", "proposed_by", "note", "question"),
            [(hypothesis_id, evidence_id, rating, "analyst", "set by the analyst", known[0][0])],
        )


def _rate(store: Store, report: AssessReport, judge: Judge) -> None:
    """Both proposers rate every cell: the judge reads each evidence statement
    against each hypothesis, the rules know what each kind of evidence means for
    each role. The analyst's rating wins, then the rules', then the judge's; the
    note keeps what each proposed."""
    analyst = {
        (h, e): r
        for h, e, r in store.query(
            "SELECT hypothesis_id, evidence_id, rating FROM ratings WHERE proposed_by = 'analyst'"
        ).rows
    }
    cells = [(h, e) for h in report.hypotheses for e in report.evidence]
    verdicts = judge.judge_many([(e.description, h.label) for h, e in cells])
    for (h, e), v in zip(cells, verdicts, strict=True):
        key = (h.hypothesis_id, e.evidence_id)
        by_judge = ach.judge_rating(v.scores["entailment"], v.scores["contradiction"])
        by_rules = ach.rule_rating(e, h)
        report.notes[key] = f"rules: {by_rules or '-'}; judge ({judge.name}): {by_judge}"
        if key in analyst:
            report.matrix[key], report.proposed_by[key] = analyst[key], "analyst"
        elif by_rules is not None:
            report.matrix[key], report.proposed_by[key] = by_rules, "rules"
        else:
            report.matrix[key], report.proposed_by[key] = by_judge, f"judge:{judge.name}"


def _score(report: AssessReport) -> None:
    hs, ev, m = report.hypotheses, report.evidence, report.matrix
    report.scores = ach.scores(hs, ev, m)
    report.ranking = ach.ranking(hs, ev, m)
    report.probabilities = ach.probabilities(hs, ev, m)
    report.diagnosticity = {e.evidence_id: ach.diagnosticity(hs, e, m) for e in ev}
    report.sensitivity = ach.sensitivity(hs, ev, m) if ev else {}


def _judge(report: AssessReport, qid: str) -> list[Judgement]:
    """J1, the leading hypothesis, and J2, the question's own (genuine) hypothesis.

    Each judgement rests on its own rows (those that tell its hypothesis from
    another) and gives its own confidence: J1 how far single rows could change which
    hypothesis leads, J2 how far they could move its band. An extreme band needs
    ``MIN_ROWS_FOR_EXTREMES`` independent, credible rows (``temper``).
    """
    if not report.evidence:
        return []
    by_id = {h.hypothesis_id: h for h in report.hypotheses}
    top = by_id[report.ranking[0]]
    out = [_judgement(report, f"{qid}:J1", top, top.label, lead=True)]
    genuine = next((h for h in report.hypotheses if h.role == "genuine"), None)
    if genuine is not None:
        out.append(_judgement(report, f"{qid}:J2", genuine, report.question, lead=False))
    return out


def _judgement(
    report: AssessReport, judgement_id: str, h: Hypothesis, subject: str, *, lead: bool
) -> Judgement:
    hs, ev, m = report.hypotheses, report.evidence, report.matrix
    bearing = [e for e in ev if _tells_apart(hs, e, m, h)]
    p = report.probabilities[h.hypothesis_id]
    if lead:
        ids = {e.evidence_id for e in bearing}
        sensitive = {e: how for e, how in report.sensitivity.items() if e in ids}
    else:
        band = band_of(p)[0]
        sensitive = {
            e.evidence_id: ["removed"]
            for e in bearing
            if band_of(ach.probabilities(hs, [x for x in ev if x is not e], m)[h.hypothesis_id])[0]
            != band
        }
    p, held = temper(p, _independent_credible(bearing))
    high = sum(e.credibility == "high" for e in bearing) / len(bearing) if bearing else 0.0
    about = "the leading hypothesis" if lead else "this estimate's band"
    level, why = confidence_of(len(bearing), sensitive, high, about, held)
    text, band_words, low, high_p = sentence(subject, p)
    rests_on = tuple(e.evidence_id for e in (bearing or ev))
    return Judgement(
        judgement_id, report.question, text, band_words, low, high_p, level, why, rests_on
    )


def _tells_apart(hs: list[Hypothesis], e: Evidence, m: ach.Matrix, h: Hypothesis) -> bool:
    """Is ``e`` rated differently for ``h`` than for some other hypothesis?"""
    mine = m.get((h.hypothesis_id, e.evidence_id), "NA")
    others = {m.get((x.hypothesis_id, e.evidence_id), "NA") for x in hs if x is not h}
    return mine != "NA" and bool(others - {mine, "NA"})


def _independent_credible(rows: list[Evidence]) -> int:
    """Rows of medium or high credibility, each resting on refs no row counted
    before it rests on (the most credible counted first)."""
    seen: set[str] = set()
    n = 0
    for e in sorted(rows, key=lambda e: -e.weight):
        if e.credibility == "low" or seen & set(e.refs):
            continue
        seen |= set(e.refs)
        n += 1
    return n


def save(store: Store, report: AssessReport) -> None:
    """Replace the question's hypotheses, evidence, ratings (but the analyst's) and
    judgements with ``report``'s."""
    q = report.question
    rank = {h: n for n, h in enumerate(report.ranking, start=1)}
    now = datetime.now(UTC).replace(tzinfo=None)
    with store.transaction() as conn:
        for table in ("hypotheses", "evidence", "judgements"):
            conn.execute(f"DELETE FROM {table} WHERE question = ?", [q])
        conn.execute("DELETE FROM ratings WHERE question = ? AND proposed_by <> 'analyst'", [q])
        store.insert_rows(
            "hypotheses",
            (
                "hypothesis_id",
                "question",
                "label",
                "is_deception",
                "role",
                "score",
                "rank",
                "probability",
            ),
            [
                (
                    h.hypothesis_id,
                    q,
                    h.label,
                    h.is_deception,
                    h.role,
                    report.scores[h.hypothesis_id],
                    rank[h.hypothesis_id],
                    report.probabilities[h.hypothesis_id],
                )
                for h in report.hypotheses
            ],
        )
        store.insert_rows(
            "evidence",
            (
                "evidence_id",
                "question",
                "description",
                "kind",
                "credibility",
                "relevance",
                "refs",
                "weight",
                "diagnosticity",
                "sensitivity",
            ),
            [
                (
                    e.evidence_id,
                    q,
                    e.description,
                    e.kind,
                    e.credibility,
                    e.relevance,
                    list(e.refs),
                    e.weight,
                    report.diagnosticity[e.evidence_id],
                    ", ".join(report.sensitivity.get(e.evidence_id, [])) or None,
                )
                for e in report.evidence
            ],
        )
        store.insert_rows(
            "ratings",
            ("hypothesis_id", "evidence_id", "rating", "proposed_by", "question", "note"),
            [
                (h, e, r, report.proposed_by[(h, e)], q, report.notes.get((h, e)))
                for (h, e), r in report.matrix.items()
                if report.proposed_by[(h, e)] != "analyst"
            ],
        )
        store.insert_rows(
            "judgements",
            (
                "judgement_id",
                "question",
                "text",
                "band",
                "probability_low",
                "probability_high",
                "confidence",
                "evidence_ids",
                "confidence_text",
                "made_at",
            ),
            [
                (
                    j.judgement_id,
                    q,
                    j.text,
                    j.band,
                    j.probability_low,
                    j.probability_high,
                    j.confidence,
                    list(j.evidence_ids),
                    j.confidence_text,
                    now,
                )
                for j in report.judgements
            ],
        )

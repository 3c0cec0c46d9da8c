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
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any

from feint.assess import ach
from feint.assess.ach import Evidence, Hypothesis, question_id
from feint.assess.evidence import build_evidence
from feint.assess.grades import grade_store
from feint.assess.judgements import Judgement, confidence_of, sentence
from feint.assess.saydo import inconsistent_claims, saydo_store
from feint.assess.timing import timing_store
from feint.config import AssessOptions, RelateOptions
from feint.errors import UsageError
from feint.relate.judge import Judge, get_judge
from feint.store import Store


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
    report.evidence = build_evidence(store, question, qid, gaps, timing)
    _rate(store, report, judge)
    conclude(report, qid)
    _write(store, report)
    return report


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
    if not report.evidence:
        return []
    by_id = {h.hypothesis_id: h for h in report.hypotheses}
    diagnostic = [e for e in report.evidence if report.diagnosticity[e.evidence_id] > 0]
    rests_on = tuple(e.evidence_id for e in (diagnostic or report.evidence))
    high = sum(e.credibility == "high" for e in report.evidence) / len(report.evidence)
    level, why = confidence_of(len(diagnostic), report.sensitivity, high)
    out = []
    top = by_id[report.ranking[0]]
    text, band, low, high_p = sentence(top.label, report.probabilities[top.hypothesis_id])
    out.append(
        Judgement(f"{qid}:J1", report.question, text, band, low, high_p, level, why, rests_on)
    )
    genuine = next((h for h in report.hypotheses if h.role == "genuine"), None)
    if genuine is not None:
        text, band, low, high_p = sentence(
            report.question, report.probabilities[genuine.hypothesis_id]
        )
        out.append(
            Judgement(f"{qid}:J2", report.question, text, band, low, high_p, level, why, rests_on)
        )
    return out


def _write(store: Store, report: AssessReport) -> None:
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

"""The ACH matrix as the store keeps it: hypotheses, evidence rows and ratings.

``ach`` holds the pure rules (what a rating is, how PARC ACH scores a matrix) and
stays free of the store, so the rules can be read, tested and reused (``achz``,
``evidence``) without a database; this module sits beside it and holds what
touches the store: reading and writing a question's matrix (``stored_report``,
``save``), proposing ratings (an analyst's kept, then the rules', then the
judge's: ``rate``, ``set_rating``), an analyst's own rows (``add_evidence``,
``keep_analysts``), scoring again after an edit (``rescore``), and which quotes
an evidence row rests on (``provenance``). The key judgements' selection and
wording are ``judgements``'; the order of the whole run is ``stage``'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from feint.assess import ach
from feint.assess.ach import Evidence, Hypothesis, question_id
from feint.assess.judgements import Judgement, key_judgements
from feint.errors import UsageError
from feint.relate.judges.judge import Judge
from feint.store import Store
from feint.store.records import EvidenceRow, HypothesisRow, JudgementRow, RatingRow

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
        weight = ach.WEIGHT[credibility] * ach.WEIGHT[relevance]
        store.insert(
            [EvidenceRow(eid, description, "analyst", credibility, relevance, [],
                         report.question, weight, 0, None)]
        )  # fmt: skip
    rescore(store, report.question)
    return eid


def keep_analysts(store: Store, report: AssessReport, keep_hypotheses: bool) -> None:
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
    report.judgements = key_judgements(report, qid)
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
    with store.transaction():
        put_analyst_ratings(
            store, {(hypothesis_id, evidence_id): rating}, "set by the analyst", known[0][0]
        )


def put_analyst_ratings(
    store: Store, cells: dict[tuple[str, str], str], note: str, question: str
) -> None:
    """Store the analyst's ratings of (hypothesis, evidence) cells over whatever rated
    them before (inside a transaction)."""
    for h, e in cells:
        store.delete(RatingRow, hypothesis_id=h, evidence_id=e)
    store.insert([RatingRow(h, e, r, "analyst", question, note) for (h, e), r in cells.items()])


def rate(store: Store, report: AssessReport, judge: Judge) -> None:
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


def save(store: Store, report: AssessReport) -> None:
    """Replace the question's hypotheses, evidence, ratings (but the analyst's) and
    judgements with ``report``'s."""
    q = report.question
    now = datetime.now(UTC).replace(tzinfo=None)
    with store.transaction() as conn:
        for kind in (HypothesisRow, EvidenceRow, JudgementRow):
            store.delete(kind, question=q)
        conn.execute("DELETE FROM ratings WHERE question = ? AND proposed_by <> 'analyst'", [q])
        _insert_hypotheses(store, report)
        _insert_evidence(store, report)
        _insert_ratings(store, report)
        _insert_judgements(store, report, now)


def _insert_hypotheses(store: Store, report: AssessReport) -> None:
    """The hypotheses with their scores, ranks and probabilities."""
    rank = {h: n for n, h in enumerate(report.ranking, start=1)}
    store.insert(
        [
            HypothesisRow(
                h.hypothesis_id,
                report.question,
                h.label,
                h.is_deception,
                h.role,
                report.scores[h.hypothesis_id],
                rank[h.hypothesis_id],
                report.probabilities[h.hypothesis_id],
            )
            for h in report.hypotheses
        ]
    )


def _insert_evidence(store: Store, report: AssessReport) -> None:
    """The evidence rows with their weights, diagnosticity and sensitivity."""
    store.insert(
        [
            EvidenceRow(
                e.evidence_id,
                e.description,
                e.kind,
                e.credibility,
                e.relevance,
                list(e.refs),
                report.question,
                e.weight,
                report.diagnosticity[e.evidence_id],
                ", ".join(report.sensitivity.get(e.evidence_id, [])) or None,
            )
            for e in report.evidence
        ]
    )


def _insert_ratings(store: Store, report: AssessReport) -> None:
    """The ratings the rules and the judge proposed; the analyst's are in the store
    already (``set_rating``) and were not deleted."""
    store.insert(
        [
            RatingRow(
                h, e, r, report.proposed_by[(h, e)], report.question, report.notes.get((h, e))
            )
            for (h, e), r in report.matrix.items()
            if report.proposed_by[(h, e)] != "analyst"
        ]
    )


def _insert_judgements(store: Store, report: AssessReport, made_at: datetime) -> None:
    """The key judgements, each stamped ``made_at``."""
    store.insert(
        [
            JudgementRow(
                j.judgement_id,
                report.question,
                j.text,
                j.band,
                j.probability_low,
                j.probability_high,
                j.confidence,
                list(j.evidence_ids),
                j.confidence_text,
                made_at,
            )
            for j in report.judgements
        ]
    )

"""Stage 6, assess: grades, say-do gaps, timing, the ACH matrix and key judgements.

``assess(store, question)`` reads the claims' stances toward the question, which
relate takes first (``Session.assess`` runs it; the stage itself never runs another
stage), and runs, in order: say-do gaps, source grades
(credibility lowered where words and deeds part), the timing test, the evidence
rows, the ratings (an analyst's kept; rules first, the judge where rules are
silent), scores, diagnosticity, sensitivity, and the key judgements. Each run
replaces this question's rows; nothing is hard-coded: change the evidence and the
ranking and the judgement follow.

This module holds the order of that run and the reading of a hypotheses file; the
matrix (its storage, ratings, rescoring, an analyst's rows, provenance) is
``matrix``'s, the rows ``evidence``'s, the judgements ``judgements``'.
"""

from __future__ import annotations

import json
import logging
import tomllib
from itertools import count
from pathlib import Path
from typing import Any

from feint.assess import ach
from feint.assess.ach import Hypothesis, question_id
from feint.assess.evidence import build_evidence
from feint.assess.grades import grade_store
from feint.assess.matrix import (
    AssessReport,
    conclude,
    keep_analysts,
    rate,
    save,
)
from feint.assess.saydo import Actor, inconsistent_claims, saydo_store
from feint.assess.timing import timing_store
from feint.config import AssessOptions, RelateOptions
from feint.errors import UsageError
from feint.relate.judges.judge import Judge, get_judge
from feint.store import Store

log = logging.getLogger(__name__)


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
    options = options or AssessOptions()
    question = " ".join(question.split())
    if not question:
        raise UsageError(
            "The question is empty: give a proposition such as 'Russia seeks a truce'."
        )
    relate_options = relate_options or RelateOptions()
    judge = judge or get_judge(relate_options.judge)
    if not store.query("SELECT 1 FROM stances WHERE question = ? LIMIT 1", [question]).rows:
        log.warning(
            "No claim has a stance toward %r yet: relate the store with this question "
            "first (feint relate -q, or Session.assess, which does).",
            question,
        )
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
    keep_analysts(store, report, keep_hypotheses=hypotheses is None)
    rate(store, report, judge)
    conclude(report, qid)
    save(store, report)
    return report

"""The analyst's edits to a stored matrix: an added evidence row and its ratings are
scored at once (no judge), and survive a re-run of assess."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.conftest import ASSESSED_Q, copy_store

from feint.assess.matrix import add_evidence, rescore, set_rating, stored_report
from feint.assess.stage import assess
from feint.errors import UsageError
from feint.store import Store

pytestmark = [pytest.mark.model, pytest.mark.slow]


def test_added_evidence_is_scored_at_once_and_kept(
    assessed_case: Path, tmp_path: Path, default_judge: Any
) -> None:
    with Store.open(copy_store(assessed_case, tmp_path)) as store:
        before = rescore(store, ASSESSED_Q)
        eid = add_evidence(store, ASSESSED_Q, "New trenches dug north of Kharkiv", "high", "high")
        added = stored_report(store, ASSESSED_Q)
        assert eid in {e.evidence_id for e in added.evidence}
        assert {added.matrix[(h.hypothesis_id, eid)] for h in added.hypotheses} == {"N"}
        genuine = next(h.hypothesis_id for h in added.hypotheses if h.role == "genuine")
        set_rating(store, genuine, eid, "II")
        after = rescore(store, ASSESSED_Q)
        assert after.scores[genuine] == pytest.approx(before.scores[genuine] - 2 * 2.0)
        again = assess(store, ASSESSED_Q, judge=default_judge)  # the analyst's row stays
        assert eid in {e.evidence_id for e in again.evidence}
        assert again.matrix[(genuine, eid)] == "II"
        assert again.proposed_by[(genuine, eid)] == "analyst"
        with pytest.raises(UsageError, match="credibility"):
            add_evidence(store, ASSESSED_Q, "Something else seen", "certain")
        with pytest.raises(UsageError, match="feint assess"):
            rescore(store, "Mars is red")

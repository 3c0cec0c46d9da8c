"""Where the judges were: they live in ``feint.relate.judges`` now (issue 15 item 5).

Kept only while ``session.py`` and ``assess/stage.py`` (being edited elsewhere) still
import from here; delete it once they import ``feint.relate.judges.judge``.
"""

from __future__ import annotations

from feint.relate.judges.judge import (
    DEFAULT_JUDGE,
    JUDGES,
    LABELS,
    Judge,
    NliVerdict,
    check_spec,
    get_judge,
    judge,
)

__all__ = [
    "DEFAULT_JUDGE",
    "JUDGES",
    "LABELS",
    "Judge",
    "NliVerdict",
    "check_spec",
    "get_judge",
    "judge",
]

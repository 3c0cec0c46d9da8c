"""Check the domain set against the rules in README.md; exit 1 on any failure.

    python data/semantics/check.py            # prints counts and every problem
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1].parent / "shared" / "data"
LABELS = {
    "stance": {"support", "oppose", "neutral"},
    "relation": {"contradicts", "agrees", "compatible", "shift"},
}
FIELDS = {
    "stance": {"id", "setting", "source", "claim", "question", "label", "case"},
    "relation": {"id", "setting", "a", "a_source", "a_date", "b", "b_source", "b_date", "label",
                 "case"},
}  # fmt: skip
CASES = {
    "stance": {"double_negation", "denial_of_report", "conditional_offer", "hedged_vs_flat",
               "different_actor", "action_account", "plain"},
    "relation": {"double_negation", "denial_of_report", "conditional_offer", "hedged_vs_flat",
                 "different_actor", "same_source_repeat", "shift", "count_or_date",
                 "action_account", "plain"},
}  # fmt: skip
FRAME_SHARE = 0.05  # no masked five-word opening may start this share of a file or more
_WORD = re.compile(r"[\w']+")


def frame(text: str) -> str:
    """The text's first five words with names and numbers masked."""
    out = []
    for w in _WORD.findall(text)[:5]:
        out.append("N" if any(c.isdigit() for c in w) else "X" if w[:1].isupper() else w.lower())
    return " ".join(out)


def grams(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def shared_grams() -> set[tuple[str, ...]]:
    """8-word sequences of the demo corpus and the seed article, if at hand."""
    out: set[tuple[str, ...]] = set()
    items = SHARED / "corpus" / "items.jsonl"
    if items.exists():
        for line in items.read_text("utf-8").splitlines():
            if line.strip():
                out |= grams(json.loads(line)["text"])
    for seed in (SHARED / "seed").glob("*.txt"):
        out |= grams(seed.read_text("utf-8"))
    return out


def main() -> int:
    settings = json.loads((HERE / "settings.json").read_text("utf-8"))
    problems: list[str] = []
    seen_ids: set[str] = set()
    known = shared_grams()
    for task in ("stance", "relation"):
        for split in ("train", "dev", "test"):
            path = HERE / task / f"{split}.jsonl"
            rows = [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]
            labels, cases, frames = Counter(), Counter(), Counter()
            for r in rows:
                where = f"{path.name} {r.get('id')}"
                if set(r) != FIELDS[task]:
                    problems.append(f"{task}/{where}: fields {sorted(set(r) ^ FIELDS[task])}")
                    continue
                if r["id"] in seen_ids:
                    problems.append(f"{task}/{where}: duplicate id")
                seen_ids.add(r["id"])
                if settings.get(r["setting"], {}).get("split") != split:
                    problems.append(f"{task}/{where}: setting {r['setting']} is not in {split}")
                if r["label"] not in LABELS[task] or r["case"] not in CASES[task]:
                    problems.append(f"{task}/{where}: label {r['label']} case {r['case']}")
                labels[r["label"]] += 1
                cases[r["case"]] += 1
                texts = [r["claim"]] if task == "stance" else [r["a"], r["b"]]
                for t in texts:
                    frames[frame(t)] += 1
                    if grams(t) & known:
                        problems.append(f"{task}/{where}: shares 8 words with shared/data")
                if task == "relation":
                    apart = abs((date.fromisoformat(r["a_date"]) - date.fromisoformat(
                        r["b_date"])).days)  # fmt: skip
                    far = r["label"] == "shift"
                    if (far and not 90 <= apart <= 330) or (not far and apart > 45):
                        problems.append(f"{task}/{where}: {r['label']} {apart} days apart")
            missing = CASES[task] - set(cases)
            if missing:
                problems.append(f"{task}/{split}: no example of {sorted(missing)}")
            top, n = frames.most_common(1)[0] if frames else ("", 0)
            share = n / max(1, sum(frames.values()))
            if share >= FRAME_SHARE:
                problems.append(f"{task}/{split}: frame {top!r} opens {share:.1%} of the texts")
            print(f"{task:8} {split:5} {len(rows):5}  {dict(sorted(labels.items()))}  "
                  f"top frame {share:.1%}")  # fmt: skip
    for p in problems:
        print("PROBLEM", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

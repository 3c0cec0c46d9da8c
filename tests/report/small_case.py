"""A small assessed store written row by row (no model), shaped like the demo's where
the report's layout is tested: an ACH matrix of four hypotheses with long labels and
fourteen evidence rows of the kinds ``assess.evidence`` writes, one row resting on 30
long quotes; an undated document whose claim is quoted, contradicted and cited; 33
graded sources; a say-do gap whose deed came before the words."""

from __future__ import annotations

from datetime import date

from tests.conftest import one_person_in_five_documents, write_sourced_claims

from feint.store import DocumentRow, Store

QUESTION = "Russia is genuinely willing to negotiate a ceasefire or peace settlement"
QID = "Q-0000test"
HYPOTHESES = (
    f"{QUESTION}, as the statements say",
    "the statements are a feint, meant to sway the audience's decisions rather than to "
    "announce a real intent",
    "the leadership is divided: some in power want a settlement, others do not",
    "the actor wants a tactical pause to regroup and rearm, not a settlement",
)
CHANNELS = ("analyst", "media", "private_anonymous", "public_official")
N_SPEAKERS = 30
LONG = (
    "talks could resume in week {i} if the other side accepted every term set out at the "
    "summit, a condition the ministry repeated in each statement it issued over the "
    "following months, without exception and without any sign of a softer position"
)
UNDATED_QUOTE = "the offer of talks is a trick to buy time for the army"


def small_assessed_case(store: Store) -> None:
    """Write the case into an empty ``store`` (see the module's docstring)."""
    one_person_in_five_documents(store)  # Peskov in five dated documents, and two more
    sources, attrs, claims, grades = [], [], [], []
    # An undated document: its claim is quoted in the matrix, contradicted, cited.
    undated = f"An analyst said that {UNDATED_QUOTE}."
    start = undated.index(UNDATED_QUOTE)
    sources.append(["s-undated", "An analyst", "analyst", None, None, None, "doc-undated"])
    attrs.append(["a-undated", "doc-undated", "s-undated", "An analyst", 0, 10, "said", 11, 15,
                  UNDATED_QUOTE, start, start + len(UNDATED_QUOTE)])  # fmt: skip
    claims.append(["c-undated", "a-undated", "s-undated", "analyst"])
    grades.append(["s-undated", "c-undated", "F", 6, "F: graded in the test."])
    # One dated document: 30 speakers, each one long claim, graded A to F in turn.
    parts, speakers = [], []
    for i in range(N_SPEAKERS):
        name, content = f"Speaker {i:02d}", LONG.format(i=i)
        offset = sum(len(p) + 1 for p in parts)
        sentence = f"{name} said that {content}."
        parts.append(sentence)
        sid, n = f"s-speaker-{i:02d}", f"{i:02d}"
        cue = offset + len(name) + 1
        content_start = offset + sentence.index(content)
        sources.append([sid, name, "named_official", None, None, None, "doc-many"])
        attrs.append([f"a-{n}", "doc-many", sid, name, offset, offset + len(name), "said", cue,
                      cue + 4, content, content_start, content_start + len(content)])  # fmt: skip
        claims.append([f"c-{n}", f"a-{n}", sid, "public_official"])
        letter = "ABCDEF"[i % 6]
        grades.append([sid, f"c-{n}", letter, i % 6 + 1, f"{letter}: graded in the test."])
        speakers.append(f"c-{n}")
    store.add_documents(
        [
            DocumentRow("doc-undated", "undated.txt", "ok", outlet=None, title="Undated",
                        published=None, text=undated),
            DocumentRow("doc-many", "many.txt", "ok", outlet="many.example",
                        title="Many speakers", published=date(2024, 6, 3),
                        text=" ".join(parts)),
        ]
    )  # fmt: skip
    hypotheses = [
        [f"{QID}:H{i}", QUESTION, label, False, "question" if i == 1 else "alternative",
         -float(i), i, 0.4 / i]
        for i, label in enumerate(HYPOTHESES, start=1)
    ]  # fmt: skip
    kinds = [f"claims:{c}:{s}" for c in CHANNELS for s in ("oppose", "support")] + [
        "corroborated:support",
        "discredited:support",
        "conflicts:private_public",
        "saydo:refusal_while_deescalating",
        "saydo:talks_while_escalating",
        "timing:not_significant",
    ]
    evidence, ratings = [], []
    for n, kind in enumerate(kinds):
        eid = f"{QID}:E-{kind.replace(':', '-')}"
        refs = speakers if n == 0 else ["c-undated", "c0"]
        description = f"{len(refs)} claim(s) of kind {kind} bear on the question: {QUESTION}"
        evidence.append([eid, QUESTION, description, kind, "medium", "high", refs, 1.0,
                         n % 4, "removed, flipped" if n == 3 else None])  # fmt: skip
        for h, *_ in hypotheses:
            ratings.append([h, eid, QUESTION, ["CC", "C", "N", "I", "II"][(n + len(h)) % 5],
                            "rules", None])  # fmt: skip
    with store.transaction():
        write_sourced_claims(store, sources, attrs, claims, grades)
        store.insert_rows("hypotheses", ("hypothesis_id", "question", "label", "is_deception",
                          "role", "score", "rank", "probability"), hypotheses)  # fmt: skip
        store.insert_rows("evidence", ("evidence_id", "question", "description", "kind",
                          "credibility", "relevance", "refs", "weight", "diagnosticity",
                          "sensitivity"), evidence)  # fmt: skip
        store.insert_rows("ratings", ("hypothesis_id", "evidence_id", "question", "rating",
                                      "proposed_by", "note"), ratings)  # fmt: skip
        store.insert_rows("judgements", ("judgement_id", "question", "text", "band",
                          "probability_low", "probability_high", "confidence",
                          "confidence_text", "evidence_ids", "made_at"),
                          [[f"{QID}:J1", QUESTION, f"We assess that {QUESTION}.", "unlikely",
                            0.2, 0.45, "low", "We have low confidence.",
                            [e[0] for e in evidence], "2024-07-01 00:00:00"]])  # fmt: skip
        store.insert_rows("relations", ("claim_a", "claim_b", "kind", "score", "method",
                          "explanation"),
                          [["c0", "c-undated", "contradicts", 0.9, "test", "no"]])  # fmt: skip
        store.insert_rows("events", ("event_id", "date", "actor", "type", "description"),
                          [["ev1", date(2024, 4, 28), "Russia", "battles",
                            "An offensive begins"]])  # fmt: skip
        # The deed (2024-04-28) came three days before the words (c0, in doc1 of
        # 2024-05-01): lag -3, deed date minus claim date, as assess.saydo writes it.
        store.insert_rows("saydo", ("actor", "claim_ids", "event_ids", "lag_days", "direction",
                          "channel", "period", "window_days", "question"),
                          [["Russia", ["c0"], ["ev1"], -3, "talks_while_escalating",
                            "public_official", "2024-05", 30, QUESTION]])  # fmt: skip

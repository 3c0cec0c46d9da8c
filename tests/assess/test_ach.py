"""ACH: PARC scores, diagnosticity, sensitivity, hypotheses files, and judgements that
move with the evidence."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from feint.assess import ach
from feint.assess.ach import Evidence, Hypothesis
from feint.assess.evidence import _conflict_kind
from feint.assess.judgements import MIN_ROWS_FOR_EXTREMES, band_of, sentence, temper
from feint.assess.matrix import AssessReport, conclude
from feint.assess.stage import read_hypotheses
from feint.errors import UsageError

Q = "Russia is willing to negotiate a ceasefire"
HS = ach.template(Q)


def _row(kind: str, credibility: str = "high", relevance: str = "high") -> Evidence:
    return Evidence(f"E-{kind}", kind, kind, credibility, relevance, (f"ref-{kind}",))


def _assess(evidence: list[Evidence]) -> AssessReport:
    report = AssessReport(Q, hypotheses=list(HS), evidence=evidence)
    for h in HS:
        for e in evidence:
            rating = ach.rule_rating(e, h)
            assert rating is not None
            report.matrix[(h.hypothesis_id, e.evidence_id)] = rating
    return conclude(report, "Q-test")


BASE = [
    _row("claims:private_anonymous:support"),
    _row("claims:public_official:oppose"),
    _row("contradictions", "medium"),
    _row("saydo:talks_while_escalating"),
    _row("timing:significant", "medium"),
]


def test_parc_scores_weigh_inconsistency_by_credibility_and_relevance() -> None:
    report = _assess(BASE)
    # genuine: I (w 2) + I (w sqrt 2) + II (w 2) + I (w sqrt 2)
    assert report.scores["H1"] == pytest.approx(-2 - math.sqrt(2) - 4 - math.sqrt(2))
    assert report.scores["H2"] == 0.0  # the feint fits every row
    assert report.ranking[0] == "H2" and report.ranking[-1] == "H1"
    assert report.diagnosticity["E-claims:private_anonymous:support"] == 0  # fits all alike
    assert report.diagnosticity["E-saydo:talks_while_escalating"] == 3  # II ... C


def test_surges_moved_away_from_the_decisions_change_the_leader() -> None:
    before = _assess(BASE)
    moved = _assess([*BASE[:4], _row("timing:not_significant", "medium")])
    assert before.ranking[0] == "H2" and moved.ranking[0] == "H3"
    assert before.judgements[0].text != moved.judgements[0].text
    assert "E-timing:significant" in before.sensitivity  # the row the lead rests on


def test_dropping_the_contradictions_moves_the_probabilities() -> None:
    before = _assess(BASE)
    dropped = _assess([e for e in BASE if e.kind != "contradictions"])
    assert dropped.probabilities["H1"] > before.probabilities["H1"]
    assert dropped.probabilities["H3"] < before.probabilities["H3"]
    # The row fits the feint (C): dropping it leaves the feint's score alone.
    assert dropped.scores["H2"] == before.scores["H2"]
    assert "E-contradictions" in before.judgements[0].evidence_ids
    assert "E-contradictions" not in dropped.judgements[0].evidence_ids


def test_independent_official_corroboration_makes_genuine_intent_lead() -> None:
    sceptical = _assess(BASE)
    corroborated = _assess([
        _row("claims:private_anonymous:support"),
        _row("corroborated:support"),
        _row("timing:not_significant", "medium"),
    ])  # fmt: skip
    assert corroborated.ranking[0] == "H1"
    p = corroborated.probabilities
    assert all(p["H1"] >= v for v in p.values())
    assert p["H1"] > sceptical.probabilities["H1"]
    j2 = next(j for j in corroborated.judgements if j.judgement_id.endswith("J2"))
    s2 = next(j for j in sceptical.judgements if j.judgement_id.endswith("J2"))
    assert Q in j2.text and j2.probability_low > s2.probability_low
    assert s2.band == "almost no chance"  # four independent, credible rows against it


def test_judgements_keep_confidence_in_its_own_sentence_and_cite_evidence() -> None:
    report = _assess(BASE)
    for j in report.judgements:
        assert j.text.startswith("We assess that ") and j.text.count(".") == 1
        assert "confidence" not in j.text
        assert j.confidence in ("low", "moderate", "high")
        assert j.confidence_text.startswith(f"We have {j.confidence} confidence")
        assert j.evidence_ids and set(j.evidence_ids) <= {e.evidence_id for e in BASE}
        assert j.probability_low < j.probability_high


@pytest.mark.parametrize(
    ("p", "band"),
    [(0.02, "almost no chance"), (0.1, "very unlikely"), (0.3, "unlikely"),
     (0.5, "roughly even chance"), (0.6, "likely"), (0.9, "very likely"),
     (0.97, "almost certain"), (1.0, "almost certain")],
)  # fmt: skip
def test_icd_203_bands(p: float, band: str) -> None:
    assert band_of(p)[0] == band


def test_hypotheses_files_always_get_a_deception_hypothesis(tmp_path: Path) -> None:
    path = tmp_path / "h.json"
    rows = [
        {"id": "A", "label": "Moscow wants a deal", "role": "genuine"},
        {"id": "B", "label": "Moscow waits for the election"},
    ]
    path.write_text(json.dumps(rows), "utf-8")
    hs = read_hypotheses(path, Q)
    assert [h.hypothesis_id for h in hs] == ["A", "B", "H3"]
    assert hs[-1].is_deception and hs[1].role == "other"
    toml = tmp_path / "h.toml"
    toml.write_text('[[hypotheses]]\nid = "X"\nlabel = "a feint"\nrole = "deception"\n', "utf-8")
    assert [h.role for h in read_hypotheses(toml, Q)] == ["deception"]
    bad = tmp_path / "bad.json"
    bad.write_text('[{"label": "x", "role": "psychic"}]', "utf-8")
    with pytest.raises(UsageError, match="role 'psychic'"):
        read_hypotheses(bad, Q)
    with pytest.raises(UsageError, match="No hypotheses file"):
        read_hypotheses(tmp_path / "none.json", Q)


@pytest.mark.parametrize(
    ("ids", "added"),
    [
        (["H1", "H2"], "H3"),
        (["H2", "H3"], "H4"),  # H3 is the file's: the deception takes the next free id
        (["H3", "H1"], "H4"),
        (["A", "H3", "H4"], "H5"),
    ],
)
def test_the_added_deception_hypothesis_takes_an_unused_id(
    tmp_path: Path, ids: list[str], added: str
) -> None:
    path = tmp_path / "h.json"
    path.write_text(json.dumps([{"id": i, "label": f"label {i}"} for i in ids]), "utf-8")
    hs = read_hypotheses(path, Q)
    assert [h.hypothesis_id for h in hs] == [*ids, added]
    assert hs[-1].is_deception and len({h.hypothesis_id for h in hs}) == len(hs)


def test_an_unreadable_hypotheses_file_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "hypotheses.json"
    folder.mkdir()  # reading a folder raises IsADirectoryError, an OSError
    with pytest.raises(UsageError, match=r"hypotheses file .*hypotheses\.json.*--hypotheses"):
        read_hypotheses(folder, Q)


def test_the_judge_rates_what_the_rules_do_not() -> None:
    other = Hypothesis("H9", "Moscow waits for the US election", "other")
    assert ach.rule_rating(BASE[0], other) is None
    assert ach.judge_rating(0.9, 0.05) == "CC"
    assert ach.judge_rating(0.6, 0.1) == "C"
    assert ach.judge_rating(0.1, 0.85) == "II"
    assert ach.judge_rating(0.3, 0.3) == "N"


# -- probabilities follow the scores ---------------------------------------------------


def _matrix(ratings: dict[str, list[str]], rows: list[Evidence]) -> dict[tuple[str, str], str]:
    return {
        (h, e.evidence_id): r for h, row in ratings.items() for e, r in zip(rows, row, strict=True)
    }


ROWS3 = [_row(f"k{i}") for i in range(3)]


@pytest.mark.parametrize(
    ("ratings", "equal", "order"),
    [
        # all N: every hypothesis alike
        ({"H1": ["N"] * 3, "H2": ["N"] * 3, "H3": ["N"] * 3, "H4": ["N"] * 3},
         [("H1", "H2"), ("H2", "H3"), ("H3", "H4")], []),
        # three tied at 0.00 (consistency differs): they share equally, above the fourth
        ({"H1": ["CC", "C", "N"], "H2": ["C", "N", "N"], "H3": ["N", "N", "N"],
          "H4": ["I", "N", "N"]},
         [("H1", "H2"), ("H2", "H3")], [("H3", "H4")]),
        # one edit: an I on H1 drops it below the rest, never above
        ({"H1": ["CC", "C", "I"], "H2": ["C", "N", "N"], "H3": ["N", "N", "N"],
          "H4": ["N", "N", "N"]},
         [("H2", "H3"), ("H3", "H4")], [("H2", "H1")]),
        # graded: II worse than I worse than nothing
        ({"H1": ["II", "N", "N"], "H2": ["I", "N", "N"], "H3": ["N", "N", "N"],
          "H4": ["II", "II", "N"]},
         [], [("H3", "H2"), ("H2", "H1"), ("H1", "H4")]),
    ],
)  # fmt: skip
def test_probabilities_are_one_monotone_rule_of_the_scores(
    ratings: dict[str, list[str]], equal: list[tuple[str, str]], order: list[tuple[str, str]]
) -> None:
    m = _matrix(ratings, ROWS3)
    s = ach.scores(HS, ROWS3, m)
    p = ach.probabilities(HS, ROWS3, m)
    assert sum(p.values()) == pytest.approx(1.0)
    for a, b in equal:
        assert p[a] == pytest.approx(p[b])
    for a, b in order:
        assert p[a] > p[b]
    for a in s:  # a higher score never gets a lower probability
        for b in s:
            if s[a] > s[b]:
                assert p[a] > p[b]
    ranked = ach.ranking(HS, ROWS3, m)
    assert [p[h] for h in ranked] == sorted(p.values(), reverse=True)


# -- estimative language -----------------------------------------------------------------


@pytest.mark.parametrize("p", [0.02, 0.1, 0.3, 0.5, 0.6, 0.9, 0.97])
def test_every_band_reads_as_english(p: float) -> None:
    text, words, low, high = sentence("Moscow wants a deal", p)
    assert words in text and f"({low:.0%}-{high:.0%})" in text
    assert "it is almost no chance" not in text and "it is roughly even chance" not in text
    expected = {
        "almost no chance": "We assess that there is almost no chance (1%-5%) that",
        "roughly even chance": "We assess that there is a roughly even chance (45%-55%) that",
    }.get(words, f"We assess that it is {words} ({low:.0%}-{high:.0%}) that")
    assert text == f"{expected} Moscow wants a deal."


def test_thin_evidence_never_reaches_the_extremes() -> None:
    thin = _assess([_row("saydo:talks_while_escalating"), _row("claims:analyst:oppose")])
    j2 = next(j for j in thin.judgements if j.judgement_id.endswith("J2"))
    assert thin.probabilities["H1"] < 0.05  # the matrix alone says almost no chance
    assert j2.band == "very unlikely"  # two rows are not enough for the extreme
    assert "held at 'very unlikely' rather than 'almost no chance'" in j2.confidence_text
    # The same two rows resting on the same claims count once.
    p, held = temper(0.01, 1)
    assert band_of(p)[0] == "very unlikely" and held is not None
    assert temper(0.01, MIN_ROWS_FOR_EXTREMES) == (0.01, None)
    assert temper(0.99, 2)[0] < 0.95 and temper(0.5, 0) == (0.5, None)


def test_each_judgement_gives_its_own_reasons() -> None:
    report = _assess(BASE)
    j1, j2 = report.judgements
    assert "the leading hypothesis" in j1.confidence_text
    assert "this estimate's band" in j2.confidence_text
    assert j1.confidence_text != j2.confidence_text
    # J1 (the feint leads) rests on the rows that set it apart; J2 on those about H1.
    assert set(j1.evidence_ids) != set(j2.evidence_ids) or j1.evidence_ids
    assert "E-claims:private_anonymous:support" not in j2.evidence_ids  # fits all alike


# -- conflicts by who disagrees ----------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        (("private_anonymous", True), ("private_anonymous", True), "insiders"),
        (("private_anonymous", True), ("public_official", True), "private_public"),
        (("public_official", True), ("public_official", True), "officials"),
        (("public_official", True), ("public_official", False), "across"),
        (("private_anonymous", False), ("private_anonymous", False), "across"),
        (("media", True), ("analyst", True), "across"),
    ],
)
def test_conflicts_are_split_by_who_disagrees(
    a: tuple[str, bool], b: tuple[str, bool], kind: str
) -> None:
    assert _conflict_kind(a, b) == kind == _conflict_kind(b, a)


def test_disagreement_across_sides_tells_no_hypothesis_apart() -> None:
    across = _row("conflicts:across")
    assert {ach.rule_rating(across, h) for h in HS} == {"N"}
    insiders = _row("conflicts:insiders")
    mixed = _row("conflicts:private_public")
    officials = _row("conflicts:officials")
    role = {h.role: h for h in HS}
    assert ach.rule_rating(insiders, role["genuine"]) == "I"
    assert ach.rule_rating(mixed, role["deception"]) == "CC"
    assert ach.rule_rating(officials, role["divided"]) == "CC"
    # Hundreds of cross-side conflicts leave the ranking where the other rows put it;
    # the same pairs inside the actor's side move it.
    base = _assess(BASE[:2])
    with_across = _assess([*BASE[:2], across])
    with_officials = _assess([*BASE[:2], officials])
    assert with_across.ranking == base.ranking and with_across.scores == base.scores
    assert base.ranking[0] != "H3" and with_officials.ranking[0] == "H3"


def test_every_template_hypothesis_can_be_told_against() -> None:
    # ACH weighs inconsistency only: a hypothesis no row can be inconsistent with
    # can never lose, and would lead whenever the others are doubted.
    for n, role in enumerate(ach.ROLES):
        assert any(row[n] in ("I", "II") for row in ach._RULES.values()), role


def test_the_feint_leads_when_its_signature_is_in_the_evidence() -> None:
    # Readiness leaked privately, denied in public, during an offensive, and timed
    # before the audience's decisions: the reference assessment's reading.
    signature = [
        _row("claims:private_anonymous:support"),
        _row("claims:public_official:oppose"),
        _row("conflicts:private_public"),
        _row("saydo:talks_while_escalating"),
        _row("timing:significant", "medium"),
    ]
    report = _assess(signature)
    assert report.ranking[0] == "H2"
    assert report.scores["H2"] > report.scores["H3"] and report.scores["H2"] > report.scores["H4"]
    assert report.probabilities["H2"] > report.probabilities["H3"]
    # Change the evidence and the outcome changes: with no timing link and officials
    # openly at odds, the divided leadership draws level with the feint.
    divided = _assess([*signature[:4], _row("conflicts:officials")])
    assert divided.probabilities["H3"] == pytest.approx(divided.probabilities["H2"])

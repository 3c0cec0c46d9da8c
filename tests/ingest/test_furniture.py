"""Page furniture: the seed's four lines go, every other line stays word for word,
and the rules hold on furniture from other sites without eating article text."""

from __future__ import annotations

import json

import pytest
from tests.conftest import SEED, SEED_GOLD

from feint.ingest.furniture import remove_furniture, to_raw_offset

LONG = (
    "The Kremlin said on Monday that Russia remained open to negotiations with Ukraine, "
    "but only on terms that reflect what it called the new territorial realities, a "
    "position Kyiv and its allies have repeatedly rejected as a demand for capitulation."
)
LONG2 = (
    "Ukrainian officials said Russian forces had launched more than forty drones overnight, "
    "striking energy facilities in three regions, hours after the Kremlin spokesman spoke "
    "of a readiness for dialogue that Western diplomats described as a familiar tactic."
)


def test_seed_loses_exactly_the_gold_furniture_lines() -> None:
    raw = SEED.read_text("utf-8")
    gold = json.loads(SEED_GOLD.read_text("utf-8"))["boilerplate_lines"]
    cleaned = remove_furniture(raw)
    assert sorted(u.line for u in cleaned.removed) == sorted(g["line"] for g in gold)
    assert {u.text for u in cleaned.removed} == {g["text"] for g in gold}
    gold_lines = {g["line"] for g in gold}
    kept = [line for n, line in enumerate(raw.split("\n"), 1) if n not in gold_lines]
    assert [line for line in cleaned.text.split("\n") if line] == [line for line in kept if line]


def test_offsets_in_clean_text_map_back_to_raw_text() -> None:
    raw = SEED.read_text("utf-8")
    cleaned = remove_furniture(raw)
    for phrase in ("Western media", "Russian sources that have spoken", "reflexive control"):
        i = cleaned.text.index(phrase)
        j = to_raw_offset(i, cleaned.removed)
        assert raw[j : j + len(phrase)] == phrase
    as_dicts = [u.as_dict() for u in cleaned.removed]
    i = cleaned.text.index("reflexive control")
    assert to_raw_offset(i, as_dicts) == raw.index("reflexive control")


WIRE = [
    ("Kremlin rejects talk of a truce as offensive widens", None),
    ("By Jane Doe", None),
    (LONG, None),
    ("Read more: Ukraine says drones hit refinery in Ryazan", "call_to_action"),
    ('"We are not seeking a pause," Peskov told reporters.', None),
    ("Sign up for our daily briefing", "call_to_action"),
    ("Share this article", "call_to_action"),
    (LONG2, None),
    ("Most Read", "call_to_action"),
    ("Markets slide as oil jumps on supply fears", "stray_headline"),
    ("Advertisement", "call_to_action"),
    (LONG, None),
    ("Tap here to follow us on WhatsApp", "call_to_action"),
    ("Join our Telegram channel!", "call_to_action"),
    ("WAR IN UKRAINE", "all_caps"),
    (LONG2, None),
    ("Click here to subscribe", "call_to_action"),
    ("© 2024 Example Wire. All rights reserved.", "call_to_action"),
]


def test_furniture_from_a_wire_site_is_found_by_rule() -> None:
    raw = "\n".join(line for line, _ in WIRE)
    cleaned = remove_furniture(raw)
    found = {u.text: u.rule for u in cleaned.removed}
    expected = {line: rule for line, rule in WIRE if rule}
    assert found == expected
    kept = [line for line, rule in WIRE if rule is None]
    assert cleaned.text.split("\n") == kept


@pytest.mark.parametrize(
    "line",
    [
        "Share prices in Moscow fell 3 percent after the announcement.",
        "Follow-up talks are expected in Istanbul next week.",
        "Peskov denied the report.",
        "- Russia demands recognition of the annexed regions",
        "1. A ceasefire along the current line of contact",
        "Join the talks, Lavrov told Kyiv, or lose more territory.",
    ],
)
def test_short_article_lines_between_paragraphs_stay(line: str) -> None:
    raw = f"{LONG}\n{line}\n{LONG2}"
    assert remove_furniture(raw).removed == ()


def test_title_and_byline_before_the_first_paragraph_stay() -> None:
    raw = f"Kremlin says talks possible\nBy Ivan Petrov\nMay 24, 2024\n{LONG}\n{LONG2}"
    assert remove_furniture(raw).removed == ()


def test_hard_wrapped_paragraphs_are_not_headlines() -> None:
    wrapped = "\n".join(
        [
            "The Kremlin said on Monday that Russia remained open to negotiations",
            "with Ukraine, but only on terms that reflect what it called the new",
            "territorial realities, a position Kyiv has rejected as capitulation.",
            "",
            "Ukrainian officials said Russian forces had launched more than forty",
            "drones overnight, striking energy facilities in three regions, hours",
            "after the Kremlin spoke of a readiness for dialogue with the West.",
            "",
            "Subscribe to our newsletter",
            "",
        ]
    )
    cleaned = remove_furniture(wrapped)
    assert [u.text for u in cleaned.removed] == ["Subscribe to our newsletter"]
    assert "a position Kyiv has rejected" in cleaned.text
    assert cleaned.text.count("\n") == wrapped.count("\n") - 1


def test_text_without_furniture_is_returned_unchanged() -> None:
    raw = f"{LONG}\n\n{LONG2}\n"
    cleaned = remove_furniture(raw)
    assert cleaned.text == raw
    assert cleaned.removed == ()

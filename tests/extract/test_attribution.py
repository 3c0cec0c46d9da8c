"""Attribution rules, as a behaviour table: (text, expected records), negatives too."""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from feint.extract.attribution import find_attributions
from feint.extract.records import Attribution

pytestmark = pytest.mark.model

# (text, [(source, cue, content, conduit, polarity, method)])
CASES = [
    (
        "Dmitry Peskov said on Friday that Moscow was open to talks.",
        [("Dmitry Peskov", "said", "Moscow was open to talks", None, "assert", "verb")],
    ),
    (
        "According to two Ukrainian officials, the talks in Istanbul stalled over prisoners.",
        [("two Ukrainian officials", "According to",
          "the talks in Istanbul stalled over prisoners", None, "assert", "according_to")],
    ),
    (
        "The talks in Istanbul stalled over prisoner exchanges, according to Reuters.",
        [("Reuters", "according to", "The talks in Istanbul stalled over prisoner exchanges",
          None, "assert", "according_to")],
    ),
    (
        '"We are not seeking a pause. The goals of the operation remain unchanged," Peskov said.',
        [("Peskov", "said",
          '"We are not seeking a pause. The goals of the operation remain unchanged,"',
          None, "assert", "verb")],
    ),
    (
        'Lavrov said: "The West must accept the new realities on the ground."',
        # PolNeAR's cue takes the colon ("said:").
        [("Lavrov", "said:", '"The West must accept the new realities on the ground."',
          None, "assert", "verb")],
    ),
    (
        "Three Russian sources told Reuters that Putin was ready to halt the war.",
        [("Three Russian sources", "told", "Putin was ready to halt the war", "Reuters",
          "assert", "verb")],
    ),
    (
        "It was reported that Russia had moved troops towards Kharkiv.",
        [(None, "was reported", "Russia had moved troops towards Kharkiv", None, "assert",
          "verb")],
    ),
    (
        "The Kremlin denied that any talks were taking place.",
        [("The Kremlin", "denied", "any talks were taking place", None, "deny", "verb")],
    ),
    (
        "Peskov did not say that the summit was cancelled.",
        [("Peskov", "did not say", "the summit was cancelled", None, "deny", "verb")],
    ),
    (
        "Lavrov's claim that Kyiv had refused to negotiate was false.",
        [("Lavrov's", "claim", "Kyiv had refused to negotiate", None, "assert", "noun"),
         # A stance inside the claim, relayed by Lavrov.
         ("Kyiv", "had refused", "to negotiate", "Lavrov's", "assert", "verb")],
    ),
    (
        "Western media has cited unnamed officials as confirming that Putin wants a ceasefire.",
        [("unnamed officials", "confirming", "Putin wants a ceasefire", "Western media",
          "assert", "citing")],
    ),
    (
        "The plan, based on claims by two Kremlin insiders, would freeze the front line.",
        [("two Kremlin insiders", "claims", "The plan", None, "assert", "noun")],
    ),
    (
        "Peskov said: «The West must accept the new realities on the ground.»",
        [("Peskov", "said:", "«The West must accept the new realities on the ground.»", None,
          "assert", "verb")],
    ),
    (
        "‘We are ready for talks with anyone,’ Lavrov said.",
        [("Lavrov", "said", "‘We are ready for talks with anyone,’", None, "assert", "verb")],
    ),
    (
        "“The goals remain unchanged,” he said, adding that talks “are possible only "
        "on our terms.”",
        [("he", "said", "“The goals remain unchanged,”", None, "assert", "verb"),
         ("he", "adding", "talks “are possible only on our terms.”", None, "assert", "verb")],
    ),
    ("The weather was cold and the talks were long.", []),
    ("Say that again, please.", []),
    ("The report ran to forty pages and was never published.", []),
]  # fmt: skip


def _row(a: Attribution) -> tuple[str | None, ...]:
    return (
        a.source.text if a.source else None,
        a.cue.text if a.cue else None,
        a.content.text,
        a.conduit.text if a.conduit else None,
        a.polarity.value,
        a.method.value,
    )


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_behaviour_table(nlp: Language, text: str, expected: list[tuple[str | None, ...]]) -> None:
    assert [_row(a) for a in find_attributions(nlp(text))] == expected


def test_spans_are_offsets_into_the_text(nlp: Language) -> None:
    text = "Moscow is ready for talks, Peskov told the Interfax news agency on 14 June 2024."
    for a in find_attributions(nlp(text)):
        for span in (a.source, a.cue, a.content, a.conduit, a.time):
            if span is not None:
                assert text[span.start : span.end] == span.text


def test_nested_report_gets_parent_conduit_and_time(nlp: Language) -> None:
    text = (
        "Bloomberg reported in January that two sources close to the Kremlin stated "
        "that Putin was willing to drop his demands."
    )
    outer, inner = find_attributions(nlp(text), date(2024, 5, 24))
    assert outer.source is not None and outer.source.text == "Bloomberg"
    assert inner.parent == outer.index
    assert inner.conduit is not None and inner.conduit.text == "Bloomberg"
    assert inner.time_resolved == outer.time_resolved == date(2024, 1, 1)
    assert inner.profile is not None
    assert (inner.profile.kind, inner.profile.count, inner.profile.affiliation) == (
        "anonymous", 2, "Russian")  # fmt: skip
    assert inner.profile.access == "close to the Kremlin"


def test_hedging_is_marked(nlp: Language) -> None:
    [hedged] = find_attributions(nlp("Zakharova suggested that the talks might resume in June."))
    [plain] = find_attributions(nlp("Zakharova said that the talks resumed in June."))
    assert hedged.hedged and not plain.hedged


def test_a_content_without_a_predicate_is_marked(nlp: Language) -> None:
    [topic] = find_attributions(nlp("The Kremlin denied reports of a meeting with Zelensky."))
    [clause] = find_attributions(nlp("Lavrov said that talks would resume in June."))
    assert topic.content.text == "reports of a meeting with Zelensky" and not topic.predicate
    assert clause.predicate


def test_pronouns_and_surnames_resolve_to_the_full_name(nlp: Language) -> None:
    text = (
        "Dmitry Peskov, the Kremlin spokesman, said the offer stood. He added that Moscow "
        "would wait. Peskov later said that nothing had changed."
    )
    names = [a.profile.name for a in find_attributions(nlp(text)) if a.profile]
    assert names == ["Dmitry Peskov", "Dmitry Peskov", "Dmitry Peskov"]


def test_quote_paragraphs_continue_the_same_speaker(nlp: Language) -> None:
    text = (
        "“We will continue,” Peskov said. “The goals of the operation remain unchanged "
        "and will be achieved.”\n“There is no alternative to victory,” he added."
    )
    atts = find_attributions(nlp(text))
    assert [a.method.value for a in atts] == ["verb", "quote_continued", "verb"]
    assert all(a.profile is not None and a.profile.name == "Peskov" for a in atts)
    assert atts[1].content.text.startswith("“The goals")


def test_statements_from_sources_nest_in_the_report_that_cites_them(nlp: Language) -> None:
    text = (
        "Western media reported similar interest from Putin in a negotiated ceasefire or "
        "settlement based on statements from unspecified Russian sources with some level "
        "of alleged connection to Putin or the Kremlin in December 2023."
    )
    outer, inner = find_attributions(nlp(text))
    assert (outer.source and outer.source.text, outer.cue and outer.cue.text) == (
        "Western media", "reported")  # fmt: skip
    assert inner.source is not None and inner.source.text == "unspecified Russian sources"
    assert inner.content.text == (
        "similar interest from Putin in a negotiated ceasefire or settlement"
    )
    assert inner.conduit is not None and inner.conduit.text == "Western media"
    assert inner.profile is not None
    assert (inner.profile.kind, inner.profile.affiliation) == ("anonymous", "Russian")

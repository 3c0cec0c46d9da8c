"""Frames: whose intention a claim is about, when, and which way it points."""

from __future__ import annotations

from datetime import date

import pytest

from feint.relate.actors import group_in, normalise_name
from feint.relate.frames import Frame, FrameInput, FrameReader, days_apart, same_actor


@pytest.fixture(scope="module")
def reader() -> FrameReader:
    return FrameReader.load()


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("Russia's foreign minister", "RUSSIA"),
        ("the White House", "US"),
        ("US officials", "US"),
        ("the U.S. envoy", "US"),
        ("they told us", None),  # "us" in lower case is a pronoun
        ("the electoral commission", None),
        ("Kim Jong Un", "NORTH_KOREA"),
        ("a Qatari mediator", "QATAR"),
    ],
)
def test_actor_groups(text: str, group: str | None) -> None:
    assert group_in(text) == group


def test_unknown_actors_keep_their_own_name() -> None:
    assert normalise_name("The Harbour Union's") == "harbour union"


@pytest.mark.parametrize(
    ("text", "speaker", "affiliation", "actor", "polarity"),
    [
        ("Russia is ready for a truce", "", None, "RUSSIA", "positive"),
        ("Ukraine is not ready for a truce", "", None, "UKRAINE", "negative"),
        ("we are ready to negotiate", "Dmitry Peskov", "Russian", "RUSSIA", "positive"),
        ("we will not sign", "the ELN's central command", None, "eln", "negative"),
        # A whole sentence: the reported clause holds the claim.
        ("Two officials said on Tuesday that Riyadh had floated a smaller cut", "", None,
         "SAUDI_ARABIA", "positive"),
        # A pronoun in a reported clause is its reporter.
        ("Putin signalled he would accept a freeze", "", None, "RUSSIA", "positive"),
        ("the Kremlin has made no such offer", "", None, "RUSSIA", "negative"),
        ("Russia has never refused to negotiate", "", None, "RUSSIA", "positive"),  # two flips
        ("Moscow is unwilling to negotiate", "", None, "RUSSIA", "negative"),
        ("Peskov denied that Putin was ready", "", None, "RUSSIA", "negative"),
        ("Peskov did not deny that Putin was ready", "", None, "RUSSIA", "positive"),
        # Perceiving: the one seen is the holder, and "no sign" or doubt is a denial.
        ("US officials see no sign Russia is ready for talks", "", None, "RUSSIA", "negative"),
        ("Western officials doubt that Putin is ready", "", None, "RUSSIA", "negative"),
        ("Hamas refused to release more hostages", "", None, "HAMAS", "negative"),
        ("the Coastal Terminals Association will strike", "", None,
         "coastal terminals association", "positive"),
        # No one holder: a common noun, a phrase that only mentions an actor, two actors.
        ("the army would withdraw from the corridor", "", None, None, "positive"),
        ("direct contact with Washington seems unlikely", "", None, None, "positive"),
        ("Paris, London and Berlin will not accept it", "", None, None, "negative"),
        ("there will be no ceasefire", "", None, None, "negative"),
    ],
)  # fmt: skip
def test_frame_of_a_claim(
    reader: FrameReader,
    text: str,
    speaker: str,
    affiliation: str | None,
    actor: str | None,
    polarity: str,
) -> None:
    frame = reader.read(FrameInput(text, speaker=speaker, affiliation=affiliation))
    assert (frame.actor, frame.polarity) == (actor, polarity)


def test_a_denial_flips_the_polarity(reader: FrameReader) -> None:
    frame = reader.read(FrameInput("Putin is ready for a ceasefire", deny=True))
    assert frame.polarity == "negative"


def _f(actor: str | None, when: date | None = None) -> Frame:
    return Frame(actor, actor, when, "positive")


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("RUSSIA", "RUSSIA", True),
        ("RUSSIA", "UKRAINE", False),
        (None, "UKRAINE", True),  # unknown matches anything
        ("treasury", "US", True),  # a name the table lacks may be the group's
        ("halvorsen", "halvorsen group", True),
        ("castellan", "meridian freight", False),
    ],
)
def test_same_actor(a: str | None, b: str | None, same: bool) -> None:
    assert same_actor(_f(a), _f(b)) is same
    assert same_actor(_f(b), _f(a)) is same


def test_days_apart() -> None:
    assert days_apart(_f(None, date(2024, 1, 1)), _f(None, date(2024, 3, 1))) == 60
    assert days_apart(_f(None), _f(None, date(2024, 3, 1))) is None

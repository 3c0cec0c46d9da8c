"""Reading the dependency parse for the attribution rules.

Shared helpers over tokens of a parsed ``Doc``: a verb's subject (through
coordination, catenatives and participles), the cue span with its auxiliaries,
complements, addressees that relay a report, and dates attached to a verb. They
return tokens or [start, end) token spans.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from spacy.tokens import Token

from feint.extract import lexicon as lx
from feint.extract.profile import known_kind
from feint.extract.quotes import QuoteRegion
from feint.extract.records import Polarity

SUBJECTS: Final = ("nsubj", "nsubjpass", "csubj")
TIME_PREPS: Final = frozenset(["on", "in", "at", "since", "during", "by", "from"])
COMPLEMENTIZERS: Final = frozenset({"that"})
FIRST_PERSON: Final = frozenset("i we you".split())


def in_quote(tok: Token, quotes: Sequence[QuoteRegion]) -> bool:
    """Whether the token stands inside a quotation."""
    return any(q.start <= tok.idx < q.end for q in quotes)


def object_complement(tok: Token, lemma: str) -> Token | None:
    """The first complement after the verb that carries what was said or held:
    a direct object, an open clause ("urged voters to"), or a prepositional object
    ("responded to the charge")."""
    if lemma not in lx.OBJECT_CUE_VERBS and lemma not in lx.NOMINAL_CONTENT_VERBS:
        return None
    # "urged voters to turn out": what was urged is the open clause, not the voters.
    xcomp = next((c for c in tok.children if c.dep_ == "xcomp" and c.i > tok.i), None)
    if xcomp is not None:
        return xcomp
    if lemma in lx.BARE_OBJECT_DEEDS and bare_object(tok):
        return None
    if lemma in lx.QUESTION_VERBS:
        return None  # a clause or an open clause (found above), never "about X"
    for c in tok.children:
        if c.i < tok.i:
            continue
        if c.dep_ in ("dobj", "dative") and lemma in lx.ADDRESSEE_OBJECT_VERBS:
            continue  # "told reporters": the addressee
        if c.dep_ in ("dobj", "xcomp", "oprd", "dative") and not (
            c.dep_ == "dobj" and is_pronoun(c) and c.i == tok.right_edge.i
        ):
            return c
        if c.dep_ == "prep" and lemma in lx.PUBLISH_VERBS and c.lower_ in ("on", "to", "in"):
            continue  # "posting on X": where, not what
        if c.dep_ == "prep" and c.lower_ in lx.OBJECT_CUE_PREPS and lemma in lx.OBJECT_CUE_VERBS:
            # "called for more flexibility": the content is the object, not "for".
            return next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
    return None


def bare_object(tok: Token) -> bool:
    """Has ``tok`` one nominal object and nothing said of it ("call Donald Trump",
    "declared a ceasefire"), rather than an object and what it is called ("called it
    'posturing'", "call the terms unacceptable") or a prepositional complement?"""
    objects = [c for c in tok.children if c.i > tok.i and c.dep_ in ("dobj", "oprd", "xcomp")]
    if len(objects) != 1 or objects[0].dep_ == "xcomp":
        return False
    if objects[0].dep_ == "oprd" and objects[0].pos_ != "PROPN":
        return False  # "called the reporting incorrect" (the parse kept only the label)
    for c in tok.children:
        if c.i < tok.i:
            continue
        if c.dep_ == "ccomp":
            return False  # "declared it open"
        if (
            c.dep_ == "prep"
            and c.lower_ in ("for", "on")
            and not any(g.ent_type_ in ("DATE", "TIME") for g in c.children)
        ):
            return False  # "called for talks", "called on Moscow to"; not "on Monday"
    obj = objects[0]
    return not any(g.i > obj.i and g.dep_ in ("amod", "appos", "acomp") for g in obj.children)


def parenthetical(tok: Token) -> tuple[int, int] | None:
    """ "This campaign, he says, is different": the clause around a reporting verb
    the parser hung on it as a parenthetical."""
    doc = tok.doc
    first = tok.left_edge.i
    while first < tok.i and doc[first].is_punct:
        first += 1
    if (
        tok.dep_ in ("conj", "ccomp")
        and tok.head.i < tok.i
        and any(c.dep_ in SUBJECTS for c in tok.children)
        and not any(c.dep_ in ("dobj", "ccomp", "xcomp", "prep") for c in tok.children)
        and first > 0
        and doc[first - 1].text == ","
    ):
        # "P, the institute assessed", "P, The Times reported, citing ...": the parser
        # made the report a conjunct or a complement of P.
        lo = tok.head.left_edge.i
        return (lo, first - 1) if first - 1 - lo > 2 else None
    if tok.dep_ not in ("parataxis", "ccomp") or (tok.head.i < tok.i and tok.dep_ == "ccomp"):
        return None
    if tok.dep_ == "ccomp" and tok.head.lemma_.lower() in lx.REPORTING_VERBS:
        return None  # "Russia attacked Kharkiv, the governor said": the other's content
    host = tok.head
    lo, hi = host.left_edge.i, host.right_edge.i + 1
    left, right = (lo, tok.left_edge.i), (tok.right_edge.i + 1, hi)
    if left[1] - left[0] <= 1 and right[1] - right[0] <= 1:
        return None
    if left[1] - left[0] > 1 and right[1] - right[0] > 1:
        return lo, hi  # in the middle: the covering span, as PolNeAR merges it
    return left if left[1] - left[0] > right[1] - right[0] else right


def right_bound(verb: Token, content_head: Token) -> int:
    """Where the content of ``verb`` ends: the parser often hangs the tail of a long
    complement on the reporting verb itself ("stated that Putin views Russia
    maintaining control over [currently occupied territory ...]"), so the content
    runs on to the next coordinated clause, clause-level punctuation or the end of
    the verb's subtree."""
    doc = verb.doc
    bound = verb.right_edge.i + 1
    for c in verb.children:
        if c.i <= content_head.i:
            continue
        stops = (
            c.dep_ in ("conj", "cc", "punct", "parataxis")
            or (
                # An adverbial clause set off by a comma or a conjunction is the writer's;
                # one that runs straight on is a misattached piece of the complement.
                c.dep_ == "advcl"
                and (doc[c.left_edge.i - 1].is_punct or any(g.dep_ == "mark" for g in c.children))
            )
            or (
                # "X said P, TASS reported": the outlet's report of X's, not part of P.
                c.dep_ == "ccomp"
                and c.lemma_.lower() in lx.REPORTING_VERBS
                and parenthetical(c) is not None
            )
        )
        if stops:
            bound = min(bound, c.left_edge.i)
    return bound


def citing_frame(tok: Token) -> bool:
    """ "cited officials as confirming that": the report is found at "confirming"."""
    return tok.lemma_.lower() in lx.CITING_VERBS and any(
        c.dep_ == "prep" and c.lower_ == "as" and any(g.tag_ == "VBG" for g in c.children)
        for c in tok.children
    )


def citing_head(tok: Token) -> tuple[Token, Token | None] | None:
    """For "cited X as confirming" (tok is "confirming"): (X, the one who cited X).

    Also the passive "X was quoted by Y as saying": (X, Y), Y the conduit or None.
    """
    head = tok.head
    if tok.dep_ == "pcomp" and head.lower_ == "as":
        head = head.head
    elif not (tok.dep_ == "advcl" and tok.tag_ == "VBG" and subject(tok) is None):
        return None
    if head.lemma_.lower() not in lx.CITING_VERBS:
        return None
    obj = next((c for c in head.children if c.dep_ == "dobj"), None)
    if obj is not None:
        return obj, subject(head)
    if passive(head):
        subj = next((c for c in head.children if c.dep_ == "nsubjpass"), None)
        by = next((c for c in head.children if c.dep_ == "agent"), None)
        pobj = next((g for g in by.children if g.dep_ == "pobj"), None) if by else None
        if subj is not None:
            return subj, pobj
    return None


def citing_modifier(tok: Token) -> Token | None:
    """ "The paper, citing three officials, said ..." (or "quoting"): the participle that
    names the reporting verb's real source. Returns "citing" when ``tok`` is the
    reporting verb it hangs on (directly or through the verb's subject)."""
    places = [tok] + [c for c in tok.children if c.dep_ in SUBJECTS]
    for host in places:
        for c in host.children:
            if (
                c.lemma_.lower() in ("cite", "quote")
                and c.tag_ == "VBG"
                and c.dep_ in ("advcl", "acl", "xcomp", "conj")
                and any(g.dep_ == "dobj" for g in c.children)
                and not citing_frame(c)
            ):
                return c
    return None


def cites_for(tok: Token) -> bool:
    """Is ``tok`` a "citing X" participle that a reporting verb takes as its source?"""
    if tok.lemma_.lower() not in ("cite", "quote") or tok.tag_ != "VBG":
        return False
    host = tok.head
    verb = host.head if host.dep_ in SUBJECTS else host
    found = citing_modifier(verb) if verb.lemma_.lower() in lx.REPORTING_VERBS else None
    return found is not None and found.i == tok.i


def cue_span(tok: Token) -> tuple[int, int]:
    """The reporting verb with its auxiliaries and negation ("have recently stated",
    "cannot determine") and a catenative head ("continues to report")."""
    start = tok.i
    for c in tok.children:
        if c.dep_ in ("aux", "auxpass", "neg") and c.i < tok.i:
            start = min(start, c.i)
    end = tok.i + 1
    doc = tok.doc
    if end < len(doc) and doc[end].text == ":" and not tok.whitespace_:
        end += 1  # 'said: "..."' - PolNeAR's cue takes the colon (111 of 120 in train)
    head = tok.head
    if tok.dep_ == "xcomp" and head.lemma_.lower() in lx.CATENATIVES and head.i < tok.i:
        start = min(start, head.i)
        for c in head.children:
            if c.dep_ in ("aux", "neg") and c.i < head.i:
                start = min(start, c.i)
    return start, end


def cue_lemma(tok: Token) -> str:
    return tok.lemma_.lower()


def polarity(tok: Token) -> Polarity:
    negated = any(c.dep_ == "neg" for c in tok.children)
    denies = tok.lemma_.lower() in lx.DENY_VERBS
    return Polarity.DENY if negated != denies else Polarity.ASSERT


def subject(verb: Token) -> Token | None:
    """The verb's subject, climbing through coordination and catenatives."""
    seen = 0
    while seen < 4:
        for c in verb.children:
            if c.dep_ in SUBJECTS:
                return c
            if c.dep_ == "agent":
                pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if pobj is not None:
                    return pobj
        participle = verb.dep_ == "advcl" and verb.tag_ == "VBG"  # "..., saying that"
        if (verb.dep_ in ("conj", "xcomp") or participle) and verb.head is not verb:
            verb = verb.head
            seen += 1
            continue
        return None
    return None


def source_span(subj: Token) -> tuple[int, int]:
    """The subject's subtree less what the parser hung on it from outside the noun
    phrase: a date ("14 September Peskov"), a dateline ("MOSCOW (Reuters) - ...") or
    a time-stamped line before it. An appositive keeps its closing comma, as PolNeAR
    marks it ("Huma Abedin, vice chairwoman for the campaign,")."""
    lo, hi = subtree(subj)
    doc = subj.doc
    for i in range(lo, subj.i):
        if (
            "\n" in doc[i].text
            or doc[i].text in ("–", "—", "--")
            or (doc[i].text == "-" and doc[i].whitespace_)
        ):
            lo = i + 1
    while lo < subj.i and (
        doc[lo].ent_type_ in ("DATE", "TIME") or doc[lo].is_punct or doc[lo].is_space
    ):
        lo += 1
    if hi < len(doc) and doc[hi].text == "," and any(t.text == "," for t in doc[lo:hi]):
        hi += 1
    return lo, hi


def source_head(subj: Token) -> int:
    """For a relative pronoun ("officials who said"), the noun it stands for."""
    if subj.tag_ in ("WP", "WDT") and subj.head.dep_ == "relcl":
        return subj.head.head.i
    return subj.i


def passive(tok: Token) -> bool:
    return any(c.dep_ == "auxpass" for c in tok.children)


def addressee(tok: Token) -> tuple[int, int] | None:
    """ "told Reuters", "said in an interview with Bloomberg": an outlet that relays."""
    for c in tok.children:
        if c.dep_ in ("dobj", "dative") and tok.lemma_.lower() == "tell" and is_outlet(c):
            return subtree(c)
        if c.dep_ == "prep" and c.lower_ in ("to", "in"):
            for g in c.subtree:
                if g.dep_ == "pobj" and is_outlet(g):
                    return subtree(g)
    return None


def is_outlet(tok: Token) -> bool:
    span = tok.doc[tok.left_edge.i : tok.right_edge.i + 1]
    return known_kind(span.text) == "media" or (
        tok.ent_type_ == "ORG" and tok.lower_ not in lx.MEDIA_HEADS
    )


def time_of(tok: Token) -> tuple[int, int] | None:
    """A date attached to the reporting verb: "reported on May 24", "said in January"."""
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in TIME_PREPS:
            pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
            if pobj is not None and pobj.ent_type_ == "DATE":
                return c.i, pobj.right_edge.i + 1
        if c.dep_ in ("npadvmod", "tmod") and c.ent_type_ == "DATE":
            return c.left_edge.i, c.right_edge.i + 1
    return None


def subtree(tok: Token) -> tuple[int, int]:
    return tok.left_edge.i, tok.right_edge.i + 1


def clause_span(head: Token) -> tuple[int, int]:
    lo, hi = head.left_edge.i, head.right_edge.i + 1
    doc = head.doc
    while lo < hi and (doc[lo].lower_ in COMPLEMENTIZERS and doc[lo].dep_ == "mark"):
        lo += 1
    return lo, hi


def is_pronoun(tok: Token) -> bool:
    return tok.pos_ == "PRON"

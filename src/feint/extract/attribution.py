"""Attributions from a parsed document: rules over the dependency parse.

Pure functions over a spaCy ``Doc`` that return ``Attribution`` records (textacy's
``direct_quotations`` is the model). The rules, in the order they run:

1. reporting verbs with a clausal complement: "X said (that) P", "X told Reuters
   that P", '"P," X said', "X continues to report that P", "X denied that P";
   with a direct object for verbs whose object is the report ("X reported similar
   interest ...");
2. citing: "Y has cited X as confirming that P" (source X, conduit Y);
3. "according to X, P" and "P, according to X";
4. report nouns: "X's statement that P", "claims by X that P";
5. quotes that no rule above covered: a cue in the same sentence outside the quote,
   or a quote paragraph continuing the previous speaker.

Then nesting (an attribution whose cue lies inside another's content is nested in
it, and the outer source becomes its conduit), time expressions and source
profiles. Spans follow PolNeAR's roles; content excludes the complementizer "that"
(the evaluation adds it back where PolNeAR includes it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Final

from spacy.tokens import Doc, Span, Token

from feint.extract import lexicon as lx
from feint.extract.cuemodel import CueModel, candidates
from feint.extract.quotes import QuoteRegion, find_quotes
from feint.extract.records import Attribution, Method, Polarity, TextSpan
from feint.extract.timex import resolve_time
from feint.sources.profile import SourceResolver

# A clause that begins after a comma with one of these is the writer's comment on
# the report, not part of it ("..., although this assessment is at odds with ...",
# "..., likely to delay ..."). Calibrated on the seed article; see tests.
_CUT_AFTER_COMMA: Final = frozenset(
    ["although", "though", "whereas", "while", "likely", "which", "despite", "even"]
)
_SUBJECTS: Final = ("nsubj", "nsubjpass", "csubj")
_TIME_PREPS: Final = frozenset(["on", "in", "at", "since", "during", "by", "from"])
_COMPLEMENTIZERS: Final = frozenset({"that"})
_QUOTE_CHARS: Final = '"“”«»‘’„'
_FIRST_PERSON: Final = frozenset("i we you".split())
_TEXT_KEY: Final = "feint.text"


def _text(doc: Doc) -> str:
    """The document's text, cached for the length of one ``find_attributions`` call."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return str(text)


@dataclass(slots=True)
class _Found:
    """A candidate in token indices, before nesting and profiling."""

    method: Method
    cue: tuple[int, int] | None
    cue_lemma: str
    content: tuple[int, int] | None = None
    content_chars: tuple[int, int] | None = None  # for quote regions (character offsets)
    source: tuple[int, int] | None = None
    source_head: int | None = None
    conduit: tuple[int, int] | None = None
    polarity: Polarity = Polarity.ASSERT
    time: tuple[int, int] | None = None
    clausal: bool = True


def find_attributions(
    doc: Doc, doc_date: date | None = None, cue_model: CueModel | None = None
) -> list[Attribution]:
    """Every attribution the rules (and the cue model, if given) find in ``doc``.

    Args:
        doc: a parsed document (tagger, parser, lemmatizer and NER).
        doc_date: the publication date, to resolve "on May 24" and "in January".
        cue_model: a trained cue detector for cues the word lists miss.

    Returns:
        Attributions in text order of their content.
    """
    doc.user_data[_TEXT_KEY] = doc.text  # Doc.text is rebuilt on every access
    try:
        return _find(doc, doc_date, cue_model)
    finally:
        doc.user_data.pop(_TEXT_KEY, None)


def _find(doc: Doc, doc_date: date | None, cue_model: CueModel | None) -> list[Attribution]:
    quotes = find_quotes(_text(doc))
    found: list[_Found] = []
    found.extend(_verb_reports(doc, quotes))
    found.extend(_according_to(doc))
    found.extend(_noun_reports(doc))
    found.extend(_based_on_reports(doc))
    found.extend(_headline_colons(doc))
    found = _dedupe(found)
    if cue_model is not None:
        found.extend(_model_reports(doc, quotes, found, cue_model))
    found.extend(_quote_reports(doc, quotes, found))
    spans = [_char_spans(doc, f, quotes, doc_date) for f in found]
    order = sorted(range(len(found)), key=lambda i: spans[i].content[0])
    found = [found[i] for i in order]
    spans = [spans[i] for i in order]
    parents = _nest(spans)
    resolver = SourceResolver(doc)
    out: list[Attribution] = []
    for i, (f, sp) in enumerate(zip(found, spans, strict=True)):
        source = _text_span(doc, sp.source) if sp.source else None
        profile = None
        if f.source is not None:
            profile = resolver.profile(doc[f.source[0] : f.source[1]], f.source_head)
        elif f.method is Method.QUOTE_CONTINUED and out:
            source, profile = out[-1].source, out[-1].profile
        time = _text_span(doc, sp.time) if sp.time else None
        out.append(
            Attribution(
                index=i,
                cue=_text_span(doc, sp.cue) if sp.cue else None,
                cue_lemma=f.cue_lemma,
                content=_text_span(doc, sp.content),
                source=source,
                conduit=_text_span(doc, sp.conduit) if sp.conduit else None,
                parent=parents[i],
                polarity=f.polarity,
                hedged=_hedged(f, doc, sp.content),
                time=time,
                time_resolved=resolve_time(time.text, doc_date) if time else None,
                method=f.method,
                profile=profile,
            )
        )
    return _inherit(out, doc_date)


def _inherit(atts: list[Attribution], doc_date: date | None) -> list[Attribution]:
    """A nested report takes its parent's source as conduit and its parent's time
    when it has none of its own. Parents are strictly larger, so there are no cycles;
    outer reports are resolved first."""
    by_size = sorted(range(len(atts)), key=lambda i: -(atts[i].content.end - atts[i].content.start))
    for i in by_size:
        a = atts[i]
        if a.parent is None:
            continue
        p = atts[a.parent]
        conduit = a.conduit
        if (
            conduit is None
            and p.source is not None
            and (a.source is None or p.source.text != a.source.text)
        ):
            conduit = p.source
        time = a.time if a.time is not None else p.time
        resolved = a.time_resolved if a.time is not None else p.time_resolved
        atts[i] = replace(a, conduit=conduit, time=time, time_resolved=resolved)
    return atts


# -- 1. and 2.: reporting verbs -------------------------------------------------------


def _in_quote(tok: Token, quotes: Sequence[QuoteRegion]) -> bool:
    return any(q.start <= tok.idx < q.end for q in quotes)


def _verb_reports(doc: Doc, quotes: Sequence[QuoteRegion]) -> Iterable[_Found]:
    for tok in doc:
        lemma = tok.lemma_.lower()
        if tok.pos_ not in ("VERB", "AUX") or not (
            lemma in lx.REPORTING_VERBS or lemma in lx.OBJECT_CUE_VERBS
        ):
            continue
        if lemma in lx.CATENATIVES and any(c.dep_ == "xcomp" for c in tok.children):
            continue  # "continues to report": the cue is found at "report"
        if _citing_frame(tok):
            continue  # "cited officials as confirming that": found at "confirming"
        comps = [c for c in tok.children if c.dep_ == "ccomp" and c.i > tok.i]
        comps = comps or [c for c in tok.children if c.dep_ == "ccomp"]
        clausal = True
        if comps:
            head = comps[0]
            lo, hi = _clause_span(head)
        elif (parenthetical := _parenthetical(tok)) is not None:
            lo, hi = parenthetical
            head = tok
        else:
            obj = _object_complement(tok, lemma)
            if obj is None:
                continue
            head = obj
            lo, hi = _subtree(obj)
            clausal = lemma not in lx.NOMINAL_CONTENT_VERBS
        if comps or (not clausal and lemma in lx.NOMINAL_CONTENT_VERBS):
            hi = max(hi, _right_bound(tok, head))
        content = (lo, hi)
        found = _Found(Method.VERB, _cue_span(tok), _cue_lemma(tok), content, clausal=clausal)
        found.polarity = _polarity(tok)
        citing = _citing_head(tok)
        if citing is not None:
            obj = next(c for c in citing.children if c.dep_ == "dobj")
            found.method = Method.CITING
            found.source, found.source_head = _subtree(obj), obj.i
            subj = _subject(citing)
            if subj is not None:
                found.conduit = _subtree(subj)
        else:
            subj = _subject(tok)
            if subj is not None:
                if subj.lower_ == "it" and subj.dep_ == "nsubjpass":
                    subj = None  # "it was reported that": no source
                else:
                    found.source, found.source_head = _source_span(subj), _source_head(subj)
            found.conduit = _addressee(tok)
        if found.source is None and found.cue is not None and not _passive(tok):
            continue  # an imperative or a fragment: no one is reporting
        if subj is not None and subj.lower_ in _FIRST_PERSON and _in_quote(tok, quotes):
            continue  # "'I think we will win,' he said": the speaker's own hedge, not a report
        found.time = _time_of(tok)
        yield found


def _object_complement(tok: Token, lemma: str) -> Token | None:
    """The first complement after the verb that carries what was said or held:
    a direct object, an open clause ("urged voters to"), or a prepositional object
    ("responded to the charge")."""
    if lemma not in lx.OBJECT_CUE_VERBS and lemma not in lx.NOMINAL_CONTENT_VERBS:
        return None
    # "urged voters to turn out": what was urged is the open clause, not the voters.
    xcomp = next((c for c in tok.children if c.dep_ == "xcomp" and c.i > tok.i), None)
    if xcomp is not None:
        return xcomp
    for c in tok.children:
        if c.i < tok.i:
            continue
        if c.dep_ in ("dobj", "xcomp", "oprd", "dative") and not (
            c.dep_ == "dobj" and _is_pronoun(c) and c.i == tok.right_edge.i
        ):
            return c
        if c.dep_ == "prep" and c.lower_ in lx.OBJECT_CUE_PREPS and lemma in lx.OBJECT_CUE_VERBS:
            # "called for more flexibility": the content is the object, not "for".
            return next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
    return None


def _parenthetical(tok: Token) -> tuple[int, int] | None:
    """ "This campaign, he says, is different": the clause around a reporting verb
    the parser hung on it as a parenthetical."""
    if tok.dep_ not in ("parataxis", "ccomp") or (tok.head.i < tok.i and tok.dep_ == "ccomp"):
        return None
    host = tok.head
    lo, hi = host.left_edge.i, host.right_edge.i + 1
    left, right = (lo, tok.left_edge.i), (tok.right_edge.i + 1, hi)
    if left[1] - left[0] <= 1 and right[1] - right[0] <= 1:
        return None
    if left[1] - left[0] > 1 and right[1] - right[0] > 1:
        return lo, hi  # in the middle: the covering span, as PolNeAR merges it
    return left if left[1] - left[0] > right[1] - right[0] else right


def _right_bound(verb: Token, content_head: Token) -> int:
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
        stops = c.dep_ in ("conj", "cc", "punct", "parataxis") or (
            # An adverbial clause set off by a comma or a conjunction is the writer's;
            # one that runs straight on is a misattached piece of the complement.
            c.dep_ == "advcl"
            and (doc[c.left_edge.i - 1].is_punct or any(g.dep_ == "mark" for g in c.children))
        )
        if stops:
            bound = min(bound, c.left_edge.i)
    return bound


def _citing_frame(tok: Token) -> bool:
    """ "cited officials as confirming that": the report is found at "confirming"."""
    return tok.lemma_.lower() in lx.CITING_VERBS and any(
        c.dep_ == "prep" and c.lower_ == "as" and any(g.tag_ == "VBG" for g in c.children)
        for c in tok.children
    )


def _citing_head(tok: Token) -> Token | None:
    """For "cited X as confirming": the citing verb, when tok is "confirming"."""
    head = tok.head
    if tok.dep_ == "pcomp" and head.lower_ == "as":
        head = head.head
    elif not (tok.dep_ == "advcl" and tok.tag_ == "VBG" and _subject(tok) is None):
        return None
    if head.lemma_.lower() in lx.CITING_VERBS and any(c.dep_ == "dobj" for c in head.children):
        return head
    return None


def _cue_span(tok: Token) -> tuple[int, int]:
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


def _cue_lemma(tok: Token) -> str:
    return tok.lemma_.lower()


def _polarity(tok: Token) -> Polarity:
    negated = any(c.dep_ == "neg" for c in tok.children)
    denies = tok.lemma_.lower() in lx.DENY_VERBS
    return Polarity.DENY if negated != denies else Polarity.ASSERT


def _subject(verb: Token) -> Token | None:
    """The verb's subject, climbing through coordination and catenatives."""
    seen = 0
    while seen < 4:
        for c in verb.children:
            if c.dep_ in _SUBJECTS:
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


def _source_span(subj: Token) -> tuple[int, int]:
    """The subject's subtree less what the parser hung on it from outside the noun
    phrase: a date ("14 September Peskov"), a dateline ("MOSCOW (Reuters) - ...") or
    a time-stamped line before it. An appositive keeps its closing comma, as PolNeAR
    marks it ("Huma Abedin, vice chairwoman for the campaign,")."""
    lo, hi = _subtree(subj)
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


def _source_head(subj: Token) -> int:
    """For a relative pronoun ("officials who said"), the noun it stands for."""
    if subj.tag_ in ("WP", "WDT") and subj.head.dep_ == "relcl":
        return subj.head.head.i
    return subj.i


def _passive(tok: Token) -> bool:
    return any(c.dep_ == "auxpass" for c in tok.children)


def _addressee(tok: Token) -> tuple[int, int] | None:
    """ "told Reuters", "said in an interview with Bloomberg": an outlet that relays."""
    for c in tok.children:
        if c.dep_ in ("dobj", "dative") and tok.lemma_.lower() == "tell" and _is_outlet(c):
            return _subtree(c)
        if c.dep_ == "prep" and c.lower_ in ("to", "in"):
            for g in c.subtree:
                if g.dep_ == "pobj" and _is_outlet(g):
                    return _subtree(g)
    return None


def _is_outlet(tok: Token) -> bool:
    from feint.sources.profile import known_kind

    span = tok.doc[tok.left_edge.i : tok.right_edge.i + 1]
    return known_kind(span.text) == "media" or (
        tok.ent_type_ == "ORG" and tok.lower_ not in lx.MEDIA_HEADS
    )


def _time_of(tok: Token) -> tuple[int, int] | None:
    """A date attached to the reporting verb: "reported on May 24", "said in January"."""
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in _TIME_PREPS:
            pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
            if pobj is not None and pobj.ent_type_ == "DATE":
                return c.i, pobj.right_edge.i + 1
        if c.dep_ in ("npadvmod", "tmod") and c.ent_type_ == "DATE":
            return c.left_edge.i, c.right_edge.i + 1
    return None


def _model_reports(
    doc: Doc, quotes: Sequence[QuoteRegion], found: Sequence[_Found], model: CueModel
) -> Iterable[_Found]:
    """Cues the model finds where the rules found none, with spans by the same rules."""
    taken = {i for f in found if f.cue for i in range(*f.cue)}
    covered_heads = {i for f in found if f.content for i in range(*f.content)}
    for tok in candidates(doc):
        if tok.i in taken or _citing_frame(tok) or model.probability(tok, quotes) < model.threshold:
            continue
        subj = (
            _subject(tok)
            if tok.pos_ == "VERB"
            else next((c for c in tok.children if c.dep_ == "poss"), None)
        )
        comps = [c for c in tok.children if c.dep_ in ("ccomp", "acl") and c.i > tok.i]
        head = comps[0] if comps else _object_complement(tok, "say")
        if head is None:
            head = next((c for c in tok.children if c.i > tok.i and c.dep_ in (
                "dobj", "xcomp", "prep", "attr", "acomp", "oprd")), None)  # fmt: skip
            if head is not None and head.dep_ == "prep":
                head = next((g for g in head.children if g.dep_ in ("pobj", "pcomp")), head)
        if head is None or (subj is None and tok.i not in covered_heads and tok.pos_ == "NOUN"):
            continue
        if subj is not None and subj.lower_ in _FIRST_PERSON and _in_quote(tok, quotes):
            continue
        lo, hi = _clause_span(head) if comps else _subtree(head)
        f = _Found(Method.MODEL, _cue_span(tok) if tok.pos_ == "VERB" else (tok.i, tok.i + 1),
                   tok.lemma_.lower(), (lo, hi), clausal=bool(comps))  # fmt: skip
        if subj is not None:
            f.source, f.source_head = _source_span(subj), _source_head(subj)
        f.polarity = _polarity(tok)
        f.time = _time_of(tok)
        taken.update(range(tok.i, tok.i + 1))
        yield f


# -- 3. according to -------------------------------------------------------------------


def _according_to(doc: Doc) -> Iterable[_Found]:
    for tok in doc:
        if tok.lower_ != "according" or tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
            continue
        to = doc[tok.i + 1]
        pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if pobj is None:
            continue
        pp = (tok.i, max(pobj.right_edge.i, to.i) + 1)
        clause = tok.head if tok.head is not tok else None
        if clause is None:
            continue
        sent = tok.sent
        lo, hi = clause.left_edge.i, clause.right_edge.i + 1
        lo, hi = max(lo, sent.start), min(hi, sent.end)
        if pp[0] <= lo + 1:  # "According to X, P."
            lo = pp[1]
        elif pp[1] >= hi - 1:  # "P, according to X."
            hi = pp[0]
        content = _trim_punct(doc, lo, hi)
        if content is None:
            continue
        found = _Found(Method.ACCORDING_TO, (tok.i, to.i + 1), "according to", content)
        found.source, found.source_head = _subtree(pobj), pobj.i
        yield found


# -- 4. report nouns ---------------------------------------------------------------------


def _noun_reports(doc: Doc) -> Iterable[_Found]:
    for tok in doc:
        if tok.pos_ != "NOUN" or tok.lemma_.lower() not in lx.REPORT_NOUNS:
            continue
        clause = next(
            (
                c
                for c in tok.children
                if c.dep_ in ("acl", "ccomp", "appos")
                and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)
            ),
            None,
        )
        if clause is None:
            continue
        source = None
        head = None
        for c in tok.children:
            if c.dep_ == "poss":
                source, head = _subtree(c), c.i
            elif c.dep_ == "prep" and c.lower_ in ("by", "from", "of"):
                pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if pobj is not None:
                    source, head = _subtree(pobj), pobj.i
        found = _Found(Method.NOUN, (tok.i, tok.i + 1), tok.lemma_.lower(), _clause_span(clause))
        found.source, found.source_head = source, head
        found.polarity = Polarity.DENY if tok.lemma_.lower() == "denial" else Polarity.ASSERT
        yield found


def _based_on_reports(doc: Doc) -> Iterable[_Found]:
    """ "reported similar interest ... based on statements from unspecified sources":
    the report noun is the cue, its "from"/"by" object the source, and what the
    "based on" phrase qualifies is the content."""
    for tok in doc:
        if tok.lower_ not in ("based", "citing", "drawing") or tok.dep_ not in ("prep", "acl"):
            continue
        prep = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("on", "upon")),
                    None) if tok.lower_ != "citing" else tok  # fmt: skip
        noun = (
            next((c for c in prep.children if c.dep_ in ("pobj", "dobj")), None) if prep else None
        )
        if noun is None or noun.lemma_.lower() not in lx.REPORT_NOUNS:
            continue
        by = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ in ("from", "by")),
                  None)  # fmt: skip
        pobj = next((g for g in by.children if g.dep_ == "pobj"), None) if by else None
        if pobj is None:
            continue
        head = tok.head
        if head.pos_ in ("VERB", "AUX"):
            comps = [c for c in head.children if c.i > head.i and c.dep_ in ("dobj", "ccomp")]
            if not comps:
                continue
            lo = comps[0].left_edge.i
        else:
            lo = head.left_edge.i
        content = _trim_punct(doc, lo, tok.i)
        if content is None:
            continue
        found = _Found(Method.NOUN, (noun.i, noun.i + 1), noun.lemma_.lower(), content,
                       clausal=False)  # fmt: skip
        found.source, found.source_head = _subtree(pobj), pobj.i
        yield found


# -- headlines ----------------------------------------------------------------------------

# "John McCain: Republican Populist Anger Appeals to ..." and "Poll: Trump Ties
# Clinton": a headline that gives a speaker, a colon and what they said.
_HEADLINE: Final = re.compile(
    r"^(?P<source>(?:[A-Z][\w.'’&-]*)(?: (?:[A-Z][\w.'’&-]*|of|the|de|van|von)){0,5}): "
    r"(?P<content>\S.*\S)\s*$",
    re.MULTILINE,
)


def _headline_colons(doc: Doc) -> Iterable[_Found]:
    for m in _HEADLINE.finditer(_text(doc)):
        if len(m["content"].split()) < 3 or len(m.group(0)) > 200:
            continue
        source = doc.char_span(m.start("source"), m.end("source"), alignment_mode="contract")
        colon = doc.char_span(m.end("source"), m.end("source") + 1, alignment_mode="expand")
        if source is None or colon is None or len(source) == 0:
            continue
        end = m.end("content")
        if _text(doc)[end - 1] == "." and _text(doc)[end - 2] not in _QUOTE_CHARS:
            end -= 1  # a headline's stop is not part of the claim
        f = _Found(Method.HEADLINE, (colon.start, colon.end), ":",
                   content_chars=(m.start("content"), end))  # fmt: skip
        f.source, f.source_head = (source.start, source.end), source.root.i
        yield f


# -- 5. quotes -----------------------------------------------------------------------------


def _quote_reports(
    doc: Doc, quotes: Sequence[QuoteRegion], found: Sequence[_Found]
) -> Iterable[_Found]:
    covered = [f.content for f in found if f.content is not None]
    cue_tokens = {i for f in found if f.cue for i in range(*f.cue)}
    for q in quotes:
        qspan = doc.char_span(q.start, q.end, alignment_mode="expand")
        if qspan is None:
            continue
        size = qspan.end - qspan.start
        if any(min(b, qspan.end) - max(a, qspan.start) >= size / 2 for a, b in covered):
            continue  # most of the quote is already the content of a report
        if any(qspan.start <= a and b <= qspan.end for a, b in covered):
            continue  # a report inside the quote was found; the quote is its content
        cue = _cue_near(doc, qspan, cue_tokens)
        if cue is not None:
            f = _Found(
                Method.QUOTE, _cue_span(cue), _cue_lemma(cue), content_chars=(q.start, q.end)
            )
            subj = _subject(cue)
            if subj is None:
                continue
            f.source, f.source_head = _source_span(subj), _source_head(subj)
            f.polarity = _polarity(cue)
            f.time = _time_of(cue)
            yield f
        elif q.continues_previous or _follows_quote(doc, q, found):
            yield _Found(Method.QUOTE_CONTINUED, None, "", content_chars=(q.start, q.end))


def _follows_quote(doc: Doc, q: QuoteRegion, found: Sequence[_Found]) -> bool:
    """An uncued quote in the paragraph of an attributed quote, or starting the next
    paragraph, continues that speaker ('"We will go on," Peskov said. "The goals
    remain."')."""
    ends = [
        (doc[f.content[1] - 1].idx + len(doc[f.content[1] - 1]), f)
        for f in found
        if f.content is not None and f.content[1] > f.content[0]
    ]
    before = [(end, f) for end, f in ends if end <= q.start]
    if not before:
        return False
    end, f = max(before, key=lambda x: x[0])
    assert f.content is not None
    start = doc[f.content[0]].idx
    quoted = _text(doc)[max(0, start - 1) : start + 1]
    between = _text(doc)[end : q.start]
    return (
        any(c in _QUOTE_CHARS for c in quoted) and between.count("\n") <= 1 and len(between) < 200
    )


def _cue_near(doc: Doc, quote: Span, taken: set[int]) -> Token | None:
    """A reporting verb outside the quote, in a sentence the quote touches."""
    sents = {t.sent.start: t.sent for t in (doc[quote.start], doc[quote.end - 1])}
    best: Token | None = None
    for sent in sents.values():
        for tok in sent:
            if quote.start <= tok.i < quote.end or tok.i in taken:
                continue
            if tok.lemma_.lower() in lx.REPORTING_VERBS and tok.pos_ == "VERB":
                dist = min(abs(tok.i - quote.start), abs(tok.i - quote.end))
                if best is None or dist < min(abs(best.i - quote.start), abs(best.i - quote.end)):
                    best = tok
    return best


# -- spans, trimming, nesting ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _CharSpans:
    content: tuple[int, int]
    cue: tuple[int, int] | None
    source: tuple[int, int] | None
    conduit: tuple[int, int] | None
    time: tuple[int, int] | None


def _not_future(doc: Doc, span: tuple[int, int], doc_date: date | None) -> bool:
    """A date after the document's own cannot date the report ("will ... in 2025")."""
    when = resolve_time(doc[span[0] : span[1]].text, doc_date)
    return when is not None and (doc_date is None or when <= doc_date)


def _char_spans(
    doc: Doc, f: _Found, quotes: Sequence[QuoteRegion], doc_date: date | None
) -> _CharSpans:
    time = f.time
    if f.content_chars is not None:
        content = f.content_chars
    else:
        assert f.content is not None
        lo, hi = f.content
        if f.clausal:
            hi = _cut_commentary(doc, lo, hi)
            tail = _trailing_time(doc, lo, hi)
            if tail is not None and _not_future(doc, tail, doc_date):
                hi = tail[0]
                time = time or tail
        trimmed = _trim_punct(doc, lo, hi) or (lo, hi)
        content = (doc[trimmed[0]].idx, _end_char(doc, trimmed[1]))
        content = _extend_to_quote(content, quotes)
    return _CharSpans(
        content=content,
        cue=None if f.cue is None else (doc[f.cue[0]].idx, _end_char(doc, f.cue[1])),
        source=_chars(doc, f.source),
        conduit=_chars(doc, f.conduit),
        time=_chars(doc, time),
    )


def _chars(doc: Doc, span: tuple[int, int] | None) -> tuple[int, int] | None:
    if span is None:
        return None
    trimmed = _trim_punct(doc, *span) or span
    return doc[trimmed[0]].idx, _end_char(doc, trimmed[1])


def _end_char(doc: Doc, end_token: int) -> int:
    last = doc[end_token - 1]
    return last.idx + len(last.text)


def _text_span(doc: Doc, chars: tuple[int, int]) -> TextSpan:
    return TextSpan(chars[0], chars[1], _text(doc)[chars[0] : chars[1]])


def _subtree(tok: Token) -> tuple[int, int]:
    return tok.left_edge.i, tok.right_edge.i + 1


def _clause_span(head: Token) -> tuple[int, int]:
    lo, hi = head.left_edge.i, head.right_edge.i + 1
    doc = head.doc
    while lo < hi and (doc[lo].lower_ in _COMPLEMENTIZERS and doc[lo].dep_ == "mark"):
        lo += 1
    return lo, hi


def _trim_punct(doc: Doc, lo: int, hi: int) -> tuple[int, int] | None:
    """Drop punctuation and spaces at both ends, but keep a quote mark whose partner
    is inside the span, and a closing quote (with the stop before it) that closes a
    quote opened inside ('has "always run a lean campaign."')."""
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space) and not _paired(doc, lo, hi):
        lo += 1
    while hi > lo and (doc[hi - 1].is_punct or doc[hi - 1].is_space) and not _paired(doc, lo, hi):
        hi -= 1
    if hi > lo and _open_quote(doc, lo, hi):
        end = hi
        while end < len(doc) and end - hi < 3 and doc[end].is_punct:
            if doc[end].text in '”»"’':
                hi = end + 1
                break
            end += 1
    return (lo, hi) if hi > lo else None


def _open_quote(doc: Doc, lo: int, hi: int) -> bool:
    """Whether a quote opens inside [lo, hi) and does not close there."""
    opens = sum(
        1 for t in doc[lo:hi] if t.text in ("“", "«") or (t.text == '"' and t.is_left_punct)
    )
    closes = sum(
        1 for t in doc[lo:hi] if t.text in ("”", "»") or (t.text == '"' and t.is_right_punct)
    )
    return opens > closes


def _paired(doc: Doc, lo: int, hi: int) -> bool:
    """Whether both ends are quote marks (a quote kept whole)."""
    return doc[lo].text in _QUOTE_CHARS and doc[hi - 1].text in _QUOTE_CHARS and hi - lo > 2


def _cut_commentary(doc: Doc, lo: int, hi: int) -> int:
    for i in range(lo + 1, hi - 1):
        if doc[i].text == "," and doc[i + 1].lower_ in _CUT_AFTER_COMMA:
            return i
    return hi


def _trailing_time(doc: Doc, lo: int, hi: int) -> tuple[int, int] | None:
    """A date phrase that ends a clausal content dates the report, not the claim
    ("claimed that Russia was open to negotiations in December 2022")."""
    end = hi
    while end > lo and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    if end - lo < 4 or doc[end - 1].ent_type_ != "DATE":
        return None
    start = end - 1
    while start > lo and doc[start - 1].ent_type_ == "DATE" and doc[start - 1].ent_iob_ != "O":
        start -= 1
        if doc[start].ent_iob_ == "B":
            break
    if start - 1 > lo and doc[start - 1].lower_ in _TIME_PREPS:
        return start - 1, end
    return None


def _extend_to_quote(content: tuple[int, int], quotes: Sequence[QuoteRegion]) -> tuple[int, int]:
    """Content that ends or starts inside a quote covers the whole quote, so a quote
    over several sentences is one content."""
    lo, hi = content
    for q in quotes:
        if q.start < hi <= q.end and lo >= q.start:
            return q.start, q.end
        if q.start <= lo < q.end and hi > q.end:
            continue
        if lo <= q.start + 1 and q.end - 1 <= hi <= q.end + 1:
            return min(lo, q.start), max(hi, q.end)
    return content


def _nest(spans: Sequence[_CharSpans]) -> list[int | None]:
    """The index of the smallest attribution whose content holds another's cue."""
    parents: list[int | None] = []
    for i, sp in enumerate(spans):
        anchor = sp.cue or sp.source
        best: int | None = None
        if anchor is not None:
            for j, other in enumerate(spans):
                lo, hi = other.content
                size = hi - lo
                if (
                    j != i
                    and lo <= anchor[0]
                    and anchor[1] <= hi
                    and (size > sp.content[1] - sp.content[0])
                    and (
                        best is None
                        or (hi - lo) < (spans[best].content[1] - spans[best].content[0])
                    )
                ):
                    best = j
        parents.append(best)
    return parents


def _dedupe(found: Sequence[_Found]) -> list[_Found]:
    """One attribution per cue: the first rule that found it wins."""
    out: list[_Found] = []
    seen: set[tuple[int, int]] = set()
    for f in found:
        key = f.cue or (-1, -1)
        if f.cue is not None and key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out


def _hedged(f: _Found, doc: Doc, content: tuple[int, int]) -> bool:
    if f.cue_lemma in lx.HEDGE_VERBS:
        return True
    words = _text(doc)[content[0] : content[1]].lower().split()
    return any(w.strip(',.;:"“”') in lx.HEDGE_WORDS for w in words[:12])


def _is_pronoun(tok: Token) -> bool:
    return tok.pos_ == "PRON"


__all__ = ["find_attributions"]

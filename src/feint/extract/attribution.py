"""Attributions from a parsed document: rules over the dependency parse.

Pure functions over a spaCy ``Doc`` that return ``Attribution`` records (textacy's
``direct_quotations`` is the model). The rules, in the order they run:

1. reporting verbs with a clausal complement: "X said (that) P", "X told Reuters
   that P", '"P," X said', "X continues to report that P", "X denied that P";
   with a direct object for verbs whose object is the report ("X reported similar
   interest ...");
2. citing: "Y has cited X as confirming that P" (source X, conduit Y);
3. "according to X, P" and "P, according to X";
4. report nouns: "X's statement that P", "claims by X that P", and "P based on
   statements from X";
5. headlines that give a speaker and a colon: "Lavrov: West must accept ...";
6. with a trained ``CueModel``: cues the word lists miss ("mocked", "joked") get
   spans by the same rules;
7. quotes that no rule above covered: a cue in the same sentence outside the quote,
   or a quote continuing the previous speaker.

Helpers that read the parse live in ``syntax``, those that turn token spans into
character spans in ``spans``.

Then nesting (an attribution whose cue lies inside another's content is nested in
it, and the outer source becomes its conduit), time expressions and source
profiles. Spans follow PolNeAR's roles; content excludes the complementizer "that"
(the evaluation adds it back where PolNeAR includes it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from typing import Final

from spacy.tokens import Doc, Span, Token

from feint.extract import lexicon as lx
from feint.extract import spans as sp
from feint.extract import syntax as sx
from feint.extract import tagger as tg
from feint.extract.cuemodel import CueModel, candidates
from feint.extract.profile import SourceResolver
from feint.extract.quotes import QuoteRegion, find_quotes
from feint.extract.records import Attribution, Method, Polarity
from feint.extract.tagger import Tagger
from feint.extract.timex import resolve_time


def find_attributions(
    doc: Doc,
    doc_date: date | None = None,
    cue_model: CueModel | None = None,
    tagger: Tagger | None = None,
) -> list[Attribution]:
    """Every attribution the rules (and the cue model and tagger, if given) find in ``doc``.

    Args:
        doc: a parsed document (tagger, parser, lemmatizer and NER).
        doc_date: the publication date, to resolve "on May 24" and "in January".
        cue_model: a trained cue detector for cues the word lists miss.
        tagger: feint-tagger, whose boundaries the rules' spans take and whose
            reports the rules missed are added (``feint.extract.tagger.merge``).

    Returns:
        Attributions in text order of their content.
    """
    doc.user_data[sp.TEXT_KEY] = doc.text  # Doc.text is rebuilt on every access
    try:
        return _find(doc, doc_date, cue_model, tagger)
    finally:
        doc.user_data.pop(sp.TEXT_KEY, None)


def _find(
    doc: Doc, doc_date: date | None, cue_model: CueModel | None, tagger: Tagger | None
) -> list[Attribution]:
    quotes = find_quotes(sp.text(doc))
    found: list[sp.Candidate] = []
    found.extend(_verb_reports(doc, quotes))
    found.extend(_according_to(doc))
    found.extend(_noun_reports(doc))
    found.extend(_based_on_reports(doc))
    found.extend(_headline_colons(doc))
    found = sp.dedupe(found)
    if cue_model is not None:
        found.extend(_model_reports(doc, quotes, found, cue_model))
    found = [f for f in found if _speech(doc, f)]
    found.extend(_quote_reports(doc, quotes, found))
    spans = [sp.char_spans(doc, f, quotes, doc_date) for f in found]
    if tagger is not None:
        text = sp.text(doc)
        spans, added = tg.merge(
            doc, found, spans, tg.attributions_from_spans(text, tagger.spans(text))
        )
        for f, cs in added:
            if _speech(doc, f):
                found.append(f)
                spans.append(cs)
    order = sorted(range(len(found)), key=lambda i: spans[i].content[0])
    found = [found[i] for i in order]
    spans = [spans[i] for i in order]
    parents = sp.nest(spans)
    resolver = SourceResolver(doc, quotes)
    out: list[Attribution] = []
    for i, (f, cs) in enumerate(zip(found, spans, strict=True)):
        source = sp.text_span(doc, cs.source) if cs.source else None
        profile = None
        if f.source is not None:
            profile = resolver.profile(doc[f.source[0] : f.source[1]], f.source_head)
        elif f.method is Method.QUOTE_CONTINUED and out:
            source, profile = out[-1].source, out[-1].profile
        time = sp.text_span(doc, cs.time) if cs.time else None
        out.append(
            Attribution(
                index=i,
                cue=sp.text_span(doc, cs.cue) if cs.cue else None,
                cue_lemma=f.cue_lemma,
                content=sp.text_span(doc, cs.content),
                source=source,
                conduit=sp.text_span(doc, cs.conduit) if cs.conduit else None,
                parent=parents[i],
                polarity=f.polarity,
                hedged=sp.hedged(f, doc, cs.content),
                time=time,
                time_resolved=resolve_time(time.text, doc_date) if time else None,
                method=f.method,
                profile=profile,
                predicate=sp.has_predicate(doc, cs.content),
            )
        )
    return _inherit(out, doc_date)


_LOOKS: Final = lx.INFERENCE_VERBS | {"seem", "appear", "look", "sound"}
_AGENT_ENTS: Final = frozenset({"PERSON", "ORG", "NORP", "GPE"})
_AGENT_HEADS: Final = (
    lx.ANONYMOUS_HEADS | lx.OFFICIAL_HEADS | lx.MEDIA_HEADS | lx.ANALYST_HEADS
    | lx.DOCUMENT_HEADS | lx.TITLE_WORDS | lx.EVIDENCE_HEADS
)  # fmt: skip


def _speech(doc: Doc, f: sp.Candidate) -> bool:
    """Is the candidate communication or cognition, not a deed or an inference?

    A deed ("the House passed a bill") is an event, and an event or a thing cannot
    speak ("recent attacks show that ...": the writer's inference), nor can a
    placeholder the parse left as a subject ("something", "that").
    """
    if f.cue_lemma in lx.ACTION_VERBS:
        return False
    if f.cue is not None and _unrealised(doc[f.cue[0] : f.cue[1]].root):
        return False
    if f.source_head is None:
        return True
    head = doc[f.source_head]
    if head.dep_ == "nsubjpass" and f.cue_lemma in lx.ADDRESSEE_VERBS:
        return False  # "Peskov was asked about it": the one spoken to
    if head.ent_type_ in _AGENT_ENTS or head.pos_ == "PROPN":
        return True
    lemma, lower = head.lemma_.lower(), head.lower_
    if lower in lx.NON_SOURCES or lemma in lx.NON_AGENT_HEADS or lower in lx.NON_AGENT_HEADS:
        return False
    if f.cue_lemma in lx.INFERENCE_VERBS and head.pos_ == "NOUN":
        return lemma in _AGENT_HEADS or lower in _AGENT_HEADS
    return True


def _unrealised(cue: Token) -> bool:
    """A report in an infinitive that has not been made: one a noun waits for ("it
    was time for Putin to show he was serious", "a chance to say") or one a verb
    withholds or looks ahead to ("refused to confirm that ...", "is expected to
    announce that ..."). One that was made stays ("used back channels to show he was
    open", "continues to say that ...")."""
    if cue.pos_ not in ("VERB", "AUX") or not any(
        c.dep_ == "aux" and c.lower_ == "to" for c in cue.children
    ):
        return False
    if cue.dep_ in ("relcl", "acl"):
        return True
    return cue.dep_ == "xcomp" and cue.head.lemma_.lower() in lx.IRREALIS_HEADS


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


def _verb_reports(doc: Doc, quotes: Sequence[QuoteRegion]) -> Iterable[sp.Candidate]:
    for tok in doc:
        lemma = tok.lemma_.lower()
        if tok.pos_ not in ("VERB", "AUX") or not (
            lemma in lx.REPORTING_VERBS or lemma in lx.OBJECT_CUE_VERBS
        ):
            continue
        if lemma in lx.CATENATIVES and any(c.dep_ == "xcomp" for c in tok.children):
            continue  # "continues to report": the cue is found at "report"
        if sx.citing_frame(tok) or sx.cites_for(tok):
            continue  # "cited officials as confirming that": found at "confirming"
        comps = [c for c in tok.children if c.dep_ == "ccomp" and c.i > tok.i]
        comps = comps or [c for c in tok.children if c.dep_ == "ccomp"]
        clausal = True
        if comps:
            head = comps[0]
            lo, hi = sx.clause_span(head)
        elif (around := sx.parenthetical(tok)) is not None:
            lo, hi = around
            head = tok
        else:
            obj = sx.object_complement(tok, lemma)
            if obj is None:
                continue
            head = obj
            lo, hi = sx.subtree(obj)
            clausal = lemma not in lx.NOMINAL_CONTENT_VERBS
        if comps or (not clausal and lemma in lx.NOMINAL_CONTENT_VERBS):
            hi = max(hi, sx.right_bound(tok, head))
        content = (lo, hi)
        found = sp.Candidate(
            Method.VERB, sx.cue_span(tok), sx.cue_lemma(tok), content, clausal=clausal
        )
        found.polarity = sx.polarity(tok)
        citing = sx.citing_head(tok)
        cited = sx.citing_modifier(tok)
        subj = None
        if citing is not None:
            source_tok, conduit_tok = citing
            found.method = Method.CITING
            found.source, found.source_head = sx.subtree(source_tok), source_tok.i
            if conduit_tok is not None:
                found.conduit = sx.subtree(conduit_tok)
        elif cited is not None:  # "The paper, citing three officials, said ..."
            obj = next(c for c in cited.children if c.dep_ == "dobj")
            found.method = Method.CITING
            found.cue, found.cue_lemma = (cited.i, cited.i + 1), cited.lemma_.lower()
            found.source, found.source_head = sx.subtree(obj), obj.i
            subj = sx.subject(tok)
            if subj is not None:
                found.conduit = sx.source_span(subj)
                if found.conduit[1] > cited.left_edge.i > found.conduit[0]:
                    found.conduit = sp.trim_punct(doc, found.conduit[0], cited.left_edge.i)
        else:
            subj = sx.subject(tok)
            if subj is not None and sx.passive(tok) and lemma in lx.ADDRESSEE_VERBS:
                # "Peskov was asked about it": Peskov listened; the asker, if named,
                # is the agent ("by reporters").
                subj = next(
                    (g for c in tok.children if c.dep_ == "agent"
                     for g in c.children if g.dep_ == "pobj"), None,
                )  # fmt: skip
                if subj is None:
                    continue
            if subj is not None:
                if subj.lower_ == "it" and subj.dep_ == "nsubjpass":
                    subj = None  # "it was reported that": no source
                else:
                    found.source, found.source_head = sx.source_span(subj), sx.source_head(subj)
            found.conduit = sx.addressee(tok)
        if not comps and head.ent_type_ in ("GPE", "LOC", "FAC"):
            continue  # "attacked Kharkiv", "hit Kyiv": a deed done to a place
        if found.source is None and found.cue is not None and not sx.passive(tok):
            continue  # an imperative or a fragment: no one is reporting
        if subj is not None and subj.lower_ in sx.FIRST_PERSON and sx.in_quote(tok, quotes):
            continue  # "'I think we will win,' he said": the speaker's own hedge, not a report
        found.time = sx.time_of(tok)
        yield found


def _model_reports(
    doc: Doc, quotes: Sequence[QuoteRegion], found: Sequence[sp.Candidate], model: CueModel
) -> Iterable[sp.Candidate]:
    """Cues the model finds where the rules found none, with spans by the same rules."""
    taken = {i for f in found if f.cue for i in range(*f.cue)}
    covered_heads = {i for f in found if f.content for i in range(*f.content)}
    for tok in candidates(doc):
        if tok.i in taken or sx.citing_frame(tok) or sx.cites_for(tok):
            continue
        if tok.pos_ == "VERB" and sx.citing_modifier(tok) is not None:
            continue  # "The paper, citing X, said": found with "citing" as its cue
        if model.probability(tok, quotes) < model.threshold:
            continue
        subj = (
            sx.subject(tok)
            if tok.pos_ == "VERB"
            else next((c for c in tok.children if c.dep_ == "poss"), None)
        )
        comps = [c for c in tok.children if c.dep_ in ("ccomp", "acl") and c.i > tok.i]
        if not comps and tok.lemma_.lower() in _LOOKS:
            continue  # "has shown a willingness", "seems determined": how one acts
        if not comps and tok.lemma_.lower() in lx.BARE_OBJECT_DEEDS and sx.bare_object(tok):
            continue  # "might call Donald Trump", "declared a ceasefire": deeds
        if not comps and tok.lemma_.lower() in lx.QUESTION_VERBS:
            continue  # "asked about its report": a question, not a claim
        head = comps[0] if comps else sx.object_complement(tok, "say")
        if head is None:
            head = next((c for c in tok.children if c.i > tok.i and c.dep_ in (
                "dobj", "xcomp", "prep", "attr", "acomp", "oprd")), None)  # fmt: skip
            if head is not None and head.dep_ == "prep":
                head = next((g for g in head.children if g.dep_ in ("pobj", "pcomp")), head)
        if head is None or (subj is None and tok.i not in covered_heads and tok.pos_ == "NOUN"):
            continue
        if subj is not None and subj.lower_ in sx.FIRST_PERSON and sx.in_quote(tok, quotes):
            continue
        lo, hi = sx.clause_span(head) if comps else sx.subtree(head)
        cue = sx.cue_span(tok) if tok.pos_ == "VERB" else (tok.i, tok.i + 1)
        f = sp.Candidate(Method.MODEL, cue, tok.lemma_.lower(), (lo, hi), clausal=bool(comps))
        if subj is not None:
            f.source, f.source_head = sx.source_span(subj), sx.source_head(subj)
        f.polarity = sx.polarity(tok)
        f.time = sx.time_of(tok)
        taken.update(range(tok.i, tok.i + 1))
        yield f


# -- 3. according to -------------------------------------------------------------------


def _according_to(doc: Doc) -> Iterable[sp.Candidate]:
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
        content = sp.trim_punct(doc, lo, hi)
        if content is None:
            continue
        found = sp.Candidate(Method.ACCORDING_TO, (tok.i, to.i + 1), "according to", content)
        found.source, found.source_head = sx.subtree(pobj), pobj.i
        yield found


# -- 4. report nouns ---------------------------------------------------------------------


def _noun_reports(doc: Doc) -> Iterable[sp.Candidate]:
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
                source, head = sx.subtree(c), c.i
            elif c.dep_ == "prep" and c.lower_ in ("by", "from", "of"):
                pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if pobj is not None:
                    source, head = sx.subtree(pobj), pobj.i
        found = sp.Candidate(
            Method.NOUN, (tok.i, tok.i + 1), tok.lemma_.lower(), sx.clause_span(clause)
        )
        found.source, found.source_head = source, head
        found.polarity = Polarity.DENY if tok.lemma_.lower() == "denial" else Polarity.ASSERT
        yield found


def _based_on_reports(doc: Doc) -> Iterable[sp.Candidate]:
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
        content = sp.trim_punct(doc, lo, tok.i)
        if content is None:
            continue
        found = sp.Candidate(Method.NOUN, (noun.i, noun.i + 1), noun.lemma_.lower(), content,
                       clausal=False)  # fmt: skip
        found.source, found.source_head = sx.subtree(pobj), pobj.i
        yield found


# -- headlines ----------------------------------------------------------------------------

# "John McCain: Republican Populist Anger Appeals to ..." and "Poll: Trump Ties
# Clinton": a headline that gives a speaker, a colon and what they said.
_HEADLINE: Final = re.compile(
    r"^(?P<source>(?:[A-Z][\w.'’&-]*)(?: (?:[A-Z][\w.'’&-]*|of|the|de|van|von)){0,5}): "
    r"(?P<content>\S.*\S)\s*$",
    re.MULTILINE,
)


def _headline_colons(doc: Doc) -> Iterable[sp.Candidate]:
    for m in _HEADLINE.finditer(sp.text(doc)):
        if len(m["content"].split()) < 3 or len(m.group(0)) > 200:
            continue
        source = doc.char_span(m.start("source"), m.end("source"), alignment_mode="contract")
        colon = doc.char_span(m.end("source"), m.end("source") + 1, alignment_mode="expand")
        if source is None or colon is None or len(source) == 0:
            continue
        end = m.end("content")
        if sp.text(doc)[end - 1] == "." and sp.text(doc)[end - 2] not in sp.QUOTE_CHARS:
            end -= 1  # a headline's stop is not part of the claim
        f = sp.Candidate(Method.HEADLINE, (colon.start, colon.end), ":",
                   content_chars=(m.start("content"), end))  # fmt: skip
        f.source, f.source_head = (source.start, source.end), source.root.i
        yield f


# -- 5. quotes -----------------------------------------------------------------------------


def _quote_reports(
    doc: Doc, quotes: Sequence[QuoteRegion], found: Sequence[sp.Candidate]
) -> Iterable[sp.Candidate]:
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
            f = sp.Candidate(
                Method.QUOTE, sx.cue_span(cue), sx.cue_lemma(cue), content_chars=(q.start, q.end)
            )
            subj = sx.subject(cue)
            if subj is None:
                continue
            f.source, f.source_head = sx.source_span(subj), sx.source_head(subj)
            f.polarity = sx.polarity(cue)
            f.time = sx.time_of(cue)
            yield f
        elif q.continues_previous or _follows_quote(doc, q, found):
            yield sp.Candidate(Method.QUOTE_CONTINUED, None, "", content_chars=(q.start, q.end))


def _follows_quote(doc: Doc, q: QuoteRegion, found: Sequence[sp.Candidate]) -> bool:
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
    quoted = sp.text(doc)[max(0, start - 1) : start + 1]
    between = sp.text(doc)[end : q.start]
    return (
        any(c in sp.QUOTE_CHARS for c in quoted) and between.count("\n") <= 1 and len(between) < 200
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


__all__ = ["find_attributions"]

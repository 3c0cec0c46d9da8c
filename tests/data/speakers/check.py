#!/usr/bin/env python3
"""Check the hand-made speaker evaluation set in this folder.

Run from the repository root:  python3 tests/data/speakers/check.py

Checks that every span is where the gold says it is, that ids and kinds are
well formed, that ``resolved`` follows the rules in README.md, that each hard
case is present in at least MIN_ITEMS items, and that no sentence opening
dominates the texts. Prints a summary; exits 1 when any check fails.
Standard library only, so it runs without installing feint.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent

KINDS = {
    "named_person",
    "named_official",
    "official_body",
    "anonymous",
    "anonymous_official",
    "media",
    "analyst",
    "document",
    "unresolved",
}
NAMED_KINDS = {"named_person", "named_official", "official_body", "analyst", "media"}
ANON_KINDS = {"anonymous", "anonymous_official"}
# Personal and relative pronouns that may stand as a source. "we"/"I" never
# may: inside a quote the quote's speaker is the source.
PRONOUNS = {"he", "she", "it", "they", "who"}
FIRST_PERSON = re.compile(r"\b(we|I|us|our|me|my)\b", re.IGNORECASE)
DETERMINERS = ("a ", "an ", "the ")
# Spellings that occur in the texts but must never appear in `resolved`:
# each person has one canonical spelling across the whole set.
VARIANTS = {
    "Dmitri Peskov": "Dmitry Peskov",
    "Sergey Lavrov": "Sergei Lavrov",
    "Zelenskyy": "Volodymyr Zelensky",
    "Zelenskiy": "Volodymyr Zelensky",
    "Yury Ushakov": "Yuri Ushakov",
    "Abbas Araqchi": "Abbas Araghchi",
    "Tayyip Erdogan": "Recep Tayyip Erdogan",
}
TIME = re.compile(
    r"\b(on (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|"
    r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|"
    r"earlier|later|afterwards|last week|a day earlier|hours earlier|the same day|"
    r"overnight|yesterday)\b"
)
CAPTION = re.compile(r"^(Photo:|FILE PHOTO:|By [A-Z][a-z]+ [A-Z])")
DATELINE = re.compile(r"^[A-Z][A-Z .]+, [A-Z][a-z]+\.? \d{1,2}( \([A-Za-z]+\))? - ")
MIN_ITEMS = 8  # each hard case must appear in at least this many items
MAX_OPENING_SHARE = 0.05


def load(name: str) -> list[dict]:
    with open(HERE / name, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def is_word(c: str) -> bool:
    return c.isalnum() or c in "'-"


def occurrences(text: str, span: str) -> list[int]:
    """Start offsets of `span` in `text` that do not cut a word in two."""
    out, start = [], 0
    while (i := text.find(span, start)) != -1:
        j = i + len(span)
        left_ok = not (span[0].isalnum() and i > 0 and is_word(text[i - 1]))
        right_ok = not (span[-1].isalnum() and j < len(text) and is_word(text[j]))
        if left_ok and right_ok:
            out.append(i)
        start = i + 1
    return out


def paragraphs(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for para in text.split("\n\n"):
        spans.append((pos, pos + len(para)))
        pos += len(para) + 2
    return spans


def nearest(text: str, word: str, para: tuple[int, int], content: tuple[int, int]) -> int | None:
    """The whole-word occurrence of ``word`` in paragraph ``para`` (start, end) and
    outside the content (start, length) nearest that content, or None."""
    cpos, clen = content
    cand = [p for p in occurrences(text, word)
            if para[0] <= p < para[1] and not cpos <= p < cpos + clen]  # fmt: skip
    return min(cand, key=lambda p: gap(p, len(word), cpos, clen), default=None)


def gap(pos: int, length: int, cpos: int, clen: int) -> int:
    """Characters between a span at `pos` and the content at `cpos`."""
    if pos + length <= cpos:
        return cpos - (pos + length)
    return max(0, pos - (cpos + clen))


def strip_det(s: str) -> str:
    low = s.lower()
    for d in (*DETERMINERS, "one "):
        if low.startswith(d) and not low.startswith("one of"):
            return s[len(d) :]
    return s


def mask_opening(sentence: str) -> str:
    words = sentence.split()[:5]
    out = []
    for w in words:
        core = w.lstrip("\"'(")
        out.append("X" if core[:1].isupper() else w.lower())
    return " ".join(out)


def sentences(text: str) -> list[str]:
    out = []
    for para in text.split("\n\n"):
        for s in re.split(r'(?<=[.!?])["\u201d]?\s+(?=["\u201cA-Z])', para):
            if s.strip():
                out.append(s.strip())
    return out


def main() -> int:
    errors: list[str] = []
    warnings: list[str] = []
    items = load("items.jsonl")
    gold = load("gold.jsonl")

    ids = [it["id"] for it in items]
    gids = [g["id"] for g in gold]
    if len(set(ids)) != len(ids):
        errors.append("duplicate ids in items.jsonl")
    if len(set(gids)) != len(gids):
        errors.append("duplicate ids in gold.jsonl")
    if ids != gids:
        errors.append("items.jsonl and gold.jsonl ids differ or are in a different order")
    by_id = {it["id"]: it for it in items}

    kinds = collections.Counter()
    cases: dict[str, set[str]] = collections.defaultdict(set)
    n_attr = n_not = n_headline = 0
    names_items: dict[str, set[str]] = collections.defaultdict(set)
    openings = collections.Counter()
    n_sent = 0

    for it in items:
        iid, text, title = it["id"], it["text"], it["title"]
        if set(it) != {"id", "published", "title", "text"}:
            errors.append(f"{iid}: item keys {sorted(it)}")
        try:
            dt.date.fromisoformat(it["published"])
        except ValueError:
            errors.append(f"{iid}: bad date {it['published']!r}")
        nwords = len(text.split())
        if not 60 <= nwords <= 200:
            errors.append(f"{iid}: {nwords} words, want 60-200")
        if "\n\n\n" in text or text != text.strip():
            errors.append(f"{iid}: stray blank lines or outer whitespace")
        paras = paragraphs(text)
        first = text[paras[0][0] : paras[0][1]]
        headline = first == title
        n_headline += headline
        # Regions that must hold no span: captions, photo credits, bylines, datelines.
        blocked: list[tuple[int, int]] = []
        for a, b in paras:
            p = text[a:b]
            if CAPTION.match(p):
                blocked.append((a, b))
                cases["caption_or_byline"].add(iid)
            elif m := DATELINE.match(p):
                blocked.append((a, a + m.end()))
                cases["dateline"].add(iid)
        for s in sentences(text):
            n_sent += 1
            openings[mask_opening(s)] += 1

    for g in gold:
        iid = g["id"]
        it = by_id.get(iid)
        if it is None:
            continue
        text = it["text"]
        paras = paragraphs(text)
        head_end = paras[0][1] if text[: paras[0][1]] == it["title"] else -1
        blocked = []
        for a, b in paras:
            p = text[a:b]
            if CAPTION.match(p):
                blocked.append((a, b))
            elif m := DATELINE.match(p):
                blocked.append((a, a + m.end()))

        def in_blocked(pos: int, length: int, blocked: list[tuple[int, int]] = blocked) -> bool:
            return any(pos < b and pos + length > a for a, b in blocked)

        def para_of(pos: int, paras: list[tuple[int, int]] = paras) -> tuple[int, int]:
            return next((a, b) for a, b in paras if a <= pos <= b)

        attrs = g["attributions"]
        if not 4 <= len(attrs) <= 7:
            warnings.append(f"{iid}: {len(attrs)} attributions (aim 4-7)")
        located = []  # (attr, source_pos, cue_pos, content_pos)
        for k, at in enumerate(attrs):
            tag = f"{iid}[{k}]"
            n_attr += 1
            if set(at) != {"source", "resolved", "kind", "cue", "content", "conduit"}:
                errors.append(f"{tag}: keys {sorted(at)}")
                continue
            src, res, kind, cue, con, via = (
                at[x] for x in ("source", "resolved", "kind", "cue", "content", "conduit")
            )
            kinds[kind] += 1
            if kind not in KINDS:
                errors.append(f"{tag}: unknown kind {kind!r}")
            if not con or con not in text:
                errors.append(f"{tag}: content not in text: {con!r}")
                continue
            if text.count(con) > 1:
                n = text.count(con)
                errors.append(f"{tag}: content occurs {n} times; first occurrence would be meant")
            cpos = text.find(con)
            if in_blocked(cpos, len(con)):
                errors.append(f"{tag}: content lies in a caption, byline or dateline")
            if con.lower().startswith("that "):
                errors.append(f"{tag}: content starts with 'that'")
            pa, pb = para_of(cpos)
            # Source and cue: the whole-word occurrence nearest the content,
            # inside the content's paragraph (README, "Locating spans").
            spos = qpos = None
            if (src is None) != (cue is None):
                errors.append(f"{tag}: source and cue must both be null or both set")
            if src is not None:
                para, content = (pa, pb), (cpos, len(con))
                spos, qpos = nearest(text, src, para, content), nearest(text, cue, para, content)
                if spos is None:
                    errors.append(f"{tag}: source {src!r} not found in the content's paragraph")
                elif in_blocked(spos, len(src)):
                    errors.append(f"{tag}: source lies in a caption, byline or dateline")
                if qpos is None:
                    errors.append(f"{tag}: cue {cue!r} not found in the content's paragraph")
            if via is not None and not [p for p in occurrences(text, via) if pa <= p < pb]:
                errors.append(f"{tag}: conduit {via!r} not found in the content's paragraph")
            # resolved
            if res is None and not (kind == "unresolved" or src is None):
                errors.append(f"{tag}: resolved is null but kind is {kind} and source is set")
            if kind == "unresolved":
                if res is not None:
                    errors.append(f"{tag}: kind unresolved needs resolved null")
                if src is None or src.lower() not in PRONOUNS:
                    errors.append(f"{tag}: kind unresolved needs a pronoun source")
            if src is None and res is None:
                errors.append(f"{tag}: a continuing quote needs the speaker in resolved")
            if src is not None and src.lower() in {"we", "i", "our", "us"}:
                errors.append(f"{tag}: first-person source; use the quote's speaker")
            for bad, canon in VARIANTS.items():
                if res and occurrences(res, bad) and not occurrences(res, canon):
                    errors.append(f"{tag}: resolved uses variant spelling {bad!r}")
            if kind in ANON_KINDS and src and src.lower() not in PRONOUNS and res != strip_det(src):
                errors.append(f"{tag}: anonymous resolved {res!r} should be {strip_det(src)!r}")
            if res and kind in NAMED_KINDS | {"named_person", "named_official"}:
                names_items[res].add(iid)
            located.append((at, spos, qpos, cpos))

            # hard cases
            low = (src or "").lower()
            if low in PRONOUNS and kind != "unresolved":
                cases["pronoun_source"].add(iid)
            if kind == "unresolved":
                cases["unresolved_pronoun"].add(iid)
            if src is None:
                cases["uncued_continuation"].add(iid)
            if (FIRST_PERSON.search(con) and src is not None) or (
                src is None and FIRST_PERSON.search(con)
            ):
                cases["first_person_in_quote"].add(iid)
            if (
                src
                and kind not in ANON_KINDS
                and low not in PRONOUNS
                and low.startswith((*DETERMINERS, "his ", "her ", "its "))
                and res
                and res.lower() not in low
            ):
                cases["role_description"].add(iid)
            if (
                src
                and spos is not None
                and kind in {"named_person", "named_official"}
                and re.fullmatch(r"[A-Z][\w'-]+", src)
                and res
                and " " in res
                and res.split()[-1] == src
                and re.search(r"[A-Z][a-z]+ " + re.escape(src), text[:spos])
            ):
                cases["surname_after_full_name"].add(iid)
            if src and any(v in src for v in VARIANTS):
                cases["transliteration_variant"].add(iid)
            cl = (cue or "").lower()
            if "citing" in cl or "cited" in cl:
                cases["citing"].add(iid)
            if "quoted" in cl:
                cases["quoted_by"].add(iid)
            if cl.startswith("wrote on") or cl.startswith("posted"):
                cases["wrote_on"].add(iid)
            if "according to" in cl:
                cases["according_to"].add(iid)
            if any(x in cl for x in ("citing", "cited", "quoted", "wrote on", "according to")):
                cases["citing_quoted_wrote_according"].add(iid)
            if via is not None:
                cases["conduit_set"].add(iid)
            if cue == ":" and head_end > 0 and cpos < head_end:
                cases["headline_colon"].add(iid)
            if qpos is not None and qpos < cpos:
                between = text[qpos + len(cue) : cpos]
                if TIME.search(between):
                    cases["content_past_time_expression"].add(iid)
            if qpos is not None and cpos + len(con) <= qpos:
                cases["fronted_content"].add(iid)
            if "denied" in cl:
                cases["denial"].add(iid)
            if kind == "document":
                cases["document_source"].add(iid)

        # nested reports: an inner attribution relayed by an outer one
        for at, *_ in located:
            for outer, *_ in located:
                if (
                    outer is not at
                    and at["conduit"]
                    and outer["source"] == at["conduit"]
                    and at["content"] in outer["content"]
                ):
                    cases["nested_report"].add(iid)

        nots = g.get("not_attributions", [])
        n_not += len(nots)
        if nots:
            cases["speech_vs_action_negative"].add(iid)
        for na in nots:
            occ = occurrences(text, na)
            if not occ:
                errors.append(f"{iid}: not_attribution {na!r} not in text")
                continue
            p = occ[0]
            for at, _spos, qpos, cpos in located:
                if cpos <= p < cpos + len(at["content"]):
                    errors.append(
                        f"{iid}: not_attribution {na!r} first occurs inside a content span"
                    )
                if qpos is not None and qpos == p:
                    errors.append(f"{iid}: not_attribution {na!r} is a cue")

    # sentence frames
    top, top_n = openings.most_common(1)[0]
    share = top_n / n_sent
    if share >= MAX_OPENING_SHARE:
        errors.append(f"most common masked opening {top!r} is {share:.1%} of sentences")

    required = [
        "pronoun_source",
        "first_person_in_quote",
        "uncued_continuation",
        "role_description",
        "surname_after_full_name",
        "transliteration_variant",
        "citing_quoted_wrote_according",
        "unresolved_pronoun",
        "content_past_time_expression",
        "headline_colon",
        "speech_vs_action_negative",
        "caption_or_byline",
    ]
    for c in required:
        if len(cases[c]) < MIN_ITEMS:
            errors.append(f"hard case {c}: {len(cases[c])} items, want >= {MIN_ITEMS}")

    # canonical names used in 2+ items must be listed in README.md
    multi = sorted(n for n, s in names_items.items() if len(s) >= 2)
    readme = (
        (HERE / "README.md").read_text(encoding="utf-8") if (HERE / "README.md").exists() else ""
    )
    for n in multi:
        if f"`{n}`" not in readme:
            errors.append(f"README.md does not list canonical name `{n}`")

    print(f"items: {len(items)} (headline as first line: {n_headline})")
    print(f"attributions: {n_attr}  not_attributions: {n_not}")
    print("by kind:")
    for k in sorted(KINDS):
        print(f"  {k:20s} {kinds[k]}")
    print("hard cases (items):")
    for c in sorted(cases):
        mark = "*" if c in required else " "
        print(f" {mark}{c:32s} {len(cases[c])}")
    print(f"sentences: {n_sent}; most common masked opening {top!r}: {top_n} ({share:.1%})")
    print(f"canonical names in 2+ items ({len(multi)}): {', '.join(multi)}")
    for w in warnings:
        print("warning:", w)
    for e in errors:
        print("ERROR:", e)
    print("FAIL" if errors else "OK", f"({len(errors)} errors)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

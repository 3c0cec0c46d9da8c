"""feint-tagger, the shipped int8 ONNX token tagger: loads offline, tags a clear
report, decodes under BIO, groups its spans, and extraction with it keeps every rules
attribution while taking the tagger's boundaries."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import numpy as np
import pytest
from spacy.language import Language

from feint.errors import ModelNotFoundError
from feint.extract.component import AttributionComponent
from feint.extract.nlp import COMPONENT, pipe_attributions
from feint.extract.polnear import Scorer, as_roles, load_corpus
from feint.extract.records import Attribution, Method
from feint.extract.tagger import RoleSpans, Tagger, _viterbi, attributions_from_spans, group

DEV = Path(__file__).resolve().parents[3] / "shared" / "data" / "polnear" / "dev"
CLEAR = "The minister told reporters on Monday that the talks had failed."


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger.builtin()


@pytest.fixture(scope="module")
def dev_articles() -> list:  # type: ignore[type-arg]
    if not DEV.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"PolNeAR dev is missing at {DEV}; CI must have ../shared beside the repo")
        pytest.skip(f"PolNeAR dev not found at {DEV}")
    return load_corpus(DEV, limit=2)


def _text(text: str, spans: tuple[tuple[int, int], ...]) -> list[str]:
    return [text[lo:hi] for lo, hi in spans]


def test_the_shipped_model_records_how_it_was_made(tagger: Tagger) -> None:
    assert tagger.meta["labels"][0] == "O"
    assert "train_data_sha256" in tagger.meta
    assert tagger.meta["format"].startswith("ONNX")


def test_a_clear_report_gets_source_cue_and_content(tagger: Tagger) -> None:
    spans = tagger.spans(CLEAR)
    assert _text(CLEAR, spans.source) == ["The minister"]
    assert any("told" in c for c in _text(CLEAR, spans.cue))
    assert any("the talks had failed" in c for c in _text(CLEAR, spans.content))
    (att,) = attributions_from_spans(CLEAR, spans)
    assert att.method is Method.MODEL
    assert att.source is not None and att.source.text == "The minister"
    # feint's content leaves out "that"; PolNeAR's scorer adds it back.
    assert not att.content.text.startswith("that ")


@pytest.mark.parametrize("text", ["", "   ", "The weather was fine on Monday."])
def test_no_report_gives_no_attribution(tagger: Tagger, text: str) -> None:
    assert attributions_from_spans(text, tagger.spans(text)) == []


def test_a_content_split_by_its_cue_is_merged() -> None:
    text = '"The talks," he said, "have failed."'
    spans = RoleSpans(source=((13, 15),), cue=((16, 20),), content=((1, 10), (23, 35)))
    assert group(text, spans) == [{"cue": (16, 20), "source": (13, 15), "content": (1, 35)}]
    # Words other than the cue and its source between two pieces keep them apart.
    text = "The talks failed, he said on Monday, and blamed the envoys."
    spans = RoleSpans(source=((18, 20),), cue=((21, 25),), content=((0, 16), (41, 58)))
    assert [g["content"] for g in group(text, spans)] == [(0, 16), (41, 58)]


def test_long_articles_are_read_in_windows(tagger: Tagger, dev_articles: list) -> None:  # type: ignore[type-arg]
    art = max(dev_articles, key=lambda a: len(a.text))
    assert len(tagger.tokenizer.encode(art.text).ids) > tagger.max_len
    spans = tagger.spans(art.text)
    scorer = Scorer()
    atts = attributions_from_spans(art.text, spans)
    scorer.add(art.text, [as_roles(art.text, a) for a in atts], art.gold)
    assert scorer.result()["content"]["overlap"]["f1"] > 0.5
    # Spans are within the text, in order, and do not overlap within a role.
    for role in ("source", "cue", "content"):
        found = spans.of(role)
        assert all(0 <= lo < hi <= len(art.text) for lo, hi in found)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(found))


def _structure(a: Attribution) -> tuple[object, ...]:
    return (a.method, a.cue_lemma, a.polarity, a.source, a.profile)


@pytest.mark.model
def test_extraction_with_the_tagger_keeps_what_the_rules_found(
    nlp: Language,
    dev_articles: list,  # type: ignore[type-arg]
) -> None:
    component = nlp.get_pipe(COMPONENT)
    assert isinstance(component, AttributionComponent)
    assert component.tagger is not None, "extraction runs with the tagger by default"
    texts = [(a.text, None) for a in dev_articles]
    with_tagger = [atts for _, atts in pipe_attributions(nlp, texts)]
    kept, component.tagger = component.tagger, None
    try:
        rules = [atts for _, atts in pipe_attributions(nlp, texts)]
    finally:
        component.tagger = kept
    moved = n_added = 0
    for art, mine, theirs in zip(dev_articles, with_tagger, rules, strict=True):
        added = [a for a in mine if a.method is Method.TAGGER]
        same = [a for a in mine if a.method is not Method.TAGGER]
        n_added += len(added)
        # Every rules report is still there, with its method, source and profile.
        assert sorted(map(_structure, same), key=repr) == sorted(map(_structure, theirs), key=repr)
        for a in mine:
            assert art.text[a.content.start : a.content.end] == a.content.text
        moved += sum(
            a.content != b.content
            for a, b in zip(
                sorted(same, key=lambda x: x.cue.start if x.cue else -1),
                sorted(theirs, key=lambda x: x.cue.start if x.cue else -1),
                strict=True,
            )
        )
        for a in added:  # an addition is a report the rules did not find
            assert a.cue is not None and a.cue_lemma
            assert not any(
                b.cue is not None and a.cue.start < b.cue.end and b.cue.start < a.cue.end
                for b in theirs
            )  # fmt: skip
    assert moved > 0, "the tagger's boundaries moved no rules content"


@pytest.mark.model
def test_a_content_never_takes_in_its_own_report_or_the_next_sentence(nlp: Language) -> None:
    text = (
        "Israeli officials said they were watching closely. The deputy minister said "
        "sanctions relief had to come first, and the talks would resume in May."
    )
    [(_, atts)] = list(pipe_attributions(nlp, [(text, None)]))
    contents = {a.content.text for a in atts}
    assert "they were watching closely" in contents
    assert all("said" not in c and ". The" not in c for c in contents), contents


@pytest.mark.model
def test_a_content_keeps_the_clause_it_opens_with(nlp: Language) -> None:
    text = (
        "The broadcaster quoted a senior aide as saying that the president was open to a "
        "pause in the fighting, a message he believed the government wanted heard abroad, "
        "though he added that no talks were planned."
    )
    [(_, atts)] = list(pipe_attributions(nlp, [(text, None)]))
    [saying] = [a for a in atts if a.cue is not None and a.cue.text == "saying"]
    assert saying.content.text.startswith("the president was open to a pause in the fighting")


@pytest.mark.model
def test_a_content_never_runs_on_into_the_writers_comment(nlp: Language) -> None:
    text = (
        "Officials in Moscow claimed the army was open to a pause in March, likely to "
        "slow the delivery of new air defences to the front."
    )
    [(_, atts)] = list(pipe_attributions(nlp, [(text, None)]))
    [claimed] = [a for a in atts if a.cue is not None and a.cue.text == "claimed"]
    assert "likely" not in claimed.content.text, claimed.content.text


def test_decoding_follows_bio() -> None:
    labels = ("O", "B-CONTENT", "I-CONTENT")
    # Per-word argmax would read O, I, I: a content starting with I after O.
    logits = np.log(np.array([[0.9, 0.05, 0.05], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8]]))
    assert [labels[i] for i in _viterbi(logits, labels)] == ["O", "B-CONTENT", "I-CONTENT"]
    # I-X never follows B-Y of another role.
    labels2 = ("O", "B-CUE", "I-CUE", "B-CONTENT", "I-CONTENT")
    logits2 = np.log(np.array([[0.05, 0.8, 0.05, 0.05, 0.05], [0.1, 0.05, 0.05, 0.3, 0.5]]))
    path = [labels2[i] for i in _viterbi(logits2, labels2)]
    assert path[0] == "B-CUE" and path[1] != "I-CONTENT", path


def test_a_bad_model_folder_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "meta.json").write_text("{}", "utf-8")
    with pytest.raises(ModelNotFoundError, match=r"train/tagger\.py") as e:
        Tagger(tmp_path)
    assert str(tmp_path) in str(e.value)


def _spinning(t: Tagger) -> str | None:
    """The session's allow_spinning entry; None when unset (onnxruntime's default, on)."""
    options = t.session.get_session_options()
    try:
        return str(options.get_session_config_entry("session.intra_op.allow_spinning"))
    except Exception:  # onnxruntime raises for an entry never set
        return None


@pytest.mark.model
def test_extraction_runs_the_tagger_with_its_threads_asleep_between_runs(nlp: Language) -> None:
    # Issue 16: onnxruntime's threads busy-wait between runs by default and take the
    # cores the parse of the next document needs; extraction turns that off.
    component = nlp.get_pipe(COMPONENT)
    assert isinstance(component, AttributionComponent) and component.tagger is not None
    assert component.tagger.spinning is False
    assert _spinning(component.tagger) == "0"


def test_the_old_threading_stays_available(tagger: Tagger) -> None:
    old = Tagger.builtin(spinning=True)
    assert old.spinning is True and tagger.spinning is False
    assert _spinning(tagger) == "0"
    assert _spinning(old) in (None, "1")


def test_the_threading_does_not_change_what_the_tagger_finds(
    tagger: Tagger,
    dev_articles: list,  # type: ignore[type-arg]
) -> None:
    old = Tagger.builtin(spinning=True)
    for art in dev_articles:
        assert tagger.spans(art.text) == old.spans(art.text)

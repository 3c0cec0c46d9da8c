"""feint-tagger, the shipped int8 ONNX token tagger: loads offline, tags a clear
report, groups its spans, and its union with the rules keeps every rules attribution."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest
from spacy.language import Language

from feint.errors import ModelNotFoundError
from feint.extract.nlp import pipe_attributions
from feint.extract.polnear import Scorer, as_roles, load_corpus
from feint.extract.records import Attribution, Method
from feint.extract.tagger import RoleSpans, Tagger, attributions_from_spans, group, union

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
    spans = RoleSpans(source=((12, 14),), cue=((15, 19),), content=((1, 10), (22, 34)))
    assert group(text, spans) == [{"cue": (15, 19), "source": (12, 14), "content": (1, 34)}]


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
    return (a.method, a.cue_lemma, a.parent, a.polarity, a.hedged, a.conduit, a.profile)


@pytest.mark.model
def test_union_keeps_every_rules_attribution(
    nlp: Language,
    tagger: Tagger,
    dev_articles: list,  # type: ignore[type-arg]
) -> None:
    n_added = 0
    for doc, rules in pipe_attributions(nlp, ((a.text, None) for a in dev_articles)):
        merged = union(doc, rules, tagger)
        # Boundaries may move to the tagger's; the structure the rules found stays.
        assert [_structure(a) for a in merged[: len(rules)]] == [_structure(r) for r in rules]
        assert [a.index for a in merged] == list(range(len(merged)))
        added = merged[len(rules) :]
        n_added += len(added)
        assert all(a.method is Method.MODEL for a in added)
        for a in added:
            assert not any(
                a.cue is not None and r.cue is not None and a.cue.start < r.cue.end
                and r.cue.start < a.cue.end
                for r in rules
            )  # fmt: skip
            if a.source is not None:
                assert a.profile is not None
        confirmed = union(doc, rules, tagger, keep_unconfirmed=False)
        assert len(confirmed) <= len(merged)
        assert all(a.parent is None or 0 <= a.parent < len(confirmed) for a in confirmed)
    assert n_added > 0, "the tagger found no report the rules missed"


def test_a_bad_model_folder_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "meta.json").write_text("{}", "utf-8")
    with pytest.raises(ModelNotFoundError, match=r"train/tagger\.py") as e:
        Tagger(tmp_path)
    assert str(tmp_path) in str(e.value)

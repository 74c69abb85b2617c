from __future__ import annotations

import pandas as pd
import pytest

from casekit.analysis.themes import find_themes, uncovered_segments
from casekit.errors import CasekitError
from tests.analysis.frames import codings_frame, segments_frame

TEXTS = [
    "群众办事要跑很多趟窗口，材料太多。",
    "窗口排队时间长，群众跑很多趟。",
    "办事材料太多，群众反复跑窗口。",
    "数据中心机房电力不足，服务器老旧。",
    "机房服务器老旧，电力经常不足。",
    "服务器和机房需要更新，电力不足。",
]


def _segments() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "segment_id": range(len(TEXTS)),
            "segment": [f"d/t{i + 1}" for i in range(len(TEXTS))],
            "document": "d",
            "text": TEXTS,
        }
    )


def test_two_themes_separate_the_topics() -> None:
    themes = find_themes(_segments(), n_themes=2, seed=3, n_terms=5, n_examples=2)
    assert list(themes.summary.columns) == ["theme", "segments", "top_terms"]
    assert themes.summary["segments"].tolist() == [3, 3]
    topic_of = {f"d/t{i + 1}": "window" if i < 3 else "server" for i in range(6)}
    for theme in (1, 2):
        examples = themes.examples[themes.examples["theme"] == theme]
        assert examples["rank"].tolist() == [1, 2]
        assert len({topic_of[s] for s in examples["segment"]}) == 1
        terms = themes.terms[themes.terms["theme"] == theme]["term"]
        assert len(terms) == 5
        # Every top term belongs to one topic's texts only.
        homes = {
            frozenset(
                topic
                for topic, texts in (("window", TEXTS[:3]), ("server", TEXTS[3:]))
                if any(t in x for x in texts)
            )
            for t in terms
        }
        assert len(homes) == 1
    again = find_themes(_segments(), n_themes=2, seed=3, n_terms=5, n_examples=2)
    pd.testing.assert_frame_equal(again.terms, themes.terms)
    pd.testing.assert_frame_equal(again.examples, themes.examples)


def test_uncovered_segments() -> None:
    uncovered = uncovered_segments(codings_frame(), segments_frame())
    assert uncovered["segment"].tolist() == ["d3/t3"]  # d1/t2 and d2/t3 are questions (问)
    everything = uncovered_segments(codings_frame(), segments_frame(), skip_speakers=())
    assert everything["segment"].tolist() == ["d1/t2", "d2/t3", "d3/t3"]


def test_too_few_segments() -> None:
    with pytest.raises(CasekitError) as err:
        find_themes(_segments().iloc[:2], n_themes=3, seed=1)
    assert str(err.value) == "2 uncovered segments cannot make 3 themes; ask for fewer themes"
    with pytest.raises(CasekitError, match="^the uncovered segments have no terms"):
        find_themes(_segments().assign(text="。。"), n_themes=1, seed=1)


def test_mixed_text_tokens() -> None:
    from casekit.analysis.text_features import char_ngrams

    assert char_ngrams("数据对不上，the Data is 2021年OK", lo=2, hi=3) == [
        "数据", "据对", "对不", "不上", "数据对", "据对不", "对不上",
        "the", "data", "is", "ok",
    ]  # fmt: skip
    assert char_ngrams("标准 a the", lo=1, hi=1, stop_words=frozenset({"the"})) == ["标", "准"]

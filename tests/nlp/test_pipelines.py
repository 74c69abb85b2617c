"""Cached spaCy pipelines and language detection."""

from __future__ import annotations

import pytest

from casekit.errors import ConfigError
from casekit.nlp import detect_language, get_pipeline


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("答：这个事情后来还是主要领导亲自过问。", "zh"),
        ("我们用API对接了省平台的数据接口", "zh"),
        ("Once the governor's office took an interest, the bureau sent us the data.", "en"),
        ("The 一网通办 reform let citizens apply online.", "en"),
        ("2023", "zh"),
        ("", "zh"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_detect_language_default() -> None:
    assert detect_language("12:30", default="en") == "en"


def test_pipelines_are_cached() -> None:
    assert get_pipeline("zh") is get_pipeline("zh")
    assert get_pipeline("en") is get_pipeline("en")
    assert get_pipeline("zh") is not get_pipeline("en")


def test_zh_pipeline_uses_jieba_and_user_words() -> None:
    nlp = get_pipeline("zh")
    assert nlp.tokenizer.segmenter == "jieba"
    word = "壹贰叁肆伍陆"  # not in jieba's dictionary
    assert word not in [t.text for t in nlp(f"这是{word}吗")]
    nlp = get_pipeline("zh", user_words=[word])
    assert word in [t.text for t in nlp(f"这是{word}吗")]


def test_zh_sentences_end_at_chinese_punctuation() -> None:
    doc = get_pipeline("zh")("第一句话；第二句话……第三句话！第四句话。")
    assert [s.text for s in doc.sents] == ["第一句话；", "第二句话……", "第三句话！", "第四句话。"]


def test_en_pipeline_has_lookup_lemmas_and_sentences() -> None:
    doc = get_pipeline("en")("The bureaus shared data. It was outdated!")
    assert [t.lemma_ for t in doc][:4] == ["The", "bureau", "share", "datum"]
    assert [s.text for s in doc.sents] == ["The bureaus shared data.", "It was outdated!"]


def test_unknown_language() -> None:
    with pytest.raises(
        ConfigError, match="unsupported language 'fr': casekit handles 'zh' and 'en'"
    ):
        get_pipeline("fr")


def test_model_that_is_not_installed_is_never_downloaded() -> None:
    with pytest.raises(ConfigError) as err:
        get_pipeline("en", model="casekit_no_such_model")
    assert str(err.value) == (
        "spaCy pipeline 'casekit_no_such_model' is not installed; install it with "
        "`python -m spacy download casekit_no_such_model` on a machine with network access, "
        "or remove the model setting to use the built-in blank pipeline"
    )

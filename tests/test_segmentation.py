from __future__ import annotations

import pytest

from casekit.segmentation import (
    article_spans,
    paragraph_spans,
    segment_key,
    segment_text,
    turn_spans,
)

INTERVIEW = (
    "［访谈时间：2021年4月，已匿名处理］\n\n"
    "问：办低保的时候，需要群众自己开哪些证明？\n\n"
    "答：不动产的库我们查不了。还得让申请人回去开证明！平台上有个“查询入口”。\n"
    "但是返回的数据对不上；我们也不敢直接用。\n\n"
    "王科长: 我补充一句。\n\n"
    "王科长：说完了。"
)


def _check_offsets(text: str, units: list[str], language: str) -> list:
    segments = segment_text(text, units, language=language)
    for seg in segments:
        assert text[seg.start : seg.end] == seg.text
        assert seg.text == seg.text.strip()
    return segments


def test_turns_have_speakers_and_exclude_labels() -> None:
    spans = turn_spans(INTERVIEW)
    assert [who for _, _, who in spans] == ["问", "答", "王科长", "王科长"]
    start, end, _ = spans[1]
    assert INTERVIEW[start:end].startswith("不动产的库")
    assert INTERVIEW[start:end].endswith("不敢直接用。")


def test_english_turns_and_stray_labels() -> None:
    text = "Note: recorded in May.\nQ: Who holds the data?\nA: The bureau does.\nLi Wei: I disagree.\nLi Wei: Fine."
    assert [who for _, _, who in turn_spans(text)] == ["Q", "A", "Li Wei", "Li Wei"]


def test_paragraphs_by_blank_lines_or_by_lines() -> None:
    assert len(paragraph_spans(INTERVIEW)) == 5
    assert paragraph_spans("第一行\n第二行\n\n") == [(0, 3), (4, 7)]
    assert paragraph_spans("a\nb\n\nc") == [(0, 3), (5, 6)]


def test_sentences_split_on_chinese_punctuation_and_keep_quotes() -> None:
    segments = _check_offsets(INTERVIEW, ["sentence"], "zh")
    texts = [s.text for s in segments]
    assert "答：不动产的库我们查不了。" in texts
    assert "平台上有个“查询入口”。" in texts
    assert "但是返回的数据对不上；" in texts


def test_english_sentences() -> None:
    text = 'Q: Did it work?\n\nA: Not really. They said "it is classified." We gave up.'
    texts = [s.text for s in _check_offsets(text, ["sentence"], "en")]
    assert texts == [
        "Q: Did it work?",
        "A: Not really.",
        'They said "it is classified."',
        "We gave up.",
    ]


def test_articles_and_sections() -> None:
    text = (
        "第一章 总则\n第一条 为了规范数据共享，制定本条例。\n本条例所称数据，是指……\n"
        "第二条 本条例适用于本省。\n第二章 共享\n一、总体要求\n（一）坚持以共享为原则。\n1. 做好目录。"
    )
    spans = article_spans(text)
    assert [label for _, _, label in spans] == ["第一条", "第二条", "一、", "（一）", "1."]
    first = text[spans[0][0] : spans[0][1]]
    assert first == "第一条 为了规范数据共享，制定本条例。\n本条例所称数据，是指……"
    assert text[spans[1][0] : spans[1][1]] == "第二条 本条例适用于本省。"


@pytest.mark.parametrize(
    "units", [["turn"], ["paragraph"], ["sentence"], ["article"], ["turn", "paragraph", "sentence"]]
)
def test_offsets_always_reconstruct(units: list[str]) -> None:
    _check_offsets(INTERVIEW + "\n\n第一条 测试。", units, "zh")


def test_ids_are_stable_and_readable() -> None:
    first = segment_text(INTERVIEW, ["turn", "paragraph"], language="zh")
    again = segment_text(INTERVIEW, ["turn", "paragraph"], language="zh")
    assert first == again
    assert segment_key("gz-prov-01", "turn", 14) == "gz-prov-01/t14"
    assert [(s.unit, s.idx) for s in first[:3]] == [("turn", 1), ("turn", 2), ("turn", 3)]

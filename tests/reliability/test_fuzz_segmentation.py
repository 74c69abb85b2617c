"""Fuzzing segmentation: offsets always reconstruct the text; no empty or overlapping segments."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casekit.segmentation import UNIT_LETTERS, segment_text
from casekit.text import normalize_newlines
from tests.reliability.conftest import Examples
from tests.reliability.harness import fuzz_settings

UNITS = tuple(UNIT_LETTERS)

# Pieces of real transcripts and policy texts (speaker labels, article markers, headings,
# sentence ends, blank lines, full-width spaces) mixed with arbitrary characters, so the
# property meets the structures segmentation looks for, and garbage around them.
PIECES = st.sampled_from(
    [
        "问：",
        "答：",
        "Q: ",
        "A:",
        "王科长：",
        "Li Wei: ",
        "访谈者：",
        "Note:",
        "第一条",
        "第十二条　",
        "第三章 总则",
        "（一）",
        "一、",
        "1.",
        "2．",
        "。",
        "！",
        "？",
        "；",
        "……",
        "”",
        ". ",
        "? ",
        "\n",
        "\n\n",
        "\r\n",
        " \n \n",
        "\u3000",
        "\t",
        "数据共享",
        "平台",
        "the platform",
        "Mr. Li",
    ]
)
TEXTS = st.lists(
    PIECES | st.text(st.characters(blacklist_categories=("Cs",)), max_size=6), max_size=40
).map("".join)


def _check(text: str, unit: str, segments: list) -> None:
    spans = [(s.start, s.end) for s in segments]
    assert [s.idx for s in segments] == list(range(1, len(segments) + 1)), unit
    for seg in segments:
        assert 0 <= seg.start < seg.end <= len(text), (unit, seg)
        assert text[seg.start : seg.end] == seg.text, (unit, seg)
        assert seg.text.strip(), (unit, seg)
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end <= start, (unit, spans)


@pytest.mark.parametrize("language", ["zh", "en"])
@fuzz_settings(ci=120, full=2500)
@given(raw=TEXTS)
def test_segments_reconstruct_the_text_and_never_overlap(
    language: str, raw: str, examples: Examples
) -> None:
    examples.tick()
    text = normalize_newlines(raw)[0]  # what ingest stores
    segments = segment_text(text, UNITS, language=language)
    by_unit = {unit: [s for s in segments if s.unit == unit] for unit in UNITS}
    for unit, found in by_unit.items():
        _check(text, unit, found)
    # Paragraphs hold every visible character; sentences never cross a paragraph.
    paragraphs = [(s.start, s.end) for s in by_unit["paragraph"]]
    for i, ch in enumerate(text):
        if not ch.isspace() and ch not in "\ufeff":
            assert any(start <= i < end for start, end in paragraphs), (i, ch)
    for sentence in by_unit["sentence"]:
        assert any(start <= sentence.start and sentence.end <= end for start, end in paragraphs)
    for turn in by_unit["turn"]:
        assert turn.speaker

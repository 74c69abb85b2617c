"""Reducing hits to one coding per code and span, or per code."""

from __future__ import annotations

import pytest

from casekit.coding import Hit, reduce_hits

HITS = [
    Hit("A", 0, 4, "数据共享", "A#regex1", "regex"),
    Hit("A", 0, 4, "数据共享", "A#kw", "keyword"),
    Hit("A", 0, 8, "数据共享交换平台", "A#kw", "keyword"),
    Hit("B", 2, 8, "共享交换平台", "B#prox1", "proximity"),
    Hit("A", 9, 12, "一把手", "A#pattern1", "pattern"),
]


def test_reduce_per_span_keeps_the_most_literal_rule() -> None:
    assert reduce_hits(HITS) == [
        Hit("A", 0, 4, "数据共享", "A#kw", "keyword"),
        Hit("A", 0, 8, "数据共享交换平台", "A#kw", "keyword"),
        Hit("B", 2, 8, "共享交换平台", "B#prox1", "proximity"),
        Hit("A", 9, 12, "一把手", "A#pattern1", "pattern"),
    ]


def test_reduce_per_code_keeps_the_earliest_hit() -> None:
    assert reduce_hits(HITS, per="code") == [
        Hit("A", 0, 4, "数据共享", "A#kw", "keyword"),
        Hit("B", 2, 8, "共享交换平台", "B#prox1", "proximity"),
    ]


def test_reduce_rejects_unknown_unit() -> None:
    with pytest.raises(ValueError, match="per must be 'span' or 'code', not 'segment'"):
        reduce_hits(HITS, per="segment")  # type: ignore[arg-type]

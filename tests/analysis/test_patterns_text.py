from __future__ import annotations

import pandas as pd
import pytest

from casekit.analysis.patterns import dilemma_patterns
from casekit.analysis.patterns_text import format_q, format_weight, render_patterns
from tests.analysis.frames import codes_meta, codings_frame, segments_frame


def test_render_matches_the_thesis_table_layout() -> None:
    result = dilemma_patterns(codings_frame(), segments_frame(), codes_meta(), unit="turn")
    assert render_patterns(result) == (
        "DIL.STD 标准不统一 (3 segments, 2 documents)\n"
        "  with elements   EL.SYS 业务系统 (jaccard .50, q=.917)\n"
        "  with strategies STR.STD 统一标准 (jaccard .25, q=1)\n"
        "  “省里要求统一标准，系统改了。” — d1, 县政务中心 窗口人员\n"
        "  “编码规则不一样，系统对不上。” — d1, 县政务中心 窗口人员\n"
        "\n"
        "DIL.SILO 数据孤岛 (2 segments, 2 documents)\n"
        "  with elements   EL.DEPT 部门 (jaccard .67, q=.667)\n"
        "  with strategies —\n"
        "  “各部门各管各的。” — d2\n"
        "  “部门之间不给数据。” — d1, 县政务中心 窗口人员"
    )


def test_english_names_clipping_and_marks() -> None:
    result = dilemma_patterns(
        codings_frame(), segments_frame(), codes_meta(), unit="turn", n_quotes=2
    )
    text = render_patterns(result, language="en", max_quote_width=12, mark=("[", "]"))
    lines = text.splitlines()
    assert lines[0] == "DIL.STD Inconsistent standards (3 segments, 2 documents)"
    # 编码规则不一 is the coded span: kept in view, the rest clipped.
    assert lines[4] == "  “[编码规则不一]…” — d1, 县政务中心 窗口人员"


def test_second_partner_shows_only_the_value() -> None:
    codings = codings_frame()
    extra = codings[codings["segment"] == "d2/t1"].assign(
        code="EL.DEPT", family="element", parent="EL", category="EL"
    )
    codings = pd.concat([codings, extra], ignore_index=True)
    result = dilemma_patterns(codings, segments_frame(), codes_meta(), unit="turn", measure="count")
    line = render_patterns(result).splitlines()[1]
    assert line == "  with elements   EL.SYS 业务系统 (count 2, q=.917) · EL.DEPT 部门 (1, q=1)"


@pytest.mark.parametrize(
    ("value", "measure", "text"),
    [(0.381, "jaccard", ".38"), (1.523, "lift", "1.52"), (-0.12, "npmi", "-.12"),
     (3.0, "count", "3"), (0.999, "cosine", "1.00"), (1.0, "npmi", "1.00")],
)  # fmt: skip
def test_format_weight(value: float, measure: str, text: str) -> None:
    assert format_weight(value, measure) == text


@pytest.mark.parametrize(
    ("q", "text"), [(0.0004, "q<.001"), (0.004, "q=.004"), (0.0456, "q=.046"), (1.0, "q=1")]
)
def test_format_q(q: float, text: str) -> None:
    assert format_q(q) == text


def test_no_dilemmas() -> None:
    codings = codings_frame()
    result = dilemma_patterns(
        codings[codings["family"] != "dilemma"], segments_frame(), codes_meta(), unit="turn"
    )
    assert render_patterns(result) == "no dilemma codes in these codings"

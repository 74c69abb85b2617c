from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from casekit.analysis.cooccurrence import code_cooccurrence
from casekit.analysis.matrix import segment_code_matrix
from casekit.analysis.patterns import (
    PATTERN_COLUMNS,
    QUOTE_COLUMNS,
    dilemma_patterns,
)
from casekit.errors import CasekitError
from tests.analysis.frames import codes_meta, codings_frame, segments_frame


def _result(**kwargs):
    return dilemma_patterns(codings_frame(), segments_frame(), codes_meta(), unit="turn", **kwargs)


def test_dilemmas_most_frequent_first() -> None:
    expected = pd.DataFrame(
        {
            "dilemma": ["DIL.STD", "DIL.SILO"],
            "name_zh": ["标准不统一", "数据孤岛"],
            "name_en": ["Inconsistent standards", "Data silos"],
            "segments": [3, 2],
            "documents": [2, 2],
        }
    )
    assert_frame_equal(_result().dilemmas, expected)


def test_partners_by_role_with_q_values_from_cooccurrence() -> None:
    result = _result()
    assert list(result.patterns.columns) == PATTERN_COLUMNS
    assert result.patterns[["dilemma", "role", "rank", "code", "count"]].values.tolist() == [
        ["DIL.STD", "element", 1, "EL.SYS", 2],
        ["DIL.STD", "strategy", 1, "STR.STD", 1],
        ["DIL.SILO", "element", 1, "EL.DEPT", 2],
    ]
    cooc = code_cooccurrence(segment_code_matrix(codings_frame(), segments_frame()))
    pair = cooc[(cooc["code_a"] == "DIL.STD") & (cooc["code_b"] == "EL.SYS")].iloc[0]
    row = result.patterns.iloc[0]
    assert row["weight"] == pair["jaccard"] and row["q_value"] == pair["q_value"]
    assert row["name_zh"] == "业务系统" and row["name_en"] == "Business systems"
    assert result.measure == "jaccard" and result.unit == "turn"


def test_ranking_within_role_and_top() -> None:
    # Add a second element partner for DIL.STD that co-occurs once: ranked after EL.SYS.
    codings = codings_frame()
    extra = codings[(codings["segment"] == "d2/t1")].assign(
        code="EL.DEPT", family="element", parent="EL", category="EL", coding_id=99
    )
    both = pd.concat([codings, extra], ignore_index=True)
    result = dilemma_patterns(both, segments_frame(), codes_meta(), unit="turn", measure="count")
    std = result.patterns[result.patterns["dilemma"] == "DIL.STD"]
    assert std[["role", "rank", "code", "weight"]].values.tolist() == [
        ["element", 1, "EL.SYS", 2.0],
        ["element", 2, "EL.DEPT", 1.0],
        ["strategy", 1, "STR.STD", 1.0],
    ]
    top1 = dilemma_patterns(both, segments_frame(), codes_meta(), unit="turn", top=1)
    assert top1.patterns["rank"].max() == 1


def test_quotes_prefer_segments_with_more_partners_then_shorter() -> None:
    quotes = _result().quotes
    assert list(quotes.columns) == QUOTE_COLUMNS
    assert quotes[["dilemma", "rank", "segment", "with_codes"]].values.tolist() == [
        ["DIL.STD", 1, "d1/t3", "EL.SYS STR.STD"],
        ["DIL.STD", 2, "d1/t1", "EL.SYS"],
        ["DIL.SILO", 1, "d2/t2", "EL.DEPT"],
        ["DIL.SILO", 2, "d1/t4", "EL.DEPT"],
    ]
    first_std = quotes.iloc[1]
    assert first_std["span"] == "编码规则不一" and (
        first_std["span_start"],
        first_std["span_end"],
    ) == (0, 6)
    assert first_std["segment_text"] == "编码规则不一样，系统对不上。"
    assert first_std["attribution"] == "d1, 县政务中心 窗口人员"
    assert quotes.iloc[2]["attribution"] == "d2"  # no department, and 答 names nobody
    assert _result(n_quotes=1).quotes["rank"].tolist() == [1, 1]
    assert _result(n_quotes=0).quotes.empty


def test_rolled_up_codings_use_dilemma_categories() -> None:
    codings = codings_frame()
    rolled = codings.assign(code=codings["category"], parent=None)
    result = dilemma_patterns(rolled, segments_frame(), codes_meta(), unit="turn")
    assert result.dilemmas["dilemma"].tolist() == ["DIL"]
    assert result.patterns["code"].tolist() == ["EL", "STR"]


def test_no_dilemmas() -> None:
    codings = codings_frame()
    result = dilemma_patterns(
        codings[codings["family"] != "dilemma"], segments_frame(), codes_meta(), unit="turn"
    )
    assert result.dilemmas.empty and result.patterns.empty and result.quotes.empty


def test_errors() -> None:
    with pytest.raises(CasekitError) as err:
        dilemma_patterns(codings_frame(), segments_frame(), codes_meta(), unit="sentence")
    assert str(err.value) == (
        "the segments are of unit turn, not sentence; pass segments_frame(store, unit='sentence')"
    )
    with pytest.raises(CasekitError, match="^unknown measure 'phi'"):
        _result(measure="phi")

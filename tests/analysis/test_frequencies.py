from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from casekit.analysis.frequencies import code_frequencies
from casekit.errors import CasekitError
from tests.analysis.frames import codings_frame, segments_frame


def test_overall_frequencies() -> None:
    expected = pd.DataFrame(
        {
            "code": ["DIL.STD", "EL.DEPT", "EL.SYS", "DIL.SILO", "STR.STD"],
            "family": ["dilemma", "element", "element", "dilemma", "strategy"],
            "segments": [3, 3, 3, 2, 2],
            "documents": [2, 3, 2, 2, 2],
            "share": [0.3, 0.3, 0.3, 0.2, 0.2],
            "rank": [1, 1, 1, 4, 4],
        }
    )
    assert_frame_equal(code_frequencies(codings_frame(), segments_frame()), expected)


def test_frequencies_by_attribute_include_zeros_and_group_shares() -> None:
    out = code_frequencies(codings_frame(), segments_frame(), by="level")
    assert list(out.columns) == [
        "level",
        "code",
        "family",
        "segments",
        "documents",
        "share",
        "rank",
    ]
    city = out[out["level"] == "city"].reset_index(drop=True)
    assert city[["code", "segments", "documents", "rank"]].values.tolist() == [
        ["EL.DEPT", 1, 1, 1],
        ["EL.SYS", 1, 1, 1],
        ["STR.STD", 1, 1, 1],
        ["DIL.SILO", 0, 0, 4],
        ["DIL.STD", 0, 0, 4],
    ]
    assert city["share"].tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 3, 0, 0])
    county = out[out["level"] == "county"].set_index("code")
    assert county.loc["DIL.STD", "segments"] == 3 and county.loc["DIL.STD", "share"] == 3 / 7
    assert county.loc["EL.DEPT", "documents"] == 2


def test_missing_attribute_values_form_their_own_group() -> None:
    out = code_frequencies(codings_frame(), segments_frame(), by="department")
    assert sorted(out["department"].unique()) == ["(none)", "县政务中心", "市大数据局"]
    none = out[out["department"] == "(none)"].set_index("code")
    assert none.loc["DIL.SILO", "segments"] == 1  # d2 has an empty department


def test_unknown_attribute_lists_the_choices() -> None:
    with pytest.raises(CasekitError) as err:
        code_frequencies(codings_frame(), segments_frame(), by="region")
    assert str(err.value) == (
        "no attribute 'region' to group by; choose one of: department, doc_type, document, "
        "level, role, speaker"
    )


def test_no_codings_gives_an_empty_table() -> None:
    codings = codings_frame().iloc[:0]
    out = code_frequencies(codings, segments_frame())
    assert out.empty and list(out.columns) == [
        "code", "family", "segments", "documents", "share", "rank",
    ]  # fmt: skip

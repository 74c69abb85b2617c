from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from casekit.analysis.attribute_patterns import patterns_by_attribute
from casekit.errors import CasekitError
from tests.analysis.frames import codings_frame, segments_frame


def test_dilemma_categories_by_level_with_chi_square() -> None:
    result = patterns_by_attribute(codings_frame(), segments_frame(), by="level")
    assert result.shares[["category", "level", "segments", "total"]].values.tolist() == [
        ["DIL", "city", 0, 3],
        ["DIL", "county", 5, 7],
    ]
    assert result.shares["share"].tolist() == pytest.approx([0.0, 5 / 7])
    table = np.array([[0, 5], [3, 2]])
    chi2, p, dof, expected = stats.chi2_contingency(table, correction=False)
    test = result.tests.iloc[0]
    assert test["category"] == "DIL" and test["dof"] == dof == 1
    assert test["chi2"] == pytest.approx(chi2) and test["p_value"] == pytest.approx(p)
    assert test["q_value"] == pytest.approx(p)  # one test: q = p
    assert test["low_expected_cells"] == int((expected < 5).sum())
    # 2 x 2 table: the two residuals of the "carries it" row are opposite.
    assert result.shares["residual"].tolist() == pytest.approx([-2.0701966, 2.0701966])


def test_codes_of_all_families_and_untestable_rows() -> None:
    result = patterns_by_attribute(
        codings_frame(), segments_frame(), by="doc_type", family=None, rows="code"
    )
    tests = result.tests.set_index("code")
    assert list(result.tests.columns) == [
        "code", "chi2", "dof", "p_value", "q_value", "low_expected_cells",
    ]  # fmt: skip
    assert sorted(tests.index) == ["DIL.SILO", "DIL.STD", "EL.DEPT", "EL.SYS", "STR.STD"]
    # BH over the five tests, by hand.
    p = tests["p_value"].to_numpy()
    order = np.argsort(p)
    q = np.minimum.accumulate((p[order] * 5 / np.arange(1, 6))[::-1])[::-1]
    expected = pd.Series(np.minimum(q, 1), index=tests.index[order])
    assert tests["q_value"].to_dict() == pytest.approx(expected.to_dict())
    one_group = patterns_by_attribute(
        codings_frame(), segments_frame()[lambda s: s["level"] == "county"], by="level"
    )
    assert np.isnan(one_group.tests.loc[0, "chi2"]) and one_group.tests.loc[0, "dof"] == 0


def test_no_codings_of_the_family() -> None:
    with pytest.raises(CasekitError) as err:
        patterns_by_attribute(codings_frame(), segments_frame(), by="level", family="mechanism")
    assert str(err.value) == (
        "no codings of family 'mechanism' in this selection; check --source/--coder"
    )

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from casekit.analysis.crosstab import code_crosstab, contingency_test
from casekit.errors import CasekitError
from tests.analysis.frames import codings_frame, segments_frame


def test_crosstab_by_category_matches_scipy() -> None:
    result = code_crosstab(codings_frame(), segments_frame(), cols="level", rows="category")
    assert result.observed.index.name == "category" and result.observed.columns.name == "level"
    assert result.observed.to_dict() == {
        "city": {"DIL": 0, "EL": 1, "STR": 1},
        "county": {"DIL": 5, "EL": 4, "STR": 1},
    }
    chi2, p, dof, expected = stats.chi2_contingency(result.observed.to_numpy(), correction=False)
    assert result.chi2 == pytest.approx(chi2) and result.p_value == pytest.approx(p)
    assert result.dof == dof == 2 and result.n == 12
    np.testing.assert_allclose(result.expected.to_numpy(), expected)
    assert result.n_low_expected == 6
    assert isinstance(result.chi2, float) and isinstance(result.dof, int)


def test_adjusted_residuals_by_hand() -> None:
    observed = pd.DataFrame([[10, 20], [30, 40]], index=["a", "b"], columns=["x", "y"])
    result = contingency_test(observed)
    # a/x: E = 30 * 40 / 100 = 12; (10 - 12) / sqrt(12 * 0.7 * 0.6) = -0.8909
    assert result.residuals.loc["a", "x"] == pytest.approx(-2 / np.sqrt(12 * 0.7 * 0.6))
    assert result.residuals.loc["b", "y"] == pytest.approx(result.residuals.loc["a", "x"])
    assert not result.low_expected.to_numpy().any()


def test_random_tables_against_scipy() -> None:
    rng = np.random.default_rng(11)
    for _ in range(20):
        table = pd.DataFrame(rng.integers(0, 30, size=(rng.integers(2, 6), rng.integers(2, 5))))
        table = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]
        result = contingency_test(table)
        chi2, p, dof, expected = stats.chi2_contingency(table.to_numpy(), correction=False)
        assert result.chi2 == pytest.approx(chi2)
        assert result.p_value == pytest.approx(p)
        assert result.dof == dof
        np.testing.assert_allclose(result.expected.to_numpy(), expected)
        np.testing.assert_array_equal(result.low_expected.to_numpy(), expected < 5)


def test_cells_and_summary_tables() -> None:
    result = code_crosstab(codings_frame(), segments_frame(), cols="doc_type", rows="family")
    cells = result.cells()
    assert list(cells.columns) == [
        "family", "doc_type", "observed", "expected", "residual", "low_expected",
    ]  # fmt: skip
    assert cells[["family", "doc_type", "observed"]].values.tolist() == [
        ["dilemma", "interview", 5],
        ["dilemma", "policy", 0],
        ["element", "interview", 4],
        ["element", "policy", 1],  # one segment with two element codes
        ["strategy", "interview", 1],
        ["strategy", "policy", 1],
    ]
    summary = result.summary()
    assert list(summary.columns) == ["chi2", "dof", "p_value", "n", "cells", "low_expected_cells"]
    assert summary.loc[0, "cells"] == 6


def test_empty_rows_and_columns_are_dropped() -> None:
    table = pd.DataFrame([[1, 0, 2], [0, 0, 0], [3, 0, 4]], index=list("abc"), columns=list("xyz"))
    result = contingency_test(table)
    assert result.observed.index.tolist() == ["a", "c"]
    assert result.observed.columns.tolist() == ["x", "z"]


def test_too_small_a_table_is_an_error() -> None:
    codings = codings_frame()
    with pytest.raises(CasekitError) as err:
        code_crosstab(
            codings[codings["family"] == "dilemma"], segments_frame(), cols="level", rows="family"
        )
    assert str(err.value) == (
        "a chi-square test needs at least two rows and two columns with counts; "
        "this table has 1 x 1"
    )

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from casekit.analysis.correspondence import correspondence_analysis
from casekit.errors import CasekitError

# Greenacre's smoking data (staff groups x smoking), the standard small CA example.
SMOKING = pd.DataFrame(
    [[4, 2, 3, 2], [4, 3, 7, 4], [25, 10, 12, 4], [18, 24, 33, 13], [10, 6, 7, 2]],
    index=["SM", "JM", "SE", "JE", "SC"],
    columns=["none", "light", "medium", "heavy"],
)


def test_smoking_example_matches_the_published_solution() -> None:
    result = correspondence_analysis(SMOKING)
    # Published: principal inertias 0.07476, 0.01002, 0.00041 (87.8 %, 11.8 %); total 0.08519.
    assert result.inertia["inertia"].round(5).tolist() == [0.07476, 0.01002, 0.00041]
    assert result.inertia["share"].round(3).tolist() == [0.878, 0.118, 0.005]
    assert result.total_inertia == pytest.approx(0.08519, abs=5e-6)
    coords = result.rows.set_index("label")[["dim_1", "dim_2"]].abs().round(3)
    assert coords.loc["SE"].tolist() == [0.381, 0.011]
    assert coords.loc["JM"].tolist() == [0.259, 0.243]
    assert result.n == 193
    assert list(result.rows.columns) == ["label", "mass", "dim_1", "dim_2"]


def test_total_inertia_is_chi_square_over_n_and_transition_formulas_hold() -> None:
    rng = np.random.default_rng(4)
    table = pd.DataFrame(rng.integers(1, 40, size=(6, 5)))
    result = correspondence_analysis(table, n_dims=4)
    chi2 = stats.chi2_contingency(table.to_numpy(), correction=False)[0]
    assert result.total_inertia == pytest.approx(chi2 / table.to_numpy().sum())
    P = table.to_numpy() / table.to_numpy().sum()
    r, c = P.sum(axis=1), P.sum(axis=0)
    F = result.rows[[f"dim_{k}" for k in range(1, 5)]].to_numpy()
    G = result.columns[[f"dim_{k}" for k in range(1, 5)]].to_numpy()
    sigma = np.sqrt(result.inertia["inertia"].to_numpy())
    # Rows are weighted averages of column standard coordinates, and vice versa.
    np.testing.assert_allclose(F, (P / r[:, None]) @ (G / sigma), atol=1e-10)
    np.testing.assert_allclose(G, (P / c[None, :]).T @ (F / sigma), atol=1e-10)
    # Principal inertia of each axis = mass-weighted sum of squared coordinates.
    np.testing.assert_allclose((r[:, None] * F**2).sum(axis=0), sigma**2)


def test_sign_convention_is_stable_and_empty_lines_dropped() -> None:
    padded = SMOKING.copy()
    padded.loc["EMPTY"] = 0
    a = correspondence_analysis(SMOKING)
    b = correspondence_analysis(padded)
    pd.testing.assert_frame_equal(a.rows, b.rows)
    assert a.rows["dim_1"].abs().idxmax() == a.rows["dim_1"].idxmax()


def test_too_small_or_negative_tables() -> None:
    with pytest.raises(CasekitError) as err:
        correspondence_analysis(pd.DataFrame([[1, 2]]))
    assert str(err.value) == (
        "correspondence analysis needs at least two non-empty rows and columns; "
        "this table has 1 x 2"
    )
    with pytest.raises(CasekitError, match="^correspondence analysis needs non-negative counts$"):
        correspondence_analysis(pd.DataFrame([[1, -2], [3, 4]]))

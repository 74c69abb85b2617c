"""Code x attribute matrix and correspondence map: the numbers drawn are the analysis's."""

from __future__ import annotations

import numpy as np
import pytest

from casekit.analysis.correspondence import correspondence_analysis
from casekit.analysis.crosstab import code_crosstab
from casekit.errors import CasekitError
from casekit.figures.attributes import plot_attribute_residuals
from casekit.figures.correspondence import plot_correspondence_map
from casekit.figures.save import figure_bytes
from tests.figures.conftest import assert_sane_png


def test_residual_cells_match_the_crosstab(tables) -> None:
    codings, segments, codes = tables
    crosstab = code_crosstab(codings, segments, cols="level", rows="category")
    result = plot_attribute_residuals(crosstab, codes)
    data = result.data
    assert data.drop_duplicates("row")["code"].tolist() == ["E", "D", "S"]
    assert data.drop_duplicates("col")["value"].tolist() == ["city", "county", "province"]
    for row in data.itertuples():
        assert row.residual == pytest.approx(crosstab.residuals.loc[row.code, row.value])
        assert row.observed == crosstab.observed.loc[row.code, row.value]
    assert result.caption.startswith("Categories x level: adjusted standardised residuals")
    assert f"chi2 = {crosstab.chi2:.1f}, df = 4" in result.caption
    assert_sane_png(figure_bytes(result.figure, "png"))


def test_correspondence_points_are_the_principal_coordinates(tables) -> None:
    codings, segments, codes = tables
    table = code_crosstab(codings, segments, cols="doc_type", rows="category").observed
    ca = correspondence_analysis(table)
    result = plot_correspondence_map(ca, codes, by="doc_type")
    data = result.data
    assert data["kind"].tolist() == ["code"] * 3 + ["value"] * 3
    assert data["key"].tolist() == [*ca.rows["label"], *ca.columns["label"]]
    np.testing.assert_allclose(data["dim_1"], [*ca.rows["dim_1"], *ca.columns["dim_1"]])
    np.testing.assert_allclose(data["dim_2"], [*ca.rows["dim_2"], *ca.columns["dim_2"]])
    assert data["label"].tolist()[:3] == [
        {"D": "Dilemmas", "E": "Elements", "S": "Strategies"}[c] for c in ca.rows["label"]
    ]
    assert result.caption.startswith("Correspondence analysis of 3 codes x 3 values of doc_type")
    assert_sane_png(figure_bytes(result.figure, "png"))


def test_one_dimension_is_not_a_map(tables) -> None:
    codings, segments, codes = tables
    table = code_crosstab(codings, segments, cols="doc_type", rows="category").observed
    ca = correspondence_analysis(table[["interview", "policy"]])
    with pytest.raises(CasekitError, match="a correspondence map needs two dimensions"):
        plot_correspondence_map(ca, codes, by="doc_type")

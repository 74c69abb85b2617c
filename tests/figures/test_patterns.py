"""The dilemma-pattern chart: one circle per dilemma and partner, significance marked."""

from __future__ import annotations

import pandas as pd
import pytest

from casekit.analysis.cooccurrence import code_cooccurrence
from casekit.analysis.matrix import segment_code_matrix
from casekit.analysis.patterns import dilemma_patterns
from casekit.figures.patterns import plot_dilemma_patterns
from casekit.figures.save import figure_bytes
from tests.figures.conftest import assert_sane_png


@pytest.fixture
def patterns(tables):
    codings, segments, codes = tables
    result = dilemma_patterns(codings, segments, codes, unit="turn", n_quotes=0)
    return result, code_cooccurrence(segment_code_matrix(codings, segments))


def test_cells_are_the_reported_partners(patterns) -> None:
    result, _ = patterns
    chart = plot_dilemma_patterns(result)
    expected = result.patterns.rename(columns={"code": "partner"})
    data = chart.data
    assert list(zip(data["dilemma"], data["partner"], strict=True)) == [
        ("D.X", "E.A"),
        ("D.X", "S.P"),
        ("D.Y", "S.P"),
    ]
    merged = data.merge(expected, on=["dilemma", "partner"], suffixes=("", "_p"))
    assert merged["weight"].tolist() == pytest.approx(merged["weight_p"].tolist())
    assert merged["q_value"].tolist() == pytest.approx(merged["q_value_p"].tolist())
    assert data["significant"].tolist() == (data["q_value"] < 0.05).tolist()
    assert data["reported"].all()
    # Rows follow the dilemmas' order (most frequent first); elements before strategies.
    assert data[["row", "col", "role"]].values.tolist() == [
        [1, 1, "element"],
        [1, 2, "strategy"],
        [2, 2, "strategy"],
    ]
    assert chart.caption.startswith("Dilemma patterns: 2 dilemmas (rows) and the 2 elements")
    assert_sane_png(figure_bytes(chart.figure, "png"))


def test_with_cooccurrence_every_cell_is_filled(patterns) -> None:
    result, cooc = patterns
    chart = plot_dilemma_patterns(result, cooc=cooc, significance=0.5)
    pair = cooc[(cooc["code_a"] == "D.X") & (cooc["code_b"] == "E.A")]
    if pair.empty:
        pair = cooc[(cooc["code_a"] == "E.A") & (cooc["code_b"] == "D.X")]
    cell = chart.data[(chart.data["dilemma"] == "D.X") & (chart.data["partner"] == "E.A")]
    assert cell["weight"].iloc[0] == pytest.approx(pair["jaccard"].iloc[0])
    assert cell["significant"].iloc[0] == bool(pair["q_value"].iloc[0] < 0.5)


def test_max_partners_limits_columns(patterns) -> None:
    result, _ = patterns
    chart = plot_dilemma_patterns(result, max_partners=1)
    assert sorted(chart.data["col"].unique()) == [1, 2]
    assert isinstance(chart.data, pd.DataFrame)

"""Clustered heatmap and dendrogram: cells hold the measure, codes in dendrogram order."""

from __future__ import annotations

import pandas as pd
import pytest

from casekit.analysis.clusters import cluster_codes
from casekit.analysis.cooccurrence import code_cooccurrence
from casekit.analysis.matrix import segment_code_matrix
from casekit.errors import CasekitError
from casekit.figures.dendrogram import plot_code_dendrogram
from casekit.figures.heatmap import plot_cooccurrence_heatmap
from casekit.figures.save import figure_bytes
from tests.figures.conftest import assert_sane_png


@pytest.fixture
def analysed(tables):
    codings, segments, codes = tables
    matrix = segment_code_matrix(codings, segments)
    return code_cooccurrence(matrix), cluster_codes(matrix, n_clusters=2), codes


def test_cells_hold_the_measure_in_dendrogram_order(analysed) -> None:
    cooc, clusters, codes = analysed
    result = plot_cooccurrence_heatmap(cooc, clusters, codes)
    data = result.data
    assert len(data) == 6 * 5
    order = data.drop_duplicates("row").sort_values("row")["code_a"].tolist()
    assert order == clusters.order
    cell = data[(data["code_a"] == "E.A") & (data["code_b"] == "D.X")].iloc[0]
    assert cell["value"] == pytest.approx(5 / 7)
    assert cell["count"] == 5
    mirrored = data[(data["code_a"] == "D.X") & (data["code_b"] == "E.A")].iloc[0]
    assert mirrored["value"] == cell["value"] and mirrored["row"] == cell["col"]
    never = data[(data["code_a"] == "D.Y") & (data["code_b"] == "S.Q")].iloc[0]
    assert (never["value"], never["count"], never["q_value"]) == (0.0, 0, 1.0)
    q = cooc.set_index(["code_a", "code_b"])["q_value"]
    for row in data.itertuples():
        key = (
            (row.code_a, row.code_b)
            if (row.code_a, row.code_b) in q.index
            else (row.code_b, row.code_a)
        )
        assert row.significant == (q.get(key, 1.0) < 0.05)
    assert result.caption.startswith(
        "Co-occurrence (Jaccard) of 6 codes in the order of their average-linkage dendrogram"
    )
    assert_sane_png(figure_bytes(result.figure, "png"))


def test_measures_without_a_zero_are_refused(analysed) -> None:
    cooc, clusters, codes = analysed
    with pytest.raises(
        CasekitError, match="the heatmap draws one of count, jaccard, dice, cosine, not 'pmi'"
    ):
        plot_cooccurrence_heatmap(cooc, clusters, codes, measure="pmi")


def test_dendrogram_leaves_and_clusters(analysed) -> None:
    _, clusters, codes = analysed
    result = plot_code_dendrogram(clusters, codes)
    expected = clusters.table.rename(columns={"order": "position"})
    assert result.data["code"].tolist() == clusters.order
    pd.testing.assert_series_equal(result.data["cluster"], expected["cluster"], check_names=False)
    assert result.data["family"].tolist() == [
        {"E": "element", "D": "dilemma", "S": "strategy"}[c[0]] for c in clusters.order
    ]
    assert result.caption == (
        "Dendrogram of 6 codes (average linkage on Jaccard distance between the segments "
        "carrying them); grey bands mark the 2 clusters of the cut tree."
    )
    assert_sane_png(figure_bytes(result.figure, "png"))

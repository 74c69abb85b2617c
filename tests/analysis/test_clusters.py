from __future__ import annotations

import numpy as np
import pytest
from scipy.cluster import hierarchy
from scipy.spatial.distance import pdist, squareform

from casekit.analysis.clusters import cluster_codes, jaccard_distances
from casekit.analysis.matrix import segment_code_matrix
from casekit.errors import CasekitError
from tests.analysis.frames import codings_frame, random_matrix, segments_frame


def test_jaccard_distances_match_scipy() -> None:
    matrix, dense = random_matrix(100, 9, 0.2, 2)
    expected = squareform(pdist(dense.T.astype(bool), metric="jaccard"))
    np.testing.assert_allclose(jaccard_distances(matrix), expected)


@pytest.mark.parametrize("method", ["average", "complete", "single", "weighted"])
def test_linkage_matches_scipy(method: str) -> None:
    matrix, dense = random_matrix(100, 9, 0.2, 2)
    result = cluster_codes(matrix, method=method, n_clusters=3)
    Z = hierarchy.linkage(pdist(dense.T.astype(bool), metric="jaccard"), method=method)
    np.testing.assert_allclose(result.linkage, Z)
    assert result.order == [matrix.codes[i] for i in hierarchy.leaves_list(Z)]
    assert result.table["order"].tolist() == list(range(1, 10))
    assert result.table["cluster"].nunique() == 3
    # Clusters are numbered along the dendrogram.
    firsts = result.table.drop_duplicates("cluster")["cluster"].tolist()
    assert firsts == [1, 2, 3]


def test_toy_codes_cluster_with_their_partners() -> None:
    result = cluster_codes(segment_code_matrix(codings_frame(), segments_frame()), n_clusters=2)
    clusters = dict(zip(result.table["code"], result.table["cluster"], strict=True))
    assert clusters["DIL.SILO"] == clusters["EL.DEPT"]
    assert clusters["DIL.STD"] == clusters["EL.SYS"]


def test_unused_code_is_far_from_everything() -> None:
    matrix = segment_code_matrix(
        codings_frame(), segments_frame(), codes=["DIL.STD", "EL.SYS", "NEVER"]
    )
    assert jaccard_distances(matrix)[2].tolist() == [1.0, 1.0, 0.0]


def test_bad_method_and_too_few_codes() -> None:
    matrix, _ = random_matrix(10, 3, 0.5, 1)
    with pytest.raises(CasekitError) as err:
        cluster_codes(matrix, method="ward")
    assert str(err.value) == (
        "unknown linkage 'ward' for Jaccard distances; choose one of: average, complete, single, weighted"
    )
    one, _ = random_matrix(10, 1, 0.5, 1)
    with pytest.raises(CasekitError, match="^clustering needs at least two codes$"):
        cluster_codes(one)

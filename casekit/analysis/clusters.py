"""Hierarchical clustering of codes by their co-occurrence profile (Jaccard distance)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.cluster import hierarchy
from scipy.spatial.distance import squareform

from casekit.analysis.matrix import SegmentCodeMatrix
from casekit.errors import CasekitError

__all__ = ["LINKAGE_METHODS", "CodeClusters", "cluster_codes", "jaccard_distances"]

# Methods valid for a non-Euclidean distance; ward, centroid and median assume Euclidean ones.
LINKAGE_METHODS = ("average", "complete", "single", "weighted")


@dataclass(frozen=True)
class CodeClusters:
    """Result of :func:`cluster_codes`.

    Attributes
    ----------
    codes
        Codes in matrix order (the leaves ``0..n-1`` of ``linkage``).
    linkage
        SciPy linkage matrix, shape ``(n - 1, 4)``: merged clusters, merge distance, size.
    order
        Codes in dendrogram leaf order (left to right).
    table
        ``code, order, cluster``: each code's leaf position (1-based) and its cluster when the
        tree is cut into ``n_clusters`` clusters (numbered along the leaf order), sorted by
        ``order``.
    method
        The linkage method.
    """

    codes: list[str]
    linkage: np.ndarray
    order: list[str]
    table: pd.DataFrame
    method: str


def jaccard_distances(matrix: SegmentCodeMatrix) -> np.ndarray:
    """``1 - jaccard`` between every two code columns (1 where neither code occurs)."""
    X = matrix.X.astype(np.int64)
    shared = (X.T @ X).toarray().astype(float)
    sizes = np.diag(shared).copy()
    union = sizes[:, None] + sizes[None, :] - shared
    with np.errstate(divide="ignore", invalid="ignore"):
        similarity = np.where(union > 0, shared / union, 0.0)
    distance = 1.0 - similarity
    np.fill_diagonal(distance, 0.0)
    return distance


def cluster_codes(
    matrix: SegmentCodeMatrix, *, method: str = "average", n_clusters: int = 5
) -> CodeClusters:
    """Agglomerative clustering of codes on Jaccard distance between their rows.

    Codes that tend to be coded on the same segments end up close; the dendrogram order puts
    them next to each other. Deterministic: no random step.

    Parameters
    ----------
    matrix
        From :func:`casekit.analysis.matrix.segment_code_matrix`; at least two codes.
    method
        One of ``LINKAGE_METHODS``.
    n_clusters
        Where to cut the tree for the ``cluster`` column (at most the number of codes).
    """
    if method not in LINKAGE_METHODS:
        raise CasekitError(
            f"unknown linkage '{method}' for Jaccard distances; choose one of: "
            + ", ".join(LINKAGE_METHODS)
        )
    if matrix.n_codes < 2:
        raise CasekitError("clustering needs at least two codes")
    if n_clusters < 1:
        raise CasekitError(f"n_clusters must be at least 1, not {n_clusters}")
    condensed = squareform(jaccard_distances(matrix), checks=False)
    Z = hierarchy.linkage(condensed, method=method)
    leaves = hierarchy.leaves_list(Z)
    raw = hierarchy.fcluster(Z, t=min(n_clusters, matrix.n_codes), criterion="maxclust")
    # Renumber clusters in the order they appear along the dendrogram.
    renumber: dict[int, int] = {}
    for leaf in leaves:
        renumber.setdefault(int(raw[leaf]), len(renumber) + 1)
    order = [matrix.codes[i] for i in leaves]
    table = pd.DataFrame(
        {
            "code": order,
            "order": np.arange(1, len(order) + 1, dtype=np.int64),
            "cluster": np.array([renumber[int(raw[i])] for i in leaves], dtype=np.int64),
        }
    )
    return CodeClusters(list(matrix.codes), Z, order, table, method)

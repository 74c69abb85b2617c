"""Correspondence analysis of a contingency table (codes x document attributes), by SVD."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from casekit.errors import CasekitError

__all__ = ["CorrespondenceAnalysis", "correspondence_analysis"]


@dataclass(frozen=True)
class CorrespondenceAnalysis:
    """Result of :func:`correspondence_analysis`.

    Attributes
    ----------
    rows, columns
        ``label, mass, dim_1, ..., dim_k``: principal coordinates of each row / column.
    inertia
        ``dimension, inertia, share, cumulative``: principal inertia (squared singular value)
        per dimension, all dimensions, with its share of the total.
    total_inertia
        Sum of the principal inertias, equal to chi-square / N.
    n
        Table total N.
    """

    rows: pd.DataFrame
    columns: pd.DataFrame
    inertia: pd.DataFrame
    total_inertia: float
    n: int


def correspondence_analysis(table: pd.DataFrame, *, n_dims: int = 2) -> CorrespondenceAnalysis:
    """Simple correspondence analysis (Benzécri; Greenacre 2017) of a table of counts.

    With correspondence matrix ``P = N / n``, masses ``r``, ``c`` and standardised residuals
    ``S = D_r^-1/2 (P - r c') D_c^-1/2 = U Σ V'``, row principal coordinates are
    ``D_r^-1/2 U Σ`` and column ones ``D_c^-1/2 V Σ``. Each axis's sign is fixed so its
    largest absolute row coordinate is positive, making results reproducible.

    Parameters
    ----------
    table
        Non-negative counts; rows and columns summing to zero are dropped. Index and columns
        give the labels.
    n_dims
        Coordinates reported (at most ``min(rows, columns) - 1``).
    """
    N = table.to_numpy(dtype=float)
    if (N < 0).any() or not np.isfinite(N).all():
        raise CasekitError("correspondence analysis needs non-negative counts")
    keep_r, keep_c = N.sum(axis=1) > 0, N.sum(axis=0) > 0
    N = N[keep_r][:, keep_c]
    row_labels = [str(v) for v in table.index[keep_r]]
    col_labels = [str(v) for v in table.columns[keep_c]]
    if min(N.shape) < 2:
        raise CasekitError(
            f"correspondence analysis needs at least two non-empty rows and columns; "
            f"this table has {N.shape[0]} x {N.shape[1]}"
        )
    n = N.sum()
    P = N / n
    r, c = P.sum(axis=1), P.sum(axis=0)
    S = (P - np.outer(r, c)) / np.sqrt(np.outer(r, c))
    U, sigma, Vt = np.linalg.svd(S, full_matrices=False)
    k_all = min(N.shape) - 1
    U, sigma, V = U[:, :k_all], sigma[:k_all], Vt[:k_all].T
    flip = np.sign(U[np.abs(U).argmax(axis=0), np.arange(k_all)])
    flip[flip == 0] = 1.0
    U, V = U * flip, V * flip
    F = U * sigma / np.sqrt(r)[:, None]
    G = V * sigma / np.sqrt(c)[:, None]
    k = max(1, min(n_dims, k_all))
    inertia = sigma**2
    total = float(inertia.sum())

    def coordinates(labels: list[str], mass: np.ndarray, coords: np.ndarray) -> pd.DataFrame:
        frame = pd.DataFrame({"label": labels, "mass": mass})
        for d in range(k):
            frame[f"dim_{d + 1}"] = coords[:, d]
        return frame

    return CorrespondenceAnalysis(
        rows=coordinates(row_labels, r, F),
        columns=coordinates(col_labels, c, G),
        inertia=pd.DataFrame(
            {
                "dimension": np.arange(1, k_all + 1, dtype=np.int64),
                "inertia": inertia,
                "share": inertia / total if total else np.zeros(k_all),
                "cumulative": np.cumsum(inertia) / total if total else np.zeros(k_all),
            }
        ),
        total_inertia=total,
        n=int(np.rint(n)),
    )

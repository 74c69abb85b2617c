"""Code x attribute cross-tabulation with a chi-square test and adjusted standardised residuals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from casekit.analysis.frequencies import group_values
from casekit.analysis.inputs import require_columns
from casekit.analysis.matrix import group_indicator, segment_code_matrix
from casekit.errors import CasekitError

__all__ = ["LOW_EXPECTED", "CrosstabResult", "code_crosstab", "code_table", "contingency_test"]

# Cells with a smaller expected count make the chi-square approximation doubtful.
LOW_EXPECTED = 5.0

RowVariable = Literal["code", "category", "family"]


@dataclass(frozen=True)
class CrosstabResult:
    """A contingency table and its chi-square test of independence.

    ``observed``, ``expected``, ``residuals`` (adjusted standardised) and ``low_expected``
    (expected < 5) share one index (row values) and columns (column values). ``chi2``,
    ``p_value`` are floats, ``dof`` and ``n`` ints; ``n`` is the table total.
    """

    observed: pd.DataFrame
    expected: pd.DataFrame
    residuals: pd.DataFrame
    low_expected: pd.DataFrame
    chi2: float
    dof: int
    p_value: float
    n: int

    @property
    def n_low_expected(self) -> int:
        return int(self.low_expected.to_numpy().sum())

    def cells(self) -> pd.DataFrame:
        """One row per cell: ``<rows>, <cols>, observed, expected, residual, low_expected``.

        Sorted like the table (row values, then column values).
        """
        row_name = self.observed.index.name or "row"
        col_name = self.observed.columns.name or "column"
        r, c = self.observed.shape
        return pd.DataFrame(
            {
                row_name: np.repeat(self.observed.index.to_numpy(dtype=object), c),
                col_name: np.tile(self.observed.columns.to_numpy(dtype=object), r),
                "observed": self.observed.to_numpy().ravel().astype(np.int64),
                "expected": self.expected.to_numpy().ravel(),
                "residual": self.residuals.to_numpy().ravel(),
                "low_expected": self.low_expected.to_numpy().ravel(),
            }
        )

    def summary(self) -> pd.DataFrame:
        """One row: ``chi2, dof, p_value, n, cells, low_expected_cells``."""
        return pd.DataFrame(
            [
                {
                    "chi2": self.chi2,
                    "dof": self.dof,
                    "p_value": self.p_value,
                    "n": self.n,
                    "cells": int(self.observed.size),
                    "low_expected_cells": self.n_low_expected,
                }
            ]
        )


def contingency_test(observed: pd.DataFrame) -> CrosstabResult:
    """Chi-square test of independence (no continuity correction) on a table of counts.

    Rows and columns whose total is zero are dropped first. Adjusted standardised residuals
    are ``(O - E) / sqrt(E (1 - r_i/N) (1 - c_j/N))`` (Haberman 1973); beyond ±1.96 a cell
    departs from independence at the 5 % level.

    Raises
    ------
    CasekitError
        When fewer than two rows or two columns have counts.
    """
    table = observed.loc[observed.sum(axis=1) > 0, observed.sum(axis=0) > 0]
    if table.shape[0] < 2 or table.shape[1] < 2:
        raise CasekitError(
            f"a chi-square test needs at least two rows and two columns with counts; "
            f"this table has {table.shape[0]} x {table.shape[1]}"
        )
    obs = table.to_numpy(dtype=float)
    n = obs.sum()
    row = obs.sum(axis=1, keepdims=True)
    col = obs.sum(axis=0, keepdims=True)
    E = row @ col / n
    chi2 = float(((obs - E) ** 2 / E).sum())
    dof = (obs.shape[0] - 1) * (obs.shape[1] - 1)
    residual = (obs - E) / np.sqrt(E * (1 - row / n) * (1 - col / n))

    def frame(values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(values, index=table.index.copy(), columns=table.columns.copy())

    return CrosstabResult(
        observed=frame(obs.astype(np.int64)),
        expected=frame(E),
        residuals=frame(residual),
        low_expected=frame(E < LOW_EXPECTED),
        chi2=chi2,
        dof=int(dof),
        p_value=float(stats.chi2.sf(chi2, dof)),
        n=int(n),
    )


def code_table(
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    *,
    cols: str,
    rows: RowVariable = "code",
) -> pd.DataFrame:
    """Counts of segments carrying each code (or category, or family) per attribute value.

    Returns a DataFrame indexed by the row values (named ``rows``, sorted) with one column per
    value of ``cols`` (named ``cols``, sorted; missing values are ``"(none)"``).
    """
    require_columns(codings, ("segment_id", rows), "codings")
    values = group_values(segments, cols)
    relabelled = codings.assign(code=codings[rows].astype(str))
    matrix = segment_code_matrix(relabelled, segments)
    G, names = group_indicator(values.to_numpy())
    counts = (G @ matrix.X).toarray().T
    table = pd.DataFrame(
        counts.astype(np.int64),
        index=pd.Index(matrix.codes, name=rows),
        columns=pd.Index(names, name=cols),
    )
    return table.sort_index(axis=0).sort_index(axis=1)


def code_crosstab(
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    *,
    cols: str,
    rows: RowVariable = "code",
) -> CrosstabResult:
    """Segments with each code (or category, or family) per value of a segment attribute.

    A cell counts the segments of column value ``j`` that carry row value ``i``
    (:func:`code_table`). A segment with several codes counts once per code, so the cells are
    (segment, code) incidences rather than independent segments; read the test as
    descriptive when codes cluster on segments.

    Parameters
    ----------
    codings, segments
        ``codings_frame`` and ``segments_frame`` at one unit.
    cols
        Attribute column of ``segments`` (``level``, ``doc_type``, ``department`` ...).
    rows
        ``"code"``, ``"category"`` (top-level code) or ``"family"``.

    Returns
    -------
    CrosstabResult
        Index named ``rows`` (sorted), columns named ``cols`` (sorted); empty rows and columns
        are dropped.
    """
    return contingency_test(code_table(codings, segments, cols=cols, rows=rows))

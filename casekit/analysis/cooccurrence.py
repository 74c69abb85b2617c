"""Code co-occurrence: counts, association measures and a hypergeometric test for every code pair."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from casekit.analysis.hypergeometric import hypergeometric_upper_tail
from casekit.analysis.matrix import SegmentCodeMatrix
from casekit.errors import CasekitError

__all__ = [
    "COOCCURRENCE_COLUMNS",
    "MEASURES",
    "Measure",
    "benjamini_hochberg",
    "code_cooccurrence",
    "cooccurrence_table",
]

Measure = Literal["count", "jaccard", "dice", "cosine", "lift", "pmi", "npmi"]
MEASURES: tuple[str, ...] = ("count", "jaccard", "dice", "cosine", "lift", "pmi", "npmi")

COOCCURRENCE_COLUMNS = [
    "code_a",
    "code_b",
    "n_a",
    "n_b",
    "count",
    "expected",
    "jaccard",
    "dice",
    "cosine",
    "lift",
    "pmi",
    "npmi",
    "p_value",
    "q_value",
]


def benjamini_hochberg(p_values: np.ndarray, n_tests: int | None = None) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values), in the order of ``p_values``.

    ``n_tests`` is the size of the family of tests when some of them (with p = 1) are not
    passed in; it defaults to ``len(p_values)``.
    """
    p = np.asarray(p_values, dtype=float)
    m = len(p) if n_tests is None else n_tests
    if len(p) == 0:
        return p.copy()
    if m < len(p):
        raise ValueError("n_tests is smaller than the number of p-values")
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, len(p) + 1)
    # Step-up: each q is the smallest adjusted value at its rank or above.
    q_sorted = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty_like(p)
    q[order] = np.minimum(q_sorted, 1.0)
    return q


def code_cooccurrence(matrix: SegmentCodeMatrix, *, min_count: int = 1) -> pd.DataFrame:
    """Every pair of codes that occur together in at least ``min_count`` rows.

    With N rows, ``n_a``/``n_b`` rows holding each code and ``count`` rows holding both:
    ``expected = n_a n_b / N``; ``jaccard = count / (n_a + n_b - count)`` (ATLAS.ti's
    c-coefficient, KH Coder's Jaccard); ``dice = 2 count / (n_a + n_b)``;
    ``cosine = count / sqrt(n_a n_b)``; ``lift = count / expected``;
    ``pmi = log2(lift)``; ``npmi = pmi / -log2(count / N)`` (1 when the codes only occur
    together). ``p_value`` is the one-sided hypergeometric (Fisher) probability of ``count`` or
    more shared rows under independence; ``q_value`` is its Benjamini-Hochberg adjustment over
    all pairs of codes that both occur, whatever ``min_count`` shows, so raising ``min_count``
    never changes a q-value. Formulas and references: docs/methods.md.

    Parameters
    ----------
    matrix
        From :func:`casekit.analysis.matrix.segment_code_matrix` (segments, windows or documents).
    min_count
        Report pairs sharing at least this many rows (at least 1).

    Returns
    -------
    DataFrame with columns ``code_a, code_b, n_a, n_b, count, expected, jaccard, dice, cosine,
    lift, pmi, npmi, p_value, q_value``; ``code_a`` comes before ``code_b`` in the matrix's code
    order; sorted by ``q_value``, then ``count`` descending, then ``code_a, code_b`` in matrix
    order (alphabetical for the default matrix).

    Examples
    --------
    >>> cooc = code_cooccurrence(segment_code_matrix(codings, segments), min_count=3)  # doctest: +SKIP
    >>> cooc.query("q_value < 0.05").head()  # doctest: +SKIP
    """
    X = sp.csc_array(matrix.X, dtype=np.int64)
    sizes = np.asarray(X.sum(axis=0)).ravel().astype(np.int64)
    return cooccurrence_table(X.T @ X, sizes, matrix.n_rows, matrix.codes, min_count=min_count)


def cooccurrence_table(
    gram: Any, sizes: np.ndarray, n_rows: int, codes: Sequence[str], *, min_count: int = 1
) -> pd.DataFrame:
    """The table of :func:`code_cooccurrence` from sufficient statistics alone: the code x code
    co-occurrence counts ``gram`` (``X.T @ X``), the rows per code ``sizes`` and the number of
    rows — so partial counts summed across partitions or workers give the same table.
    """
    if min_count < 1:
        raise CasekitError(f"min_count must be at least 1, not {min_count}")
    N = n_rows
    sizes = np.asarray(sizes).astype(np.int64)
    pairs = sp.triu(sp.coo_array(gram), k=1).tocoo()
    keep = pairs.data >= min_count
    a, b, count = pairs.row[keep], pairs.col[keep], pairs.data[keep].astype(np.int64)
    all_a, all_b, all_count = pairs.row, pairs.col, pairs.data.astype(np.int64)
    n_present = int((sizes > 0).sum())
    n_tests = n_present * (n_present - 1) // 2
    # Pairs of present codes that never meet have p = 1; they count in the family of tests.
    p_all = hypergeometric_upper_tail(all_count, N, sizes[all_a], sizes[all_b])
    q_all = benjamini_hochberg(p_all, n_tests)
    p_value, q_value = p_all[keep], q_all[keep]
    n_a, n_b = sizes[a], sizes[b]
    expected = n_a * n_b / N if N else np.zeros(len(count))
    with np.errstate(divide="ignore", invalid="ignore"):
        lift = count / expected
        pmi = np.log2(lift)
        joint = count / N
        npmi = np.where(joint >= 1.0, 1.0, pmi / -np.log2(joint))
    code_names = np.asarray(list(codes), dtype=object)
    out = pd.DataFrame(
        {
            "code_a": code_names[a],
            "code_b": code_names[b],
            "n_a": n_a,
            "n_b": n_b,
            "count": count,
            "expected": expected.astype(float),
            "jaccard": count / (n_a + n_b - count),
            "dice": 2 * count / (n_a + n_b),
            "cosine": count / np.sqrt(n_a * n_b),
            "lift": lift,
            "pmi": pmi,
            "npmi": npmi,
            "p_value": np.clip(p_value, 0.0, 1.0),
            "q_value": q_value,
        },
        columns=COOCCURRENCE_COLUMNS,
    )
    # Codes sort by matrix position so the tie order follows the matrix, not string collation.
    out["_ia"], out["_ib"] = a, b
    out = out.sort_values(
        ["q_value", "count", "_ia", "_ib"], ascending=[True, False, True, True], kind="stable"
    )
    return out.drop(columns=["_ia", "_ib"]).reset_index(drop=True)

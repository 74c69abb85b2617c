"""Frequent code sets and association rules across segments (Apriori over the sparse matrix)."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from casekit.analysis.matrix import SegmentCodeMatrix
from casekit.errors import CasekitError

__all__ = ["FrequentCodeSets", "frequent_code_sets"]

ITEMSET_COLUMNS = ["itemset", "size", "count", "support"]
RULE_COLUMNS = ["antecedent", "consequent", "count", "support", "confidence", "lift"]


@dataclass(frozen=True)
class FrequentCodeSets:
    """Result of :func:`frequent_code_sets`.

    Attributes
    ----------
    itemsets
        ``itemset, size, count, support``: code sets (tuples of codes in matrix order) found
        together in ``count`` rows, ``support = count / N``. Sorted by size, count descending,
        then itemset.
    rules
        ``antecedent, consequent, count, support, confidence, lift`` for every split of every
        set of two or more codes: ``confidence = count(A ∪ C) / count(A)``,
        ``lift = confidence / support(C)``. Sorted by lift, confidence and count (descending),
        then antecedent and consequent.
    n_rows, min_count
        N, and the smallest count that made a set frequent.
    """

    itemsets: pd.DataFrame
    rules: pd.DataFrame
    n_rows: int
    min_count: int


def frequent_code_sets(
    matrix: SegmentCodeMatrix,
    *,
    min_support: float = 0.02,
    max_size: int = 3,
    min_confidence: float = 0.0,
) -> FrequentCodeSets:
    """Code sets that occur together in at least ``min_support`` of the rows, and their rules.

    Apriori (Agrawal & Srikant 1994): a set can only be frequent if all its subsets are, so
    sets grow one code at a time and each candidate's rows are the intersection of its codes'
    rows.

    Parameters
    ----------
    matrix
        From :func:`casekit.analysis.matrix.segment_code_matrix`.
    min_support
        Minimum share of rows, in (0, 1].
    max_size
        Largest set size looked for.
    min_confidence
        Rules below this confidence are left out.
    """
    if not 0 < min_support <= 1:
        raise CasekitError(f"min_support must be in (0, 1], not {min_support}")
    if max_size < 1:
        raise CasekitError(f"max_size must be at least 1, not {max_size}")
    N = matrix.n_rows
    # The tolerance keeps 0.02 * 500 == 10 from becoming 11 through float error.
    min_count = max(1, math.ceil(min_support * N - 1e-9))
    X = sp.csc_array(matrix.X)
    Xr = sp.csr_array(matrix.X)
    sizes = np.asarray(X.sum(axis=0)).ravel()
    counts: dict[tuple[int, ...], int] = {
        (j,): int(n) for j, n in enumerate(sizes) if n >= min_count
    }
    level = sorted(counts)
    for k in range(2, max_size + 1):
        known = set(level)
        grown: dict[tuple[int, ...], int] = {}
        for base in level:
            rows = _rows_with(X, base)
            if len(rows) < min_count:
                continue
            extended = np.asarray(Xr[rows].sum(axis=0)).ravel()
            for c in np.flatnonzero(extended >= min_count):
                if c <= base[-1]:
                    continue
                candidate = (*base, int(c))
                if all(sub in known for sub in itertools.combinations(candidate, k - 1)):
                    grown[candidate] = int(extended[c])
        if not grown:
            break
        counts.update(grown)
        level = sorted(grown)
    codes = matrix.codes
    itemsets = pd.DataFrame(
        [
            {
                "itemset": tuple(codes[j] for j in s),
                "size": len(s),
                "count": n,
                "support": n / N,
                "_key": s,
            }
            for s, n in counts.items()
        ],
        columns=[*ITEMSET_COLUMNS, "_key"],
    )
    itemsets = itemsets.sort_values(
        ["size", "count", "_key"], ascending=[True, False, True], kind="stable"
    )
    rules = _rules(counts, codes, N, min_confidence)
    return FrequentCodeSets(
        itemsets=itemsets.drop(columns="_key").reset_index(drop=True),
        rules=rules,
        n_rows=N,
        min_count=min_count,
    )


def _rows_with(X: sp.csc_array, items: tuple[int, ...]) -> np.ndarray:
    rows = X.indices[X.indptr[items[0]] : X.indptr[items[0] + 1]]
    for j in items[1:]:
        rows = np.intersect1d(rows, X.indices[X.indptr[j] : X.indptr[j + 1]], assume_unique=True)
    return rows


def _rules(
    counts: dict[tuple[int, ...], int], codes: list[str], N: int, min_confidence: float
) -> pd.DataFrame:
    rows = []
    for itemset, n in counts.items():
        if len(itemset) < 2:
            continue
        for r in range(1, len(itemset)):
            for antecedent in itertools.combinations(itemset, r):
                consequent = tuple(j for j in itemset if j not in antecedent)
                confidence = n / counts[antecedent]
                if confidence < min_confidence:
                    continue
                rows.append(
                    {
                        "antecedent": tuple(codes[j] for j in antecedent),
                        "consequent": tuple(codes[j] for j in consequent),
                        "count": n,
                        "support": n / N,
                        "confidence": confidence,
                        "lift": confidence / (counts[consequent] / N),
                        "_a": antecedent,
                        "_c": consequent,
                    }
                )
    frame = pd.DataFrame(rows, columns=[*RULE_COLUMNS, "_a", "_c"])
    frame = frame.sort_values(
        ["lift", "confidence", "count", "_a", "_c"],
        ascending=[False, False, False, True, True],
        kind="stable",
    )
    return frame.drop(columns=["_a", "_c"]).reset_index(drop=True)

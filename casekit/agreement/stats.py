"""Agreement statistics on a coders x units matrix: percent, Cohen, Fleiss, Krippendorff, bootstrap.

Every function takes ``data``: a 2-D array with one row per coder and one column per unit
(segment), holding category values (any numbers: 0/1 for presence, code indices for
exclusive coding) and ``NaN`` where a coder gave no value. Categories are nominal.

Each statistic is written as a function of sums over units of a few per-unit features
(category counts, agreeing pairs). The point estimate sums over all units; a bootstrap
resample sums with the number of times each unit was drawn, so a thousand resamples are
one matrix product instead of a thousand recomputations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "STATISTICS",
    "Statistic",
    "bootstrap_ci",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
    "percent_agreement",
]

Statistic = Literal["percent", "cohen", "fleiss", "alpha"]
STATISTICS: tuple[str, ...] = ("percent", "cohen", "fleiss", "alpha")

# Upper bound on the cells of one block of bootstrap draws (resamples x kinds of unit), so
# memory stays around 30 MB however varied the units are.
_DRAW_BLOCK_CELLS = 4_000_000


@dataclass(frozen=True)
class _Prepared:
    """A statistic bound to one data matrix.

    Every statistic here is a function of *sums over units* of a few per-unit features
    (e.g. category counts, agreeing pairs). ``used`` are the columns (units) it is computed
    on, ``features`` their feature rows (``len(used) x d``) and ``combine`` maps summed
    features ``(n_samples, d)`` to ``n_samples`` values (NaN where undefined).
    """

    used: np.ndarray
    features: np.ndarray
    combine: Callable[[np.ndarray], np.ndarray]


def _reliability_data(data: ArrayLike) -> np.ndarray:
    arr = np.asarray(data, dtype=float)
    if arr.ndim != 2:
        raise ValueError(
            f"data must be 2-D (one row per coder, one column per unit), got {arr.ndim}-D"
        )
    if arr.shape[0] < 2:
        raise ValueError(f"agreement needs at least two coders (rows), got {arr.shape[0]}")
    return arr


def _category_indices(arr: np.ndarray) -> tuple[np.ndarray, int]:
    """Values as category indices ``0..C-1``; missing values as ``-1``."""
    present = ~np.isnan(arr)
    values = np.unique(arr[present])
    idx = np.full(arr.shape, -1, dtype=np.intp)
    idx[present] = np.searchsorted(values, arr[present])
    return idx, len(values)


def _unit_counts(idx: np.ndarray, n_categories: int) -> np.ndarray:
    """``counts[u, c]``: how many coders put unit ``u`` in category ``c``."""
    n_units = idx.shape[1]
    counts = np.zeros((n_units, max(n_categories, 1)))
    units = np.arange(n_units)
    for row in idx:
        rated = row >= 0
        counts[units[rated], row[rated]] += 1
    return counts


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` with NaN where the denominator is zero (the statistic is undefined)."""
    out = np.full(np.shape(num), np.nan)
    ok = den > 0
    out[ok] = num[ok] / den[ok]
    return out


def _prepare_percent(arr: np.ndarray) -> _Prepared:
    idx, n_categories = _category_indices(arr)
    counts = _unit_counts(idx, n_categories)
    m = counts.sum(axis=1)
    used = np.flatnonzero(m >= 2)
    counts, m = counts[used], m[used]
    # Share of ordered coder pairs on the unit that gave the same value.
    agreeing = (counts * (counts - 1)).sum(axis=1) / (m * (m - 1))

    def combine(s: np.ndarray) -> np.ndarray:
        return 100.0 * _ratio(s[:, 1], s[:, 0])

    return _Prepared(used, np.column_stack([np.ones(len(used)), agreeing]), combine)


def _prepare_cohen(arr: np.ndarray) -> _Prepared:
    if arr.shape[0] != 2:
        raise ValueError(f"Cohen's kappa compares exactly two coders, got {arr.shape[0]}")
    idx, n_categories = _category_indices(arr)
    used = np.flatnonzero((idx >= 0).all(axis=0))
    x, y = idx[0, used], idx[1, used]
    c = max(n_categories, 1)
    eye = np.eye(c)
    features = np.column_stack([np.ones(len(used)), x == y, eye[x], eye[y]])

    def combine(s: np.ndarray) -> np.ndarray:
        # kappa = (p_o - p_e) / (1 - p_e), multiplied through by total**2 so that a
        # degenerate table (one category only) gives an exact zero denominator.
        total, agree = s[:, 0], s[:, 1]
        chance = (s[:, 2 : 2 + c] * s[:, 2 + c :]).sum(axis=1)
        return _ratio(total * agree - chance, total * total - chance)

    return _Prepared(used, features, combine)


def _prepare_fleiss(arr: np.ndarray) -> _Prepared:
    idx, n_categories = _category_indices(arr)
    m = arr.shape[0]
    # Fleiss' kappa assumes every unit has the same number of ratings: keep complete units.
    used = np.flatnonzero((idx >= 0).all(axis=0))
    counts = _unit_counts(idx[:, used], n_categories)
    pairs = (counts**2).sum(axis=1) - m  # agreeing ordered pairs per unit

    def combine(s: np.ndarray) -> np.ndarray:
        # (P_bar - P_e) / (1 - P_e), multiplied through by (N m)**2.
        n_units, n_pairs = s[:, 0], s[:, 1]
        squares = (s[:, 2:] ** 2).sum(axis=1)
        num = n_pairs * n_units * m / (m - 1) - squares
        return _ratio(num, (n_units * m) ** 2 - squares)

    return _Prepared(used, np.column_stack([np.ones(len(used)), pairs, counts]), combine)


def _prepare_alpha(arr: np.ndarray) -> _Prepared:
    idx, n_categories = _category_indices(arr)
    counts = _unit_counts(idx, n_categories)
    m = counts.sum(axis=1)
    used = np.flatnonzero(m >= 2)  # only pairable units carry information
    counts, m = counts[used], m[used]
    matching = (counts * (counts - 1)).sum(axis=1) / (m - 1)  # unit's diagonal coincidences

    def combine(s: np.ndarray) -> np.ndarray:
        # alpha = 1 - D_o / D_e = 1 - (n - 1)(n - sum_c o_cc) / (n^2 - sum_c n_c^2)
        n_c = s[:, 1:]
        n = n_c.sum(axis=1)
        den = n * n - (n_c**2).sum(axis=1)
        return 1.0 - _ratio((n - 1) * (n - s[:, 0]), den)

    return _Prepared(used, np.column_stack([matching, counts]), combine)


_PREPARE: dict[str, Callable[[np.ndarray], _Prepared]] = {
    "percent": _prepare_percent,
    "cohen": _prepare_cohen,
    "fleiss": _prepare_fleiss,
    "alpha": _prepare_alpha,
}


def _prepare(data: ArrayLike, statistic: str) -> _Prepared:
    if statistic not in _PREPARE:
        raise ValueError(f"unknown statistic {statistic!r}; choose from {', '.join(STATISTICS)}")
    return _PREPARE[statistic](_reliability_data(data))


def _point(data: ArrayLike, statistic: str) -> float:
    prepared = _prepare(data, statistic)
    return float(prepared.combine(prepared.features.sum(axis=0, keepdims=True))[0])


def percent_agreement(data: ArrayLike) -> float:
    """Observed agreement, in percent.

    For each unit rated by at least two coders, the share of pairs of those coders that
    gave the same value; averaged over these units. With two coders and no missing values
    this is the share of units on which they agree.

    Parameters
    ----------
    data
        Coders x units; ``NaN`` marks a missing value.

    Returns
    -------
    float
        Between 0 and 100; ``nan`` when no unit has two ratings.

    Examples
    --------
    >>> percent_agreement([[1, 1, 0, 0], [1, 0, 0, 0]])
    75.0
    """
    return _point(data, "percent")


def cohen_kappa(data: ArrayLike) -> float:
    """Cohen's (1960) kappa for two coders: ``(p_o - p_e) / (1 - p_e)``.

    ``p_o`` is the observed share of agreeing units, ``p_e`` the agreement expected from
    each coder's own category proportions. Units missing either rating are left out.

    Parameters
    ----------
    data
        Two rows (coders) x units; ``NaN`` marks a missing value.

    Returns
    -------
    float
        ``nan`` when ``p_e = 1`` (both coders used one and the same category throughout).

    Raises
    ------
    ValueError
        When ``data`` does not have exactly two rows.

    Examples
    --------
    >>> round(cohen_kappa([[1, 1, 0, 0], [1, 0, 0, 0]]), 3)
    0.5
    """
    return _point(data, "cohen")


def fleiss_kappa(data: ArrayLike) -> float:
    """Fleiss' (1971) kappa for two or more coders: ``(P_bar - P_e) / (1 - P_e)``.

    ``P_bar`` is the mean over units of the share of agreeing coder pairs, ``P_e`` the sum
    of squared overall category proportions. Fleiss' kappa needs the same number of ratings
    on every unit, so units where any coder's value is missing are left out (listwise
    deletion); use :func:`krippendorff_alpha` when values are missing.

    Parameters
    ----------
    data
        Coders x units; ``NaN`` marks a missing value.

    Returns
    -------
    float
        ``nan`` when no unit is complete or only one category occurs.

    Examples
    --------
    >>> round(fleiss_kappa([[1, 1, 0, 0], [1, 0, 0, 0], [1, 1, 0, 1]]), 3)
    0.333
    """
    return _point(data, "fleiss")


def krippendorff_alpha(data: ArrayLike) -> float:
    """Krippendorff's alpha for nominal data: ``1 - D_o / D_e``, missing values allowed.

    Computed from the coincidence matrix of pairable values (units with at least two
    values): ``alpha = 1 - (n - 1) (n - sum_c o_cc) / (n^2 - sum_c n_c^2)``, where ``o_cc``
    are the diagonal coincidences, ``n_c`` the category totals and ``n`` the number of
    pairable values (Krippendorff 2011). Matches the ``krippendorff`` package (nominal).

    Parameters
    ----------
    data
        Coders x units; ``NaN`` marks a missing value.

    Returns
    -------
    float
        ``nan`` when fewer than two categories occur among pairable values (no expected
        disagreement, so chance correction is undefined).

    Examples
    --------
    >>> round(krippendorff_alpha([[1, 1, 0, 0], [1, 0, 0, float("nan")]]), 3)
    0.444
    """
    return _point(data, "alpha")


def bootstrap_ci(
    data: ArrayLike,
    statistic: Statistic = "alpha",
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int | np.random.Generator | None = None,
    clusters: ArrayLike | None = None,
) -> tuple[float, float]:
    """Percentile bootstrap confidence interval of an agreement statistic.

    Resamples the units the statistic uses (for alpha and percent agreement, units with at
    least two values; for kappa, complete units) with replacement, ``n_resamples`` times,
    and returns the ``(1 - confidence) / 2`` and ``(1 + confidence) / 2`` quantiles of the
    statistic over the resamples (linear interpolation). Resamples on which the statistic
    is undefined (e.g. only one category drawn) are dropped.

    Parameters
    ----------
    data
        Coders x units; ``NaN`` marks a missing value.
    statistic
        ``"percent"``, ``"cohen"``, ``"fleiss"`` or ``"alpha"``.
    n_resamples
        Number of bootstrap resamples.
    confidence
        Coverage of the interval, between 0 and 1.
    seed
        Seed (or generator) for :func:`numpy.random.default_rng`; the same seed and data
        give the same interval.
    clusters
        Optional cluster label per unit (column). Whole clusters are resampled instead of
        single units, for units that are not independent (e.g. several codes on one segment).

    Returns
    -------
    tuple of float
        ``(low, high)``; ``(nan, nan)`` when no resample gives a defined value.

    Examples
    --------
    >>> low, high = bootstrap_ci([[1, 1, 0, 0, 1], [1, 0, 0, 0, 1]], "alpha", seed=1)
    """
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be at least 1, got {n_resamples}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    prepared = _prepare(data, statistic)
    if clusters is None:
        cluster_of = np.arange(len(prepared.used))
    else:
        labels = np.asarray(clusters)
        if labels.shape != (np.shape(data)[1],):
            raise ValueError("clusters must give one label per unit (column of data)")
        _, cluster_of = np.unique(labels[prepared.used], return_inverse=True)
    n_clusters = int(cluster_of.max()) + 1 if len(cluster_of) else 0
    if n_clusters == 0:
        return (float("nan"), float("nan"))
    # A resample is a multiset of clusters, and the statistic only sees sums of features,
    # so clusters with equal feature sums are interchangeable: draw how often each *kind*
    # of cluster is picked (multinomial), not which clusters. Same distribution as drawing
    # clusters one by one, at a cost that grows with the number of kinds, not of units.
    summed = np.column_stack(
        [
            np.bincount(cluster_of, weights=column, minlength=n_clusters)
            for column in prepared.features.T
        ]
    )
    kinds, sizes = np.unique(summed, axis=0, return_counts=True)
    rng = np.random.default_rng(seed)
    block = max(1, min(n_resamples, _DRAW_BLOCK_CELLS // len(kinds)))
    values = []
    for first in range(0, n_resamples, block):
        picks = rng.multinomial(
            n_clusters, sizes / n_clusters, size=min(block, n_resamples - first)
        )
        values.append(prepared.combine(picks @ kinds))
    stats = np.concatenate(values)
    stats = stats[~np.isnan(stats)]
    if not len(stats):
        return (float("nan"), float("nan"))
    tail = (1 - confidence) / 2
    low, high = np.quantile(stats, [tail, 1 - tail])
    return (float(low), float(high))

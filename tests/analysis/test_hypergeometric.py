from __future__ import annotations

from fractions import Fraction
from math import comb

import numpy as np
import pytest
from scipy import stats

from casekit.analysis.hypergeometric import hypergeometric_upper_tail


@pytest.mark.parametrize("N", [1, 10, 57, 200, 5000])
def test_matches_scipy_over_the_whole_support(N: int) -> None:
    rng = np.random.default_rng(N)
    n_a = rng.integers(0, N + 1, 500)
    n_b = rng.integers(0, N + 1, 500)
    count = rng.integers(-1, np.minimum(n_a, n_b) + 2)
    mine = hypergeometric_upper_tail(count, N, n_a, n_b)
    expected = stats.hypergeom.sf(count - 1, N, n_a, n_b)
    np.testing.assert_allclose(mine, expected, rtol=1e-10, atol=1e-300)


def test_near_the_mean_where_both_tails_are_long() -> None:
    N = 100_000
    rng = np.random.default_rng(5)
    n_a = rng.integers(1_000, 40_000, 300)
    n_b = rng.integers(1_000, 40_000, 300)
    mean = n_a * n_b / N
    count = np.round(mean + rng.normal(0, 2, 300) * np.sqrt(mean)).astype(int)
    mine = hypergeometric_upper_tail(count, N, n_a, n_b)
    np.testing.assert_allclose(mine, stats.hypergeom.sf(count - 1, N, n_a, n_b), rtol=1e-8)


def test_against_exact_rational_arithmetic() -> None:
    for k, N, a, b in [(3, 40, 10, 8), (12, 1000, 30, 50), (0, 20, 5, 5), (5, 30, 5, 29)]:
        exact = sum(
            Fraction(comb(a, j) * comb(N - a, b - j), comb(N, b)) for j in range(k, min(a, b) + 1)
        )
        assert hypergeometric_upper_tail(np.array([k]), N, np.array([a]), np.array([b]))[
            0
        ] == pytest.approx(float(exact), rel=1e-13)


def test_bounds() -> None:
    # N = 10 with 6 and 6 marked: at least 2 overlap, at most 6.
    out = hypergeometric_upper_tail(np.array([1, 2, 3, 6, 7]), 10, 6, 6)
    assert out[:2].tolist() == [1.0, 1.0] and out[4] == 0.0
    assert out[2:4].tolist() == pytest.approx(stats.hypergeom.sf([2, 5], 10, 6, 6))
    assert hypergeometric_upper_tail(np.array([0, 1]), 10, 0, 4).tolist() == [1.0, 0.0]

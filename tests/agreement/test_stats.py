"""Agreement statistics: published examples, reference libraries, edge cases, the bootstrap."""

from __future__ import annotations

import math
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from casekit.agreement.stats import (
    _prepare,
    bootstrap_ci,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "agreement"
NAN = float("nan")
SEEDS = [0, 1, 2, 3, 4, 5, 6, 7]


def _package_alpha(data: np.ndarray) -> float:
    try:
        return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    except ValueError:  # the package refuses data with a single value; ours returns NaN
        return NAN


def _random_ratings(seed: int, *, coders: int, units: int, categories: int, missing: float):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, categories, size=units)
    # Coders agree with a latent truth most of the time, so the statistics are not all ~0.
    noise = rng.integers(0, categories, size=(coders, units))
    data = np.where(rng.random((coders, units)) < 0.7, truth, noise).astype(float)
    data[rng.random((coders, units)) < missing] = np.nan
    return data


def _textbook_fleiss(data: np.ndarray) -> float:
    """Fleiss (1971) written out from the rating counts, as in the paper."""
    complete = data[:, ~np.isnan(data).any(axis=0)]
    m, n = complete.shape
    categories = np.unique(complete)
    counts = np.array([[np.sum(complete[:, i] == c) for c in categories] for i in range(n)])
    p_i = (np.sum(counts**2, axis=1) - m) / (m * (m - 1))
    p_j = counts.sum(axis=0) / (n * m)
    p_bar, p_e = p_i.mean(), np.sum(p_j**2)
    return (p_bar - p_e) / (1 - p_e)


# -- published examples ---------------------------------------------------------------


def test_krippendorff_2011_reliability_data_nominal_alpha() -> None:
    data = np.genfromtxt(DATA / "krippendorff-2011-nominal.csv", delimiter=",", skip_header=1)
    data = data[:, 1:]
    assert data.shape == (4, 12)
    assert int(np.isnan(data).sum()) == 7
    alpha = krippendorff_alpha(data)
    assert abs(alpha - 0.743) < 1e-3
    assert abs(alpha - _package_alpha(data)) < 1e-9


def test_fleiss_worked_example_10_subjects_14_raters() -> None:
    counts = np.loadtxt(DATA / "fleiss-10x14.csv", delimiter=",", skiprows=1)[:, 1:].astype(int)
    assert (counts.sum(axis=1) == 14).all()
    # Any assignment of the counted ratings to raters gives the same kappa.
    ratings = np.array([np.repeat(np.arange(5), row) for row in counts]).T
    assert abs(fleiss_kappa(ratings) - 0.210) < 1e-3
    shuffled = np.random.default_rng(3).permuted(ratings, axis=0)
    assert abs(fleiss_kappa(shuffled) - fleiss_kappa(ratings)) < 1e-12


# -- reference libraries on random data --------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_cohen_kappa_matches_sklearn(seed: int) -> None:
    data = _random_ratings(seed, coders=2, units=60, categories=2 + seed % 4, missing=0.1)
    both = ~np.isnan(data).any(axis=0)
    expected = cohen_kappa_score(data[0, both], data[1, both])
    assert abs(cohen_kappa(data) - expected) < 1e-9


@pytest.mark.parametrize("seed", SEEDS)
def test_alpha_matches_krippendorff_package_with_missing_values(seed: int) -> None:
    data = _random_ratings(
        seed, coders=2 + seed % 4, units=40, categories=2 + seed % 3, missing=0.25
    )
    assert abs(krippendorff_alpha(data) - _package_alpha(data)) < 1e-9


@pytest.mark.parametrize("seed", SEEDS)
def test_fleiss_kappa_matches_textbook_formula_and_alpha(seed: int) -> None:
    data = _random_ratings(seed, coders=2 + seed % 5, units=30, categories=3, missing=0.05)
    kappa = fleiss_kappa(data)
    assert abs(kappa - _textbook_fleiss(data)) < 1e-9
    # On complete data kappa = 1 - (1 - alpha) n / (n - 1), n = number of values.
    complete = data[:, ~np.isnan(data).any(axis=0)]
    n = complete.size
    assert abs(kappa - (1 - (1 - _package_alpha(complete)) * n / (n - 1))) < 1e-9


# -- exact small cases ------------------------------------------------------------------


def test_percent_agreement_two_coders() -> None:
    assert percent_agreement([[1, 1, 0, 0], [1, 0, 0, 0]]) == 75.0


def test_percent_agreement_averages_pairwise_agreement_over_units() -> None:
    # Unit 1: all three agree (1); unit 2: 2 of 6 ordered pairs agree; unit 3: one value only.
    data = [[1, 1, 0], [1, 0, NAN], [1, 1, NAN]]
    assert percent_agreement(data) == pytest.approx(100 * (1 + 1 / 3) / 2, abs=1e-12)


def test_cohen_kappa_small_table() -> None:
    # p_o = 3/4, p_e = (2*1 + 2*3) / 16 = 1/2.
    assert cohen_kappa([[1, 1, 0, 0], [1, 0, 0, 0]]) == 0.5


def test_statistics_undefined_without_variation_are_nan() -> None:
    constant = [[0, 0, 0], [0, 0, 0]]
    assert percent_agreement(constant) == 100.0
    assert math.isnan(cohen_kappa(constant))
    assert math.isnan(fleiss_kappa(constant))
    assert math.isnan(krippendorff_alpha(constant))


def test_statistics_without_comparable_units_are_nan() -> None:
    apart = [[1, NAN, 0], [NAN, 0, NAN]]
    assert math.isnan(percent_agreement(apart))
    assert math.isnan(cohen_kappa(apart))
    assert math.isnan(fleiss_kappa(apart))
    assert math.isnan(krippendorff_alpha(apart))


def test_fleiss_leaves_out_units_with_a_missing_rating() -> None:
    data = np.array([[1, 1, 0, 0, 1], [1, 0, 0, 0, NAN], [1, 1, 0, 1, 0]])
    assert fleiss_kappa(data) == fleiss_kappa(data[:, :4])


def test_perfect_agreement_is_one() -> None:
    data = [[0, 1, 2, 1], [0, 1, 2, 1], [0, 1, 2, NAN]]
    assert krippendorff_alpha(data) == 1.0
    assert fleiss_kappa(data) == 1.0
    assert cohen_kappa(data[:2]) == 1.0


def test_bad_shapes_raise() -> None:
    with pytest.raises(ValueError, match="at least two coders"):
        krippendorff_alpha([[1, 0, 1]])
    with pytest.raises(ValueError, match="2-D"):
        percent_agreement([1, 0, 1])
    with pytest.raises(ValueError, match="exactly two coders, got 3"):
        cohen_kappa([[1, 0], [1, 0], [0, 0]])


# -- bootstrap --------------------------------------------------------------------------


REFERENCES = {
    "percent": percent_agreement,
    "cohen": lambda d: cohen_kappa_score(d[0], d[1]),
    "fleiss": _textbook_fleiss,
    "alpha": _package_alpha,
}


@pytest.mark.parametrize("statistic", ["percent", "cohen", "fleiss", "alpha"])
@pytest.mark.parametrize("seed", [11, 12])
def test_resample_counts_reproduce_explicit_resamples(statistic: str, seed: int) -> None:
    # The bootstrap evaluates a resample as "unit u drawn w_u times"; that must equal the
    # statistic of the explicitly resampled data.
    coders = 2 if statistic == "cohen" else 3
    data = _random_ratings(seed, coders=coders, units=25, categories=3, missing=0.0)
    prepared = _prepare(data, statistic)
    rng = np.random.default_rng(seed)
    for _ in range(30):
        draw = rng.integers(0, len(prepared.used), size=len(prepared.used))
        times = np.bincount(draw, minlength=len(prepared.used)).astype(float)
        got = prepared.combine((times @ prepared.features)[None, :])[0]
        assert got == pytest.approx(REFERENCES[statistic](data[:, prepared.used[draw]]), abs=1e-9)


def _naive_interval(resamples: list[np.ndarray]) -> tuple[float, float]:
    values = np.array([_package_alpha(r) for r in resamples])
    return tuple(np.quantile(values[~np.isnan(values)], [0.025, 0.975]))


def test_bootstrap_agrees_with_a_unit_by_unit_resampling_loop() -> None:
    # Monte Carlo on both sides (seeded): the intervals agree to well within their noise.
    data = _random_ratings(13, coders=3, units=25, categories=3, missing=0.2)
    pairable = data[:, (~np.isnan(data)).sum(axis=0) >= 2]
    draws = np.random.default_rng(1).integers(0, pairable.shape[1], size=(4000, pairable.shape[1]))
    expected = _naive_interval([pairable[:, d] for d in draws])
    got = bootstrap_ci(data, "alpha", n_resamples=4000, seed=2)
    assert got == pytest.approx(expected, abs=0.03)


def test_bootstrap_resamples_whole_clusters() -> None:
    # Ten clusters of three identical units: the units of a cluster are not independent.
    data = np.repeat(_random_ratings(5, coders=2, units=10, categories=2, missing=0.0), 3, axis=1)
    clusters = np.repeat(np.arange(10), 3)
    draws = np.random.default_rng(1).integers(0, 10, size=(4000, 10))
    resamples = [np.concatenate([data[:, clusters == k] for k in d], axis=1) for d in draws]
    expected = _naive_interval(resamples)
    got = bootstrap_ci(data, "alpha", n_resamples=4000, seed=2, clusters=clusters)
    assert got == pytest.approx(expected, abs=0.03)
    # Resampling single units would pretend to have 30 independent units: too narrow.
    units_only = bootstrap_ci(data, "alpha", n_resamples=4000, seed=2)
    assert units_only[1] - units_only[0] < got[1] - got[0]


def test_bootstrap_of_identical_units_has_no_spread() -> None:
    data = np.tile([[1.0], [0.0]], 20)  # every unit: coder 1 says 1, coder 2 says 0
    low, high = bootstrap_ci(data, seed=3)
    assert low == high == krippendorff_alpha(data)


def test_bootstrap_of_every_statistic_is_seeded_and_brackets_the_estimate() -> None:
    data = _random_ratings(21, coders=2, units=80, categories=2, missing=0.0)
    for statistic, point in [
        ("percent", percent_agreement(data)),
        ("cohen", cohen_kappa(data)),
        ("fleiss", fleiss_kappa(data)),
        ("alpha", krippendorff_alpha(data)),
    ]:
        low, high = bootstrap_ci(data, statistic, seed=4)
        assert (low, high) == bootstrap_ci(data, statistic, seed=4)
        assert low < point < high
    assert bootstrap_ci(data, seed=4) != bootstrap_ci(data, seed=5)


def test_bootstrap_confidence_level_narrows_the_interval() -> None:
    data = _random_ratings(22, coders=2, units=80, categories=2, missing=0.0)
    low95, high95 = bootstrap_ci(data, seed=1, confidence=0.95)
    low80, high80 = bootstrap_ci(data, seed=1, confidence=0.80)
    assert low95 < low80 < high80 < high95


def test_bootstrap_with_nothing_defined_is_nan() -> None:
    low, high = bootstrap_ci([[0, 0, 0], [0, 0, 0]], seed=1)
    assert math.isnan(low) and math.isnan(high)
    low, high = bootstrap_ci([[1, NAN], [NAN, 0]], seed=1)
    assert math.isnan(low) and math.isnan(high)


def test_bootstrap_rejects_bad_arguments() -> None:
    data = [[1, 0, 1], [1, 0, 0]]
    with pytest.raises(ValueError, match="n_resamples must be at least 1"):
        bootstrap_ci(data, n_resamples=0)
    with pytest.raises(ValueError, match="confidence must be between 0 and 1"):
        bootstrap_ci(data, confidence=95)
    with pytest.raises(ValueError, match="unknown statistic 'kappa'"):
        bootstrap_ci(data, "kappa")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="one label per unit"):
        bootstrap_ci(data, clusters=[0, 1])

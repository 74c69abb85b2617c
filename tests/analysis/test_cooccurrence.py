from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from scipy import stats

from casekit.analysis.cooccurrence import (
    COOCCURRENCE_COLUMNS,
    benjamini_hochberg,
    code_cooccurrence,
)
from casekit.analysis.matrix import segment_code_matrix
from casekit.errors import CasekitError
from tests.analysis.frames import codings_frame, random_matrix, segments_frame


def _brute_force(dense: np.ndarray, codes: list[str]) -> dict[tuple[str, str], dict]:
    N = dense.shape[0]
    out = {}
    for i, j in itertools.combinations(range(len(codes)), 2):
        a, b = dense[:, i].astype(bool), dense[:, j].astype(bool)
        n_a, n_b, c = int(a.sum()), int(b.sum()), int((a & b).sum())
        if c == 0:
            continue
        expected = n_a * n_b / N
        pmi = math.log2(c * N / (n_a * n_b))
        out[(codes[i], codes[j])] = {
            "n_a": n_a,
            "n_b": n_b,
            "count": c,
            "expected": expected,
            "jaccard": c / len(np.flatnonzero(a | b)),
            "dice": 2 * c / (n_a + n_b),
            "cosine": c / math.sqrt(n_a * n_b),
            "lift": c / expected,
            "pmi": pmi,
            "npmi": 1.0 if c == N else pmi / -math.log2(c / N),
        }
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_measure_matches_brute_force(seed: int) -> None:
    matrix, dense = random_matrix(200, 12, 0.15, seed)
    out = code_cooccurrence(matrix)
    expected = _brute_force(dense, matrix.codes)
    assert len(out) == len(expected)
    for row in out.itertuples(index=False):
        want = expected[(row.code_a, row.code_b)]
        for key, value in want.items():
            assert getattr(row, key) == pytest.approx(value, rel=1e-12), key


def test_p_values_match_hypergeom_and_fisher() -> None:
    matrix, dense = random_matrix(120, 8, 0.25, 7)
    out = code_cooccurrence(matrix)
    N = dense.shape[0]
    for row in out.itertuples(index=False):
        assert row.p_value == pytest.approx(
            stats.hypergeom.sf(row.count - 1, N, row.n_a, row.n_b), rel=1e-9
        )
        table = [
            [row.count, row.n_a - row.count],
            [row.n_b - row.count, N - row.n_a - row.n_b + row.count],
        ]
        assert row.p_value == pytest.approx(
            stats.fisher_exact(table, alternative="greater").pvalue, rel=1e-9
        )


def test_benjamini_hochberg_by_hand() -> None:
    p = np.array([0.01, 0.04, 0.03, 0.20])
    # sorted 0.01, 0.03, 0.04, 0.20 -> 0.04, 0.06, 0.0533, 0.20 -> step-up min: 0.04, 0.0533, 0.0533, 0.2
    np.testing.assert_allclose(benjamini_hochberg(p), [0.04, 0.16 / 3, 0.16 / 3, 0.20])
    # Two more tests with p = 1 in the family: m = 6.
    np.testing.assert_allclose(benjamini_hochberg(p, 6), [0.06, 0.08, 0.08, 0.30])
    np.testing.assert_allclose(benjamini_hochberg(np.array([0.5, 0.9])), [0.9, 0.9])
    assert benjamini_hochberg(np.array([])).size == 0
    with pytest.raises(ValueError):
        benjamini_hochberg(p, 3)


def test_q_values_cover_all_pairs_of_present_codes_whatever_min_count() -> None:
    matrix, dense = random_matrix(150, 10, 0.12, 5)
    full = code_cooccurrence(matrix)
    N = dense.shape[0]
    sizes = dense.sum(axis=0)
    present = np.flatnonzero(sizes)
    p_all = []
    for i, j in itertools.combinations(present, 2):
        c = int((dense[:, i] & dense[:, j]).sum())
        p_all.append(stats.hypergeom.sf(c - 1, N, sizes[i], sizes[j]) if c else 1.0)
    m = len(p_all)
    order = np.argsort(p_all, kind="stable")
    ranked = np.array(p_all)[order] * m / np.arange(1, m + 1)
    q_sorted = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1)
    q_hand = dict(zip(order.tolist(), q_sorted.tolist(), strict=True))
    pairs = list(itertools.combinations(present, 2))
    by_pair = {(f"C{i:02d}", f"C{j:02d}"): q_hand[k] for k, (i, j) in enumerate(pairs)}
    for row in full.itertuples(index=False):
        assert row.q_value == pytest.approx(by_pair[(row.code_a, row.code_b)])
    filtered = code_cooccurrence(matrix, min_count=3)
    assert (filtered["count"] >= 3).all() and len(filtered) < len(full)
    merged = filtered.merge(full, on=["code_a", "code_b"], suffixes=("", "_full"))
    np.testing.assert_array_equal(merged["q_value"], merged["q_value_full"])


def test_toy_table_exactly() -> None:
    out = code_cooccurrence(segment_code_matrix(codings_frame(), segments_frame()))
    assert list(out.columns) == COOCCURRENCE_COLUMNS
    assert out[["code_a", "code_b", "n_a", "n_b", "count"]].values.tolist() == [
        ["DIL.SILO", "EL.DEPT", 2, 3, 2],
        ["DIL.STD", "EL.SYS", 3, 3, 2],
        ["DIL.STD", "STR.STD", 3, 2, 1],
        ["EL.DEPT", "EL.SYS", 3, 3, 1],
        ["EL.SYS", "STR.STD", 3, 2, 1],
    ]
    assert out["q_value"].tolist()[2:] == [1.0, 1.0, 1.0]
    first = out.iloc[0]
    # 10 segments: P(X >= 2) for 2 draws from 10 with 3 successes = C(3,2)/C(10,2) = 3/45
    assert first["p_value"] == pytest.approx(3 / 45)
    assert first["expected"] == pytest.approx(0.6) and first["jaccard"] == pytest.approx(2 / 3)
    # 5 codes present -> 10 tests; smallest p ranked 1: q = p * 10 / 1
    assert first["q_value"] == pytest.approx(10 * 3 / 45)


def test_sorted_by_q_then_count_then_codes() -> None:
    matrix, _ = random_matrix(300, 15, 0.1, 9)
    out = code_cooccurrence(matrix)
    keys = list(zip(out["q_value"], -out["count"], out["code_a"], out["code_b"], strict=True))
    assert keys == sorted(keys)


def test_codes_that_always_meet_have_npmi_one() -> None:
    codings = pd.DataFrame({"segment_id": [1, 1, 2], "code": ["A", "B", "C"]})
    segments = pd.DataFrame(
        {"segment_id": [1, 2, 3], "segment": ["s1", "s2", "s3"], "document": ["d"] * 3}
    )
    out = code_cooccurrence(segment_code_matrix(codings, segments))
    assert out[["code_a", "code_b", "count", "jaccard", "npmi"]].values.tolist() == [
        ["A", "B", 1, 1.0, pytest.approx(1.0)]
    ]


def test_empty_matrix_and_bad_min_count() -> None:
    matrix, _ = random_matrix(10, 3, 0.0, 1)
    out = code_cooccurrence(matrix)
    assert_frame_equal(out, out.iloc[:0])
    assert list(out.columns) == COOCCURRENCE_COLUMNS
    with pytest.raises(CasekitError, match="^min_count must be at least 1, not 0$"):
        code_cooccurrence(matrix, min_count=0)

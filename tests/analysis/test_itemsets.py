from __future__ import annotations

import itertools
import math

import pytest

from casekit.analysis.itemsets import frequent_code_sets
from casekit.analysis.matrix import segment_code_matrix
from casekit.errors import CasekitError
from tests.analysis.frames import codings_frame, random_matrix, segments_frame


@pytest.mark.parametrize(("seed", "min_support", "max_size"), [(1, 0.05, 3), (2, 0.1, 4)])
def test_apriori_matches_brute_force(seed: int, min_support: float, max_size: int) -> None:
    matrix, dense = random_matrix(200, 8, 0.3, seed)
    result = frequent_code_sets(matrix, min_support=min_support, max_size=max_size)
    min_count = math.ceil(min_support * 200)
    brute = {}
    for size in range(1, max_size + 1):
        for combo in itertools.combinations(range(8), size):
            n = int(dense[:, list(combo)].all(axis=1).sum())
            if n >= min_count:
                brute[tuple(matrix.codes[j] for j in combo)] = n
    found = dict(zip(result.itemsets["itemset"], result.itemsets["count"], strict=True))
    assert found == brute
    assert result.min_count == min_count and result.n_rows == 200
    keys = list(
        zip(
            result.itemsets["size"],
            -result.itemsets["count"],
            result.itemsets["itemset"],
            strict=True,
        )
    )
    assert keys == sorted(keys)
    for rule in result.rules.itertuples(index=False):
        union = tuple(sorted(rule.antecedent + rule.consequent))
        assert rule.count == brute[union]
        assert rule.confidence == pytest.approx(brute[union] / brute[rule.antecedent])
        assert rule.lift == pytest.approx(rule.confidence / (brute[rule.consequent] / 200))
    n_rules = sum(2 ** len(s) - 2 for s in brute if len(s) > 1)
    assert len(result.rules) == n_rules


def test_toy_rules_and_confidence_filter() -> None:
    matrix = segment_code_matrix(codings_frame(), segments_frame())
    result = frequent_code_sets(matrix, min_support=0.2, min_confidence=0.8)
    assert result.rules[["antecedent", "consequent", "count", "confidence"]].values.tolist() == [
        [("DIL.SILO",), ("EL.DEPT",), 2, 1.0]
    ]
    assert result.rules.loc[0, "lift"] == pytest.approx(10 / 3)
    assert result.itemsets["itemset"].tolist()[-2:] == [
        ("DIL.SILO", "EL.DEPT"),
        ("DIL.STD", "EL.SYS"),
    ]


def test_support_threshold_is_not_lost_to_float_error() -> None:
    matrix, _ = random_matrix(500, 3, 0.1, 1)
    assert frequent_code_sets(matrix, min_support=0.02).min_count == 10


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_support": 0}, "min_support must be in (0, 1], not 0"),
        ({"max_size": 0}, "max_size must be at least 1, not 0"),
    ],
)
def test_bad_options(kwargs: dict, message: str) -> None:
    matrix, _ = random_matrix(5, 2, 0.5, 1)
    with pytest.raises(CasekitError) as err:
        frequent_code_sets(matrix, **kwargs)
    assert str(err.value) == message

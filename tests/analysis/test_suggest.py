from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from casekit.analysis.suggest import suggest_codes
from casekit.errors import CasekitError

FILLER = [
    "今天天气很好。",
    "会议在三楼召开。",
    "我们下午去调研。",
    "请把材料交给办公室。",
    "大家辛苦了。",
]


def _segments(texts: list[str], prefix: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "segment_id": [f"{prefix}{i}" for i in range(len(texts))],
            "segment": [f"{prefix}/t{i + 1}" for i in range(len(texts))],
            "document": prefix,
            "unit": "turn",
            "text": texts,
        }
    )


def _training() -> tuple[pd.DataFrame, pd.DataFrame]:
    texts, codes = [], []
    for i in range(8):
        texts.append(f"两个部门的编码标准不统一，第{i}次对不上。")
        codes.append(["STD"])
        texts.append(f"数据孤岛很严重，第{i}个系统不互通。")
        codes.append(["SILO"])
    for i in range(3):
        texts.append(f"经费不足，第{i}年没有预算。")
        codes.append(["FUND"])
    for i in range(12):
        texts.append(FILLER[i % 5] + f"（{i}）")
        codes.append([])
    segments = _segments(texts, "train")
    codings = pd.DataFrame(
        [
            {"segment_id": sid, "code": c, "coder": "li", "unit": "turn"}
            for sid, cs in zip(segments["segment_id"], codes, strict=True)
            for c in cs
        ]
    )
    return segments, codings


def test_scores_skipped_and_suggestions() -> None:
    train, codings = _training()
    targets = pd.concat(
        [
            _segments(
                [
                    "省里和市里的标准不统一，对不上。",
                    "这里也是数据孤岛，系统不互通。",
                    "大家辛苦了。",
                ],
                "new",
            ),
            train.iloc[:1],  # already coded by the coder: never suggested
        ],
        ignore_index=True,
    )
    result = suggest_codes(train, codings, targets, seed=1)
    assert result.scores[["code", "positives", "negatives", "folds"]].values.tolist() == [
        ["SILO", 8, 23, 5],
        ["STD", 8, 23, 5],
    ]
    assert list(result.scores.columns) == [
        "code", "positives", "negatives", "folds", "threshold", "predicted",
        "precision", "recall", "f1", "average_precision",
    ]  # fmt: skip
    assert result.scores["predicted"].tolist() == [8, 8]
    assert result.scores[["precision", "recall", "f1", "average_precision"]].to_numpy().min() == 1.0
    assert result.skipped.values.tolist() == [["FUND", 3, "fewer than 5 positive segments"]]
    assert result.suggestions[["segment", "document", "code"]].values.tolist() == [
        ["new/t1", "new", "STD"],
        ["new/t2", "new", "SILO"],
    ]
    assert (result.suggestions["probability"] >= 0.5).all()
    again = suggest_codes(train, codings, targets, seed=1)
    pd.testing.assert_frame_equal(again.suggestions, result.suggestions)


def test_threshold_and_min_positives() -> None:
    train, codings = _training()
    targets = _segments(["标准不统一。"], "new")
    low = suggest_codes(train, codings, targets, seed=1, threshold=0.0, min_positives=3)
    assert low.skipped.empty
    assert low.suggestions["code"].tolist()[0] == "STD"
    assert sorted(low.suggestions["code"]) == ["FUND", "SILO", "STD"]
    probabilities = low.suggestions["probability"].tolist()
    assert probabilities == sorted(probabilities, reverse=True)


def test_one_coder_only_and_needs_codings() -> None:
    train, codings = _training()
    mixed = pd.concat([codings, codings.assign(coder="wang")], ignore_index=True)
    with pytest.raises(CasekitError) as err:
        suggest_codes(train, mixed, train, seed=1)
    assert str(err.value) == (
        "suggestions learn from one coder; pass codings of one coder (these have li, wang)"
    )
    with pytest.raises(CasekitError, match="^the coder has no codings on the training segments$"):
        suggest_codes(train, codings.iloc[:0], train, seed=1)


def test_tuned_threshold_sits_in_the_gap_below_the_best_cut() -> None:
    from casekit.analysis.suggest import _best_threshold

    y = np.array([False, False, True, True])
    assert _best_threshold(y, np.array([0.1, 0.3, 0.35, 0.8])) == pytest.approx(0.325)
    # F1 ties at 2/3: cut 0.1 (all four, precision 1/2, recall 1) and cut 0.9 (precision 1,
    # recall 1/2); the higher wins and moves halfway down to 0.3.
    tie = np.array([True, False, False, True])
    assert _best_threshold(tie, np.array([0.1, 0.2, 0.3, 0.9])) == pytest.approx(0.6)

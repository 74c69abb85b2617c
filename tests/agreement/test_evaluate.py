"""Rules scored against a gold coder, on hand-made frames; checked against scikit-learn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from sklearn.metrics import precision_recall_fscore_support

from casekit.agreement import MACRO, MICRO, AgreementError, evaluation_errors, evaluation_table
from tests.agreement.frames import segments_frame

NAN = float("nan")


def codings(rows: list[tuple[str, str, str, str | None, str]]) -> pd.DataFrame:
    """Codings from (segment key, code, coder, rule, coded text); coder 'rules' is automatic."""
    ids = segments_frame().set_index("segment")["segment_id"]
    return pd.DataFrame(
        [
            {
                "document": key.split("/")[0],
                "segment_id": int(ids[key]),
                "segment": key,
                "code": code,
                "coder": coder,
                "source": "auto" if coder == "rules" else "manual",
                "rule": rule,
                "text": text,
            }
            for key, code, coder, rule, text in rows
        ]
    )


# li coded d1 and d2; d3 (automatic codings only) is out of scope.
CODINGS = codings(
    [
        ("d1/p1", "A", "rules", "A.kw", "data"),
        ("d1/p1", "A", "li", None, "the data"),
        ("d1/p2", "A", "rules", "A.re", "platform"),
        ("d1/p2", "A", "rules", "A.kw", "data"),
        ("d1/p2", "B", "li", None, "nobody shares"),
        ("d1/p3", "B", "rules", "B.kw", "silo"),
        ("d1/p3", "B", "li", None, "silo"),
        ("d2/p1", "C", "rules", "C.kw", "trust"),
        ("d2/p2", "A", "li", None, "records"),
        ("d3/p1", "A", "rules", "A.kw", "data"),
        ("d3/p1", "C", "wang", None, "x"),
    ]
)


def test_scores_per_code_micro_and_macro() -> None:
    table = evaluation_table(CODINGS, segments_frame(), gold="li")
    expected = pd.DataFrame(
        {
            "code": ["A", "B", "C", MICRO, MACRO],
            "tp": [1, 1, 0, 2, 2],
            "fp": [1, 0, 1, 2, 2],
            "fn": [1, 1, 0, 2, 2],
            "precision": [0.5, 1.0, 0.0, 0.5, 0.5],
            "recall": [0.5, 0.5, NAN, 0.5, 0.5],
            "f1": [0.5, 2 / 3, 0.0, 0.5, 7 / 18],
            "support": [2, 2, 0, 4, 4],
        }
    )
    assert_frame_equal(table, expected, rtol=0, atol=1e-12)


def test_scores_match_sklearn_on_segment_by_code_indicators() -> None:
    table = evaluation_table(CODINGS, segments_frame(), gold="li").set_index("code")
    scope = ["d1/p1", "d1/p2", "d1/p3", "d1/p4", "d2/p1", "d2/p2"]
    codes = ["A", "B", "C"]

    def indicators(source: str) -> np.ndarray:
        chosen = CODINGS[(CODINGS["source"] == source) & CODINGS["segment"].isin(scope)]
        chosen = chosen[chosen["coder"].isin(["li", "rules"])]
        return np.array(
            [
                [((chosen["segment"] == s) & (chosen["code"] == c)).any() for c in codes]
                for s in scope
            ]
        )

    y_true, y_pred = indicators("manual"), indicators("auto")
    for average, rows in [(None, codes), ("micro", MICRO), ("macro", MACRO)]:
        p, r, f, _ = precision_recall_fscore_support(
            y_true, y_pred, average=average, zero_division=np.nan
        )
        got = table.loc[rows, ["precision", "recall", "f1"]].to_numpy(dtype=float)
        np.testing.assert_allclose(got.T.ravel(), np.ravel([p, r, f]), atol=1e-12)


def test_codes_restrict_the_scores() -> None:
    table = evaluation_table(CODINGS, segments_frame(), gold="li", codes=["B"])
    assert table["code"].tolist() == ["B", MICRO, MACRO]
    assert table.loc[0, ["tp", "fp", "fn"]].tolist() == [1, 0, 1]


def test_false_positives_name_the_rules_that_fired() -> None:
    found = evaluation_errors(CODINGS, segments_frame(), gold="li", kind="fp")
    expected = pd.DataFrame(
        {
            "segment": ["d1/p2", "d2/p1"],
            "document": ["d1", "d2"],
            "code": ["A", "C"],
            "rule": ["A.kw, A.re", "C.kw"],
            "span": ["platform | data", "trust"],
            "text": ["text of d1 paragraph 2", "text of d2 paragraph 1"],
        }
    )
    assert_frame_equal(found, expected)


def test_false_negatives_show_what_the_gold_coder_coded() -> None:
    found = evaluation_errors(CODINGS, segments_frame(), gold="li", kind="fn")
    assert found[["segment", "code", "rule", "span"]].values.tolist() == [
        ["d1/p2", "B", "", "nobody shares"],
        ["d2/p2", "A", "", "records"],
    ]


def test_unknown_gold_coder_lists_manual_coders() -> None:
    with pytest.raises(AgreementError) as err:
        evaluation_table(CODINGS, segments_frame(), gold="rules")
    assert str(err.value) == (
        "unknown gold coder 'rules': no manual codings by that name; known coders: li, wang"
    )


def test_no_automatic_codings_in_scope() -> None:
    manual_only = CODINGS[CODINGS["source"] == "manual"]
    with pytest.raises(AgreementError) as err:
        evaluation_table(manual_only, segments_frame(), gold="li")
    assert str(err.value) == (
        "no automatic codings in the 2 documents li coded; run 'casekit autocode' first"
    )

"""Agreement tables built from small hand-made codings and segments frames (no store)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from casekit.agreement import (
    POOLED,
    AgreementError,
    agreement_scope,
    agreement_table,
    bootstrap_ci,
    disagreements,
    krippendorff_alpha,
    scope_documents,
)
from tests.agreement.frames import codings_frame, segments_frame

NAN = float("nan")


# d1 and d2 are coded by li and wang; d3 only by li (left out of scope).
PRESENCE = codings_frame(
    [
        ("d1/p1", "A", "li"),
        ("d1/p1", "A", "wang"),
        ("d1/p2", "A", "li"),
        ("d1/p2", "B", "li"),
        ("d1/p2", "A", "li"),  # the same code twice on one segment counts once
        ("d1/p2", "B", "wang"),
        ("d1/p4", "A", "wang"),
        ("d2/p1", "B", "li"),
        ("d2/p1", "B", "wang"),
        ("d2/p2", "A", "li"),
        ("d3/p1", "A", "li"),
    ]
)


def test_scope_is_the_documents_every_coder_coded() -> None:
    assert scope_documents(PRESENCE, coders=["li", "wang"]) == (["d1", "d2"], ["d3"])
    scope = agreement_scope(PRESENCE, segments_frame(), coders=["li", "wang"])
    assert scope["segment"].tolist() == ["d1/p1", "d1/p2", "d1/p3", "d1/p4", "d2/p1", "d2/p2"]


def test_presence_table_per_code_and_pooled() -> None:
    table = agreement_table(PRESENCE, segments_frame(), coders=["li", "wang"], n_resamples=0)
    # Code A: li [1,1,0,0,0,1], wang [1,0,0,1,0,0]; code B: both [0,1,0,0,1,0].
    expected = pd.DataFrame(
        {
            "code": ["A", "B", POOLED],
            "n_units": [6, 6, 12],
            "n_positive_li": [3, 2, 5],
            "n_positive_wang": [2, 2, 4],
            "percent": [50.0, 100.0, 75.0],
            "cohen": [0.0, 1.0, 32 / 68],
            "fleiss": [-2 / 70, 1.0, 126 / 270],
            "alpha": [4 / 70, 1.0, 132 / 270],
            "ci_low": [NAN] * 3,
            "ci_high": [NAN] * 3,
        }
    )
    assert_frame_equal(table, expected, rtol=0, atol=1e-12)


def test_presence_intervals_are_seeded_per_row_and_pooled_resamples_segments() -> None:
    table = agreement_table(PRESENCE, segments_frame(), coders=["li", "wang"], seed=7)
    code_a = np.array([[1, 1, 0, 0, 0, 1], [1, 0, 0, 1, 0, 0]], dtype=float)
    assert (table.at[0, "ci_low"], table.at[0, "ci_high"]) == bootstrap_ci(code_a, seed=7)
    code_b = np.array([[0, 1, 0, 0, 1, 0], [0, 1, 0, 0, 1, 0]], dtype=float)
    pooled = np.hstack([code_a, code_b])
    clusters = np.tile(np.arange(6), 2)
    assert (table.at[2, "ci_low"], table.at[2, "ci_high"]) == bootstrap_ci(
        pooled, seed=7, clusters=clusters
    )
    # A code's interval does not depend on which other codes are in the table.
    only_a = agreement_table(PRESENCE, segments_frame(), coders=["li", "wang"], codes=["A"], seed=7)
    assert only_a.at[0, "ci_low"] == table.at[0, "ci_low"]


def test_presence_with_three_coders_has_no_cohen() -> None:
    codings = pd.concat(
        [PRESENCE, codings_frame([("d1/p1", "A", "zhao"), ("d2/p1", "B", "zhao")])],
        ignore_index=True,
    )
    table = agreement_table(
        codings, segments_frame(), coders=["zhao", "li", "wang"], codes=["B"], n_resamples=0
    )
    assert table.columns.tolist() == [
        "code",
        "n_units",
        "n_positive_zhao",
        "n_positive_li",
        "n_positive_wang",
        "percent",
        "cohen",
        "fleiss",
        "alpha",
        "ci_low",
        "ci_high",
    ]
    assert table["code"].tolist() == ["B", POOLED]
    assert table.loc[0, ["n_positive_zhao", "n_positive_li", "n_positive_wang"]].tolist() == [
        1,
        2,
        2,
    ]
    assert table["cohen"].isna().all()
    zhao = [0, 0, 0, 0, 1, 0]
    li_wang = [0, 1, 0, 0, 1, 0]
    assert table.at[0, "alpha"] == pytest.approx(krippendorff_alpha([zhao, li_wang, li_wang]))


def test_a_code_nobody_used_has_undefined_chance_corrected_agreement() -> None:
    table = agreement_table(
        PRESENCE, segments_frame(), coders=["li", "wang"], codes=["C"], n_resamples=0
    )
    row = table.iloc[0]
    assert (row["code"], row["n_positive_li"], row["percent"]) == ("C", 0, 100.0)
    assert row[["cohen", "fleiss", "alpha"]].isna().all()


def test_presence_disagreements_list_the_segments_with_text() -> None:
    found = disagreements(PRESENCE, segments_frame(), coders=["li", "wang"])
    expected = pd.DataFrame(
        {
            "segment": ["d1/p2", "d1/p4", "d2/p2"],
            "document": ["d1", "d1", "d2"],
            "code": ["A", "A", "A"],
            "coded_by": [["li"], ["wang"], ["li"]],
            "not_coded_by": [["wang"], ["li"], ["wang"]],
            "text": ["text of d1 paragraph 2", "text of d1 paragraph 4", "text of d2 paragraph 2"],
        }
    )
    assert_frame_equal(found, expected)


EXCLUSIVE = codings_frame(
    [
        ("d1/p1", "X", "li"),
        ("d1/p1", "X", "wang"),
        ("d1/p2", "Y", "li"),
        ("d1/p2", "Z", "wang"),
        ("d1/p3", "X", "li"),  # wang left it uncoded: a missing value
        ("d2/p1", "Z", "li"),
        ("d2/p1", "Z", "wang"),
        ("d2/p2", "Y", "wang"),
        ("d2/p2", "Y", "li"),
    ]
)


def test_exclusive_table_treats_uncoded_as_missing() -> None:
    table = agreement_table(
        EXCLUSIVE, segments_frame(), coders=["li", "wang"], mode="exclusive", n_resamples=0
    )
    expected = pd.DataFrame(
        {
            "codes": ["X Y Z"],
            "n_units": [5],
            "n_pairable": [4],
            "n_coded_li": [5],
            "n_coded_wang": [4],
            "percent": [75.0],
            "alpha": [2 / 3],
            "ci_low": [NAN],
            "ci_high": [NAN],
        }
    )
    assert_frame_equal(table, expected, rtol=0, atol=1e-12)
    values = [[0, 1, 0, 2, 1], [0, 2, NAN, 2, 1]]
    assert table.at[0, "alpha"] == pytest.approx(krippendorff_alpha(values), abs=1e-12)


def test_exclusive_disagreements_one_row_per_code_given() -> None:
    found = disagreements(EXCLUSIVE, segments_frame(), coders=["li", "wang"], mode="exclusive")
    assert found[["segment", "code", "coded_by", "not_coded_by"]].values.tolist() == [
        ["d1/p2", "Y", ["li"], ["wang"]],
        ["d1/p2", "Z", ["wang"], ["li"]],
    ]


def test_exclusive_mode_names_the_segment_a_coder_gave_two_codes() -> None:
    with pytest.raises(AgreementError) as err:
        agreement_table(PRESENCE, segments_frame(), coders=["li", "wang"], mode="exclusive")
    assert str(err.value) == (
        "exclusive mode allows one code of the set per coder and segment, but li gave d1/p2 "
        "A, B. Choose codes that exclude each other with --codes, or use --mode presence"
    )
    table = agreement_table(
        PRESENCE, segments_frame(), coders=["li", "wang"], codes=["A"], mode="exclusive"
    )
    assert table.at[0, "codes"] == "A"


def test_unknown_coder_lists_the_known_ones() -> None:
    with pytest.raises(AgreementError) as err:
        agreement_table(PRESENCE, segments_frame(), coders=["li", "zhang"])
    assert str(err.value) == (
        "unknown coder 'zhang': no codings by that name; known coders: li, wang"
    )


def test_fewer_than_two_coders() -> None:
    with pytest.raises(AgreementError) as err:
        agreement_table(PRESENCE, segments_frame(), coders=["li", "li"])
    assert str(err.value) == (
        "agreement needs at least two coders, got 1 (li); name them with --coders A B"
    )


def test_no_document_coded_by_every_coder() -> None:
    codings = codings_frame([("d1/p1", "A", "li"), ("d2/p1", "A", "wang")])
    with pytest.raises(AgreementError) as err:
        agreement_table(codings, segments_frame(), coders=["li", "wang"])
    assert str(err.value) == (
        "no segments to compare: no document with segments of this unit was coded by every "
        "one of li, wang (only some of them coded: d1, d2); agreement needs documents all "
        "coders coded"
    )

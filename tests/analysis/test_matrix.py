from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from casekit.analysis.matrix import group_indicator, segment_code_matrix
from casekit.errors import CasekitError
from tests.analysis.frames import codings_frame, segments_frame

CODES = ["DIL.SILO", "DIL.STD", "EL.DEPT", "EL.SYS", "STR.STD"]


def test_segment_rows_follow_the_segments_order() -> None:
    m = segment_code_matrix(codings_frame(), segments_frame())
    assert m.codes == CODES
    assert m.rows == [
        "d1/t1", "d1/t2", "d1/t3", "d1/t4", "d2/t1", "d2/t2", "d2/t3", "d3/t1", "d3/t2", "d3/t3",
    ]  # fmt: skip
    assert m.kind == "segment" and m.documents[:4] == ["d1"] * 4
    assert m.X.format == "csr" and m.X.dtype == np.int32
    np.testing.assert_array_equal(
        m.X.toarray(),
        [
            [0, 1, 0, 1, 0],
            [0, 0, 0, 0, 0],
            [0, 1, 0, 1, 1],
            [1, 0, 1, 0, 0],
            [0, 1, 0, 0, 0],
            [1, 0, 1, 0, 0],
            [0, 0, 0, 0, 0],
            [0, 0, 0, 0, 1],
            [0, 0, 1, 1, 0],
            [0, 0, 0, 0, 0],
        ],
    )
    assert m.code_counts() == {
        "DIL.SILO": 2, "DIL.STD": 3, "EL.DEPT": 3, "EL.SYS": 3, "STR.STD": 2,
    }  # fmt: skip


def test_duplicate_codings_count_once_and_explicit_codes_set_columns() -> None:
    codings = codings_frame()
    doubled = pd.concat([codings, codings.assign(coder="wang")], ignore_index=True)
    m = segment_code_matrix(doubled, segments_frame(), codes=["EL.SYS", "NEW", "DIL.STD"])
    assert m.codes == ["EL.SYS", "NEW", "DIL.STD"]
    assert set(m.X.data) == {1}
    np.testing.assert_array_equal(m.X.toarray()[:3], [[1, 0, 1], [0, 0, 0], [1, 0, 1]])


def test_windows_slide_within_documents() -> None:
    m = segment_code_matrix(codings_frame(), segments_frame(), window=3)
    assert m.kind == "window" and m.window == 3
    assert m.rows == ["d1/t1..d1/t3", "d1/t2..d1/t4", "d2/t1..d2/t3", "d3/t1..d3/t3"]
    assert m.documents == ["d1", "d1", "d2", "d3"]
    np.testing.assert_array_equal(
        m.X.toarray(),
        [[0, 1, 0, 1, 1], [1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [0, 0, 1, 1, 1]],
    )


def test_window_longer_than_a_document_is_the_whole_document() -> None:
    m = segment_code_matrix(codings_frame(), segments_frame(), window=4)
    assert m.rows == ["d1/t1..d1/t4", "d2/t1..d2/t3", "d3/t1..d3/t3"]


def test_window_of_one_equals_segments() -> None:
    seg = segment_code_matrix(codings_frame(), segments_frame())
    win = segment_code_matrix(codings_frame(), segments_frame(), window=1)
    np.testing.assert_array_equal(seg.X.toarray(), win.X.toarray())
    assert win.rows[0] == "d1/t1..d1/t1"


def test_windows_brute_force_with_interleaved_documents() -> None:
    rng = np.random.default_rng(3)
    docs = rng.choice(["a", "b", "c"], size=40)
    segments = pd.DataFrame(
        {"segment_id": np.arange(40), "segment": [f"s{i}" for i in range(40)], "document": docs}
    )
    dense = (rng.random((40, 6)) < 0.2).astype(int)
    r, c = np.nonzero(dense)
    codings = pd.DataFrame({"segment_id": r, "code": [f"K{j}" for j in c]})
    m = segment_code_matrix(codings, segments, codes=[f"K{j}" for j in range(6)], window=4)
    expected, names = [], []
    for doc in pd.unique(docs):
        idx = np.flatnonzero(docs == doc)
        starts = range(max(len(idx) - 4, 0) + 1)
        for s in starts:
            block = idx[s : s + 4]
            expected.append(dense[block].max(axis=0))
            names.append(f"s{block[0]}..s{block[-1]}")
    np.testing.assert_array_equal(m.X.toarray(), np.array(expected))
    assert m.rows == names


def test_by_document() -> None:
    m = segment_code_matrix(codings_frame(), segments_frame(), by_document=True)
    assert m.kind == "document" and m.rows == ["d1", "d2", "d3"]
    np.testing.assert_array_equal(
        m.X.toarray(), [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [0, 0, 1, 1, 1]]
    )


def test_codings_outside_the_universe_are_left_out() -> None:
    segments = segments_frame()
    m = segment_code_matrix(codings_frame(), segments[segments["document"] == "d2"])
    assert m.rows == ["d2/t1", "d2/t2", "d2/t3"]
    assert m.code_counts() == {
        "DIL.SILO": 1, "DIL.STD": 1, "EL.DEPT": 1, "EL.SYS": 0, "STR.STD": 0,
    }  # fmt: skip


def test_to_frame() -> None:
    frame = segment_code_matrix(codings_frame(), segments_frame(), by_document=True).to_frame()
    assert list(frame.columns) == ["row", "document", *CODES]
    assert frame.iloc[1].tolist() == ["d2", "d2", 1, 1, 1, 0, 0]


def test_group_indicator() -> None:
    G, names = group_indicator(["b", "a", "b", "c"])
    assert names == ["b", "a", "c"]
    np.testing.assert_array_equal(G.toarray(), [[1, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"window": 0}, "the window must be at least 1 segment, not 0"),
        ({"window": 2, "by_document": True}, "choose a window or whole documents, not both"),
        ({"codes": ["A", "A"]}, "codes lists a code twice"),
    ],
)
def test_bad_options(kwargs: dict, message: str) -> None:
    with pytest.raises(CasekitError, match=f"^{message}$"):
        segment_code_matrix(codings_frame(), segments_frame(), **kwargs)


def test_unit_mismatch_and_missing_columns() -> None:
    with pytest.raises(CasekitError) as err:
        segment_code_matrix(codings_frame(unit="paragraph"), segments_frame(unit="turn"))
    assert str(err.value) == (
        "codings are viewed at unit paragraph but the segments are turn; "
        "call codings_frame(..., unit=...) with the same unit"
    )
    with pytest.raises(CasekitError) as err:
        segment_code_matrix(codings_frame().drop(columns="code"), segments_frame())
    assert str(err.value) == (
        "codings has no column 'code'; build it with casekit.selection.codings_frame"
    )

"""Which segment an imported span attaches to."""

from __future__ import annotations

from casekit.refi.placement import SegmentIndex

INDEX = SegmentIndex(
    {
        "turn": [(3, 20, 1), (25, 60, 2)],
        "paragraph": [(0, 20, 1), (22, 60, 2)],
        "sentence": [(0, 10, 1), (11, 20, 2), (22, 40, 3), (41, 60, 4)],
    },
    "turn",
)


def test_the_coding_unit_first() -> None:
    assert INDEX.place(30, 35) == ("turn", 2)


def test_the_smallest_other_unit_holding_the_span() -> None:
    assert INDEX.place(0, 5) == ("sentence", 1)  # before the first turn's text
    assert INDEX.place(22, 24) == ("sentence", 3)


def test_across_segments_the_first_overlapped() -> None:
    assert INDEX.place(15, 30) == ("turn", 1)


def test_between_segments_the_nearest() -> None:
    assert INDEX.place(21, 21) == ("turn", 1)
    assert INDEX.place(61, 62) == ("turn", 2)

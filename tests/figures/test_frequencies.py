"""Frequency bars: the right counts, per family, in family order; panels per group."""

from __future__ import annotations

import pandas as pd
import pytest

from casekit.analysis.frequencies import code_frequencies
from casekit.errors import CasekitError
from casekit.figures.frequencies import plot_code_frequencies, plot_frequencies_by_group
from casekit.figures.save import figure_bytes
from tests.figures.conftest import assert_sane_png


def test_bars_count_segments_grouped_by_family(tables) -> None:
    codings, segments, codes = tables
    result = plot_code_frequencies(
        code_frequencies(codings, segments), codes, top=None, unit="turn"
    )
    expected = pd.DataFrame(
        {
            "position": [1, 2, 3, 4, 5, 6],
            "code": ["E.A", "E.B", "D.X", "D.Y", "S.P", "S.Q"],
            "label": [
                "Platform",
                "Systems",
                "Data quality",
                "No incentive",
                "Assessment",
                "Standards",
            ],
            "family": ["element", "element", "dilemma", "dilemma", "strategy", "strategy"],
            "segments": [7, 2, 5, 2, 4, 1],
            "documents": [4, 2, 4, 2, 4, 1],
            "share": [7 / 12, 2 / 12, 5 / 12, 2 / 12, 4 / 12, 1 / 12],
        }
    )
    pd.testing.assert_frame_equal(result.data, expected)
    assert result.caption == (
        "Code frequencies by family: all 6 coded codes; each bar counts the turns carrying the code."
    )
    assert_sane_png(figure_bytes(result.figure, "png"))


def test_top_applies_per_family_and_context_joins_the_caption(tables) -> None:
    codings, segments, codes = tables
    result = plot_code_frequencies(
        code_frequencies(codings, segments), codes, top=1, context="Automatic codings."
    )
    assert result.data["code"].tolist() == ["E.A", "D.X", "S.P"]
    assert result.caption.endswith(
        "the 1 most frequent codes of each family (3 of 6 coded codes); each bar counts the "
        "segments carrying the code. Automatic codings."
    )


def test_chinese_labels_come_from_name_zh(tables, chinese) -> None:
    codings, segments, codes = tables
    result = plot_code_frequencies(
        code_frequencies(codings, segments), codes, top=1, language=chinese
    )
    assert result.data["label"].tolist() == ["平台", "数据质量", "考核"]


def test_nothing_coded_is_a_clear_error(tables) -> None:
    codings, segments, codes = tables
    with pytest.raises(CasekitError, match="nothing to draw for the code frequencies"):
        plot_code_frequencies(code_frequencies(codings.iloc[:0], segments), codes)


def test_panels_show_shares_per_group(tables) -> None:
    codings, segments, codes = tables
    categories = codings.assign(code=codings["category"])
    frequencies = code_frequencies(categories, segments, by="doc_type")
    result = plot_frequencies_by_group(frequencies, codes, by="doc_type", max_groups=2)
    data = result.data
    # interview (6 segments: d1, d2) has the most coded segments, then notice (d4), then policy.
    assert data.drop_duplicates("panel")["group"].tolist() == ["interview", "notice"]
    interview = data[data["group"] == "interview"].set_index("code")
    assert interview.loc["E", "segments"] == 5
    assert interview.loc["E", "share"] == pytest.approx(5 / 6)
    assert interview.loc["D", "share"] == pytest.approx(4 / 6)
    assert data.drop_duplicates("code")["code"].tolist() == ["E", "D", "S"]
    assert result.caption == (
        "Share of segments carrying each of 3 codes, by doc_type (the 2 largest of 3); "
        "bars coloured by code family."
    )
    assert_sane_png(figure_bytes(result.figure, "png"))

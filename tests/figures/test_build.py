"""Building every figure: files, captions, byte-identical reruns, the CJK fallback."""

from __future__ import annotations

import hashlib

import pytest

from casekit.errors import CasekitError
from casekit.figures import style
from casekit.figures.build import (
    FIGURES,
    FigureOptions,
    build_figures,
    figure_data_from_frames,
    render_figures,
)
from casekit.figures.catalog import FIGURE_NAMES


@pytest.fixture
def data(tables):
    codings, segments, codes = tables
    return figure_data_from_frames(codings, segments, codes, unit="turn", source="auto")


def _hashes(build) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in build.files}


# Twelve segments make no pair significant at .05; a loose threshold keeps network edges.
LOOSE = FigureOptions(lang="en", significance=0.5)


def test_every_figure_is_written_in_every_format_with_a_caption(data, tmp_path) -> None:
    build = build_figures(data, tmp_path / "a", options=LOOSE)
    assert [o.name for o in build.outputs] == list(FIGURE_NAMES) == list(FIGURES)
    assert sorted(p.name for p in build.files) == sorted(
        f"{name}.{ext}" for name in FIGURE_NAMES for ext in ("pdf", "svg", "png")
    )
    assert build.warnings == [] and build.lang == "en"
    for output in build.outputs:
        assert output.caption.endswith(
            "Automatic codings (rules); unit: turn; 12 turns in 4 documents."
        ), output.name
        assert not output.data.empty


def test_two_builds_give_identical_files(data, tmp_path) -> None:
    first = build_figures(data, tmp_path / "a", options=LOOSE)
    second = build_figures(data, tmp_path / "b", options=LOOSE)
    assert _hashes(first) == _hashes(second)
    assert len(_hashes(first)) == 24


def test_chosen_figures_and_formats_only(data, tmp_path) -> None:
    build = build_figures(
        data,
        tmp_path,
        names=["code-network", "code-frequencies"],
        options=FigureOptions(lang="en", formats=("png",), significance=0.5),
    )
    assert [p.name for p in build.files] == ["code-frequencies.png", "code-network.png"]


def test_unknown_figure_names_are_listed(data, tmp_path) -> None:
    with pytest.raises(
        CasekitError, match="unknown figure\\(s\\): nope; choose from: code-frequencies"
    ):
        build_figures(data, tmp_path, names=["nope"])


def test_a_figure_that_cannot_be_drawn_is_skipped_with_a_warning(tables) -> None:
    codings, segments, codes = tables
    no_dilemmas = codings[codings["family"] != "dilemma"]
    data = figure_data_from_frames(no_dilemmas, segments, codes, unit="turn")
    results, _, warnings = render_figures(data, options=LOOSE)
    assert "dilemma-patterns" not in [name for name, _ in results]
    assert (
        "figure dilemma-patterns not drawn: nothing to draw for the dilemma patterns: the "
        "selection has no matching codings; run 'casekit autocode' or code some segments, "
        "or widen --source/--coder"
    ) in warnings
    assert "code-frequencies" in [name for name, _ in results]
    with pytest.raises(CasekitError, match="^figure dilemma-patterns: nothing to draw"):
        render_figures(data, names=["dilemma-patterns"], options=FigureOptions(lang="en"))


def test_without_a_cjk_font_labels_fall_back_to_english(data, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(style, "find_cjk_font", lambda: None)
    build = build_figures(
        data,
        tmp_path,
        names=["code-frequencies"],
        options=FigureOptions(lang="zh", formats=("svg",)),
    )
    assert build.lang == "en"
    assert len(build.warnings) == 1 and build.warnings[0].startswith("no CJK font found")
    (output,) = build.outputs
    assert output.data["label"].tolist()[:2] == ["Platform", "Systems"]


def test_options_come_from_the_config() -> None:
    config = {
        "project": {"seed": 7},
        "analysis": {"measure": "dice", "alpha": 0.01, "top": 2, "unit": "turn"},
        "figures": {"formats": ["pdf"], "lang": "en", "dpi": 150, "other": 1},
    }
    options = FigureOptions.from_config(config, lang="zh", formats=None)
    assert (options.seed, options.measure, options.significance, options.partners) == (
        7,
        "dice",
        0.01,
        2,
    )
    assert (options.formats, options.dpi, options.lang) == (("pdf",), 150, "zh")


def test_chinese_labels_render_with_the_cjk_font(data, chinese, tmp_path) -> None:
    from matplotlib import font_manager

    results, language, warnings = render_figures(
        data, names=["code-frequencies"], options=FigureOptions(lang="zh")
    )
    assert warnings == [] and language == chinese
    (_, result) = results[0]
    labels = result.figure.axes[0].get_yticklabels()
    assert [t.get_text() for t in labels][:2] == ["平台", "系统"]
    prop = labels[0].get_fontproperties()
    assert prop.get_family()[0] == chinese.font.name
    assert font_manager.findfont(prop) == chinese.font.path
    build = build_figures(
        data,
        tmp_path,
        names=["code-frequencies"],
        options=FigureOptions(lang="zh", formats=("pdf",)),
    )
    pdf = build.files[0].read_bytes()
    assert chinese.font.name.replace(" ", "").encode()[:8] in pdf.replace(b" ", b"")
    assert (b"/FontFile2" in pdf) == chinese.font.truetype
    assert (b"/Type3" in pdf) == (not chinese.font.truetype)

"""Deterministic saving: identical bytes twice, no dates or versions, sane PNGs."""

from __future__ import annotations

import os

import pytest

from casekit.analysis.frequencies import code_frequencies
from casekit.errors import CasekitError
from casekit.figures.frequencies import plot_code_frequencies
from casekit.figures.save import figure_bytes, parse_formats, save_figure
from tests.figures.conftest import assert_sane_png


def _figure(tables):
    codings, segments, codes = tables
    return plot_code_frequencies(code_frequencies(codings, segments), codes).figure


@pytest.mark.parametrize("fmt", ["pdf", "svg", "png"])
def test_two_saves_and_two_drawings_give_identical_bytes(tables, fmt) -> None:
    first = _figure(tables)
    assert figure_bytes(first, fmt) == figure_bytes(first, fmt)
    assert figure_bytes(first, fmt) == figure_bytes(_figure(tables), fmt)


def test_no_timestamps_or_library_versions_inside(tables) -> None:
    fig = _figure(tables)
    pdf = figure_bytes(fig, "pdf")
    svg = figure_bytes(fig, "svg").decode("utf-8")
    png = figure_bytes(fig, "png")
    assert b"/CreationDate" not in pdf
    assert b"/Producer (casekit)" in pdf
    assert b"Matplotlib" not in pdf and b"matplotlib" not in pdf
    assert "<dc:date>" not in svg
    assert "Matplotlib" not in svg
    assert b"Matplotlib" not in png
    assert b"casekit" in png


def test_pdf_embeds_truetype_fonts(tables) -> None:
    pdf = figure_bytes(_figure(tables), "pdf")
    assert b"/FontFile2" in pdf
    assert b"/Type3" not in pdf


def test_save_writes_each_format_and_png_is_sane(tables, tmp_path) -> None:
    files = save_figure(_figure(tables), tmp_path / "figs" / "freq.v1")
    assert [p.name for p in files] == ["freq.v1.pdf", "freq.v1.svg", "freq.v1.png"]
    assert files[0].read_bytes().startswith(b"%PDF-")
    assert files[1].read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert_sane_png(files[2].read_bytes())


def test_unchanged_files_are_not_rewritten(tables, tmp_path) -> None:
    (path,) = save_figure(_figure(tables), tmp_path / "freq", ["png"])
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    save_figure(_figure(tables), tmp_path / "freq", ["png"])
    assert path.stat().st_mtime_ns == 1_000_000_000


def test_parse_formats() -> None:
    assert parse_formats("pdf, PNG,pdf") == ("pdf", "png")
    assert parse_formats(["svg"]) == ("svg",)
    with pytest.raises(
        CasekitError, match="unknown figure format 'jpg'; choose from: pdf, svg, png"
    ):
        parse_formats("pdf,jpg")
    with pytest.raises(CasekitError, match="no figure format given"):
        parse_formats(" , ")

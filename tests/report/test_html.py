"""The report's content: sections, figures, tables, patterns, documents, escaping."""

from __future__ import annotations

import re

import pytest

from casekit.analysis.frequencies import code_frequencies
from casekit.errors import CasekitError
from casekit.figures.build import FigureOptions, build_figures
from casekit.report.html import ReportFigure, build_report, figures_from_build
from tests.report.conftest import OPTIONS

SVG = '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><g id="a"/></svg>'


def test_every_section_and_figure_is_there(html, written) -> None:
    for key in ("summary", "codebook", "figures", "tables", "patterns", "documents"):
        assert f'<section class="part" id="{key}">' in html
    figures = re.findall(r'<figure class="fig" id="fig-([a-z-]+)"', html)
    assert figures == [
        "code-frequencies",
        "frequencies-by-group",
        "cooccurrence-heatmap",
        "code-network",
        "dilemma-patterns",
        "attribute-residuals",
        "code-dendrogram",
        "correspondence-map",
    ]
    assert html.count('<svg class="figure-svg"') == 8
    assert written.n_figures == 8 and written.n_documents == 6 and written.warnings == []


def test_self_contained(html) -> None:
    assert "<link" not in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "@import" not in html and "url(http" not in html
    assert html.count("<script>") == 1


def test_transcript_markup_shows_as_text(html) -> None:
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "figures &lt;test&gt; study" in html


def test_documents_have_their_coded_spans(html, report_data) -> None:
    assert html.count('<section class="doc"') == 6
    spans = report_data.spans
    n_doc = spans[spans["document"] == "gz-county-01"]
    section = html.split('data-doc="gz-county-01"')[1].split("</section>")[0]
    for code in set(n_doc["code"]):
        assert f'data-codes="{code}' in section or f" {code}" in section
    options = re.findall(r'<option value="([A-Z_.]+)">', html)
    assert options == ["TECH.PLATFORM", "DIL.DATA_QUALITY", "DIL.NO_INCENTIVE", "STR.ASSESSMENT"]


def test_frequency_table_matches_the_analysis(html, report_data) -> None:
    sel = report_data.selection
    frequencies = code_frequencies(sel.codings, sel.segments)
    table = html.split("<h3>Code frequencies</h3>")[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>([A-Z_.]+)</td>.*?<td class=\"num\">([\d,]+)</td>", table)
    expected = [
        (c, f"{n:,}")
        for c, n in zip(frequencies["code"], frequencies["segments"], strict=True)
        if n
    ]
    assert rows == expected


def test_patterns_quote_with_the_span_marked(html) -> None:
    part = html.split('id="patterns"')[1].split('id="documents"')[0]
    assert "DIL.DATA_QUALITY" in part
    assert part.count("<blockquote>") >= 2
    assert "<mark>" in part and "with elements" in part and "with strategies" in part


def test_same_inputs_same_html(report_data) -> None:
    figures = [ReportFigure("one", "caption <1>", SVG)]
    first = build_report(report_data, figures=figures, options=OPTIONS)
    assert first == build_report(report_data, figures=figures, options=OPTIONS)
    assert "caption &lt;1&gt;" in first
    assert 'id="f1-a"' in first


def test_warnings_are_shown_at_the_top(report_data) -> None:
    html = build_report(report_data, figures=[], options=OPTIONS, warnings=["no <CJK> font"])
    assert '<p class="warning">no &lt;CJK&gt; font</p>' in html
    assert "No figures could be drawn from this selection." in html


def test_figures_from_a_build_are_read_back_from_svg(report_data, tmp_path) -> None:
    options = FigureOptions(lang="en", formats=("svg",))
    build = build_figures(
        report_data.selection, tmp_path, names=["code-frequencies"], options=options
    )
    (figure,) = figures_from_build(build)
    assert figure.name == "code-frequencies"
    assert figure.caption == build.outputs[0].caption
    assert figure.svg == (tmp_path / "code-frequencies.svg").read_text(encoding="utf-8")
    png_only = build_figures(
        report_data.selection,
        tmp_path,
        names=["code-frequencies"],
        options=FigureOptions(lang="en", formats=("png",)),
    )
    with pytest.raises(CasekitError, match="figure code-frequencies has no SVG file to embed"):
        figures_from_build(png_only)

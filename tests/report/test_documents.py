"""Highlighting coded spans in a document's text."""

from __future__ import annotations

from casekit.report.documents import Span, family_class, highlight_text

NAMES = {"A": "Alpha", "B": "Beta <b>"}


def test_spans_become_tagged_pieces_and_overlaps_carry_both_codes() -> None:
    html = highlight_text(
        "0123456789", [Span(2, 6, "A", "element"), Span(4, 8, "B", "dilemma")], NAMES
    )
    assert html == (
        "01"
        '<span class="c f-element" data-codes="A" title="A Alpha">23</span>'
        '<span class="c f-dilemma multi" data-codes="A B" title="A Alpha; B Beta &lt;b&gt;">45</span>'
        '<span class="c f-dilemma" data-codes="B" title="B Beta &lt;b&gt;">67</span>'
        "89"
    )


def test_markup_in_the_text_is_escaped() -> None:
    text = "答：<script>alert(1)</script> & more"
    html = highlight_text(text, [Span(2, 10, "A", "strategy")], NAMES)
    assert "<script>" not in html
    assert html == (
        '答：<span class="c f-strategy" data-codes="A" title="A Alpha">&lt;script&gt;</span>'
        "alert(1)&lt;/script&gt; &amp; more"
    )


def test_empty_and_out_of_range_spans() -> None:
    spans = [Span(3, 3, "A"), Span(-5, 2, "B"), Span(8, 99, "A"), Span(20, 30, "B")]
    assert highlight_text("abcdefghij", spans, {}) == (
        '<span class="c f-none" data-codes="B" title="B">ab</span>cdefgh'
        '<span class="c f-none" data-codes="A" title="A">ij</span>'
    )
    assert highlight_text("", spans, {}) == ""


def test_family_class_is_a_safe_css_name() -> None:
    assert family_class("dilemma") == "f-dilemma"
    assert family_class('x" onmouseover="y') == "f-x-onmouseover-y"
    assert family_class("") == "f-none"

"""Inlining matplotlib SVG into the report."""

from __future__ import annotations

from casekit.report.svg import inline_svg

SVG = """<?xml version="1.0" encoding="utf-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"
  "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns:xlink="http://www.w3.org/1999/xlink" width="100pt" height="50pt" viewBox="0 0 100 50" xmlns="http://www.w3.org/2000/svg" version="1.1">
 <metadata><rdf:RDF><dc:title>casekit</dc:title></rdf:RDF></metadata>
 <defs>
  <style type="text/css">*{stroke-linejoin: round; stroke-linecap: butt}</style>
 </defs>
 <g id="figure_1">
  <!-- a label -->
  <path id="DejaVuSans-41" d="M 0 0"/>
  <use xlink:href="#DejaVuSans-41" clip-path="url(#p1a)"/>
  <clipPath id="p1a"><rect width="1" height="1"/></clipPath>
 </g>
</svg>
"""


def test_prologue_comments_metadata_and_style_go_and_ids_get_a_prefix() -> None:
    out = inline_svg(SVG, "f3", label='Figure "one" <x>')
    assert out.startswith(
        '<svg class="figure-svg" role="img" aria-label="Figure &quot;one&quot; &lt;x&gt;" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 50"'
    )
    for gone in ("<?xml", "DOCTYPE", "<metadata", "<style", "<!--", "a label", 'width="100pt"'):
        assert gone not in out
    assert 'id="f3-figure_1"' in out
    assert 'id="f3-DejaVuSans-41"' in out
    assert 'xlink:href="#f3-DejaVuSans-41"' in out
    assert 'clip-path="url(#f3-p1a)"' in out
    assert out.endswith("</svg>")

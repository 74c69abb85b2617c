"""Print style: sizes, rcParams, font discovery and the English fallback without a CJK font."""

from __future__ import annotations

import pytest

from casekit.errors import CasekitError
from casekit.figures import style
from casekit.figures.style import (
    CJK_FAMILIES,
    CjkFont,
    figure_size,
    find_cjk_font,
    print_rc,
    resolve_language,
)


def test_figure_sizes_are_thesis_widths() -> None:
    assert figure_size("full", 10) == pytest.approx((16 / 2.54, 10 / 2.54))
    assert figure_size("half") == pytest.approx((7.8 / 2.54, 0.62 * 7.8 / 2.54))
    assert figure_size(12.0, 6.0) == pytest.approx((12 / 2.54, 6 / 2.54))


def test_bad_width_says_what_is_allowed() -> None:
    with pytest.raises(CasekitError, match="figure width must be 'full', 'half' or centimetres"):
        figure_size("wide")


def test_print_rc_embeds_truetype_and_fixes_svg_ids() -> None:
    rc = print_rc()
    assert rc["pdf.fonttype"] == 42
    assert rc["svg.hashsalt"] == "casekit"
    assert rc["font.size"] == 8.0
    assert rc["font.family"] == ["DejaVu Sans"]
    cjk = print_rc(CjkFont("WenQuanYi Zen Hei", "/x.ttc"))
    assert cjk["font.family"] == ["WenQuanYi Zen Hei", "DejaVu Sans"]
    assert cjk["pdf.fonttype"] == 42


def test_cff_outline_fonts_go_into_pdf_as_type3() -> None:
    assert print_rc(CjkFont("Noto Sans CJK SC", "/x.ttc", truetype=False))["pdf.fonttype"] == 3


def test_english_needs_no_font() -> None:
    assert resolve_language("en") == style.LabelLanguage("en")


def test_chinese_without_cjk_font_falls_back_to_english_with_a_warning(monkeypatch) -> None:
    monkeypatch.setattr(style, "find_cjk_font", lambda: None)
    language = resolve_language("zh")
    assert language.lang == "en"
    assert language.font is None
    assert len(language.warnings) == 1
    assert language.warnings[0].startswith("no CJK font found")
    assert "apt install fonts-noto-cjk" in language.warnings[0]


def test_chinese_with_a_font_keeps_chinese(monkeypatch) -> None:
    font = CjkFont("WenQuanYi Zen Hei", "/usr/share/fonts/wqy.ttc")
    monkeypatch.setattr(style, "find_cjk_font", lambda: font)
    assert resolve_language("zh") == style.LabelLanguage("zh", font=font)


def test_unknown_language_is_an_error() -> None:
    with pytest.raises(CasekitError, match="unknown label language 'fr'; choose one of: zh, en"):
        resolve_language("fr")


def test_installed_cjk_font_is_one_we_look_for(chinese) -> None:
    font = find_cjk_font()
    assert font is not None and font.name in CJK_FAMILIES
    assert font == chinese.font

"""The print style of every thesis figure: sizes, fonts (with CJK discovery) and rcParams."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from casekit.errors import CasekitError

__all__ = [
    "BASE_FONT",
    "CJK_FAMILIES",
    "FULL_WIDTH_CM",
    "HALF_WIDTH_CM",
    "LANGUAGES",
    "CjkFont",
    "LabelLanguage",
    "Width",
    "figure_size",
    "find_cjk_font",
    "print_rc",
    "print_style",
    "resolve_language",
]

# An A4 thesis page: the text block is about 16 cm wide; two figures side by side get 7.8 cm.
FULL_WIDTH_CM = 16.0
HALF_WIDTH_CM = 7.8
CM_PER_INCH = 2.54

LANGUAGES = ("zh", "en")
Width = Literal["full", "half"] | float

# Latin text uses the font matplotlib ships, so English figures look the same on every machine.
BASE_FONT = "DejaVu Sans"

# CJK families to look for, best first: sans-serif Simplified Chinese faces before others.
CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "Source Han Sans",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Sarasa Gothic SC",
    "Droid Sans Fallback",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "AR PL UMing CN",
)
# Font files worth registering when matplotlib's font cache predates the font's installation.
_CJK_FILE_PATTERN = re.compile(
    r"(notosanscjk|notosanssc|sourcehansans|wqy|wenquanyi|sarasa|droidsansfallback|msyh|simhei|"
    r"pingfang|hiragino|notoserifcjk|sourcehanserif|uming)",
    re.IGNORECASE,
)
# A character every Chinese label font must have.
_PROBE_CHAR = "数"


@dataclass(frozen=True)
class CjkFont:
    """An installed font that can draw Chinese labels.

    ``truetype`` is False for fonts with CFF (PostScript) outlines, such as Noto Sans CJK and
    Source Han Sans: PDF cannot embed those as TrueType (Type 42), so their glyphs go into
    the PDF as a Type 3 subset instead.
    """

    name: str
    path: str
    truetype: bool = True


@dataclass(frozen=True)
class LabelLanguage:
    """The language figure labels are drawn in, the CJK font (for ``zh``) and any warnings."""

    lang: str
    font: CjkFont | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)


def _has_truetype_outlines(path: str) -> bool:
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path, fontNumber=0, lazy=True) as font:
            return "glyf" in font
    except Exception:  # any unreadable font simply does not qualify
        return False


def _covers_chinese(path: str) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        return FT2Font(path).get_char_index(ord(_PROBE_CHAR)) != 0
    except (OSError, RuntimeError, ValueError):
        return False


@functools.lru_cache(maxsize=1)
def _discover_cjk_font() -> CjkFont | None:
    from matplotlib import font_manager

    def lookup() -> CjkFont | None:
        by_name: dict[str, list[str]] = {}
        for entry in font_manager.fontManager.ttflist:
            by_name.setdefault(entry.name, []).append(entry.fname)
        candidates: list[CjkFont] = []
        for family in CJK_FAMILIES:
            # Prefer the regular weight file; sorted so the choice does not depend on scan order.
            paths = sorted(by_name.get(family, []), key=lambda p: ("Bold" in p, "Light" in p, p))
            for path in paths:
                if _covers_chinese(path):
                    candidates.append(CjkFont(family, path, _has_truetype_outlines(path)))
                    break
        # TrueType outlines first: only they embed in PDF as Type 42.
        return next((f for f in candidates if f.truetype), candidates[0] if candidates else None)

    found = lookup()
    if found is not None:
        return found
    # The cache may be older than the font: register candidate files, then look again.
    for path in sorted(font_manager.findSystemFonts()):
        if _CJK_FILE_PATTERN.search(Path(path).name):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
    return lookup()


def find_cjk_font() -> CjkFont | None:
    """The best installed font for Chinese labels, or None when there is none.

    Looks for the families in ``CJK_FAMILIES`` (Noto Sans CJK, Source Han Sans, WenQuanYi ...)
    among matplotlib's fonts, registering system font files matplotlib's cache does not know
    yet. A font with TrueType outlines is preferred, because only those embed in PDF as
    Type 42; otherwise the first family found in ``CJK_FAMILIES`` order. The result is cached
    for the process.
    """
    return _discover_cjk_font()


def resolve_language(lang: str) -> LabelLanguage:
    """Decide the label language: ``zh`` needs a CJK font, otherwise labels fall back to English.

    Raises
    ------
    CasekitError
        When ``lang`` is not ``zh`` or ``en``.
    """
    if lang not in LANGUAGES:
        raise CasekitError(
            f"unknown label language '{lang}'; choose one of: {', '.join(LANGUAGES)}"
        )
    if lang == "en":
        return LabelLanguage("en")
    font = find_cjk_font()
    if font is None:
        return LabelLanguage(
            "en",
            warnings=(
                "no CJK font found (looked for Noto Sans CJK, Source Han Sans, WenQuanYi and "
                "others), so figure labels are in English; install one (Debian/Ubuntu: "
                "'apt install fonts-noto-cjk') and rebuild with --lang zh",
            ),
        )
    return LabelLanguage("zh", font=font)


def figure_size(width: Width = "full", height_cm: float | None = None) -> tuple[float, float]:
    """``(width, height)`` in inches for a thesis page.

    Parameters
    ----------
    width
        ``"full"`` (16 cm), ``"half"`` (7.8 cm) or a width in centimetres.
    height_cm
        Height in centimetres; default: 0.62 of the width.
    """
    if width == "full":
        width_cm = FULL_WIDTH_CM
    elif width == "half":
        width_cm = HALF_WIDTH_CM
    elif isinstance(width, int | float) and width > 0:
        width_cm = float(width)
    else:
        raise CasekitError(f"figure width must be 'full', 'half' or centimetres > 0, not {width!r}")
    if height_cm is None:
        height_cm = 0.62 * width_cm
    return width_cm / CM_PER_INCH, height_cm / CM_PER_INCH


def print_rc(font: CjkFont | None = None) -> dict[str, Any]:
    """rcParams of the print style: 8 pt text, thin lines, embedded TrueType, fixed SVG ids.

    With ``font`` its family comes first, so Chinese glyphs come from it; Latin glyphs fall
    back to ``BASE_FONT`` only when the CJK font lacks them. PDF fonts are Type 42 (TrueType)
    unless ``font`` has CFF outlines (see :class:`CjkFont`).
    """
    families = [font.name, BASE_FONT] if font is not None else [BASE_FONT]
    # CFF-outline CJK fonts cannot be Type 42 (matplotlib issue 20870): Type 3 keeps PDFs valid.
    fonttype = 42 if font is None or font.truetype else 3
    return {
        # Concrete family names, not the generic "sans-serif": each text then keeps its fonts
        # even when drawn outside this style.
        "font.family": families,
        "font.sans-serif": families,
        "font.size": 8.0,
        "axes.titlesize": 9.0,
        "axes.titleweight": "bold",
        "axes.labelsize": 8.0,
        "xtick.labelsize": 8.0,
        "ytick.labelsize": 8.0,
        "legend.fontsize": 7.5,
        "legend.title_fontsize": 8.0,
        "legend.frameon": False,
        "axes.linewidth": 0.6,
        "axes.edgecolor": "#333333",
        "axes.labelcolor": "#222222",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": False,
        "axes.unicode_minus": True,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "xtick.major.size": 2.5,
        "ytick.major.size": 2.5,
        "xtick.color": "#333333",
        "ytick.color": "#333333",
        "lines.linewidth": 1.0,
        "patch.linewidth": 0.0,
        "hatch.linewidth": 0.5,
        "figure.dpi": 100,
        "savefig.dpi": 300,
        "savefig.facecolor": "white",
        "figure.facecolor": "white",
        "image.cmap": "Greys",
        # Fonts are embedded as TrueType (Type 42), so text stays text and editable in PDF.
        "pdf.fonttype": fonttype,
        "ps.fonttype": fonttype,
        "pdf.compression": 6,
        # SVG glyphs as paths (no font needed to view) with ids from a fixed salt.
        "svg.fonttype": "path",
        "svg.hashsalt": "casekit",
        "text.color": "#222222",
    }


@contextmanager
def print_style(font: CjkFont | None = None) -> Iterator[None]:
    """Apply :func:`print_rc` for the duration of the block (figure creation and saving)."""
    import matplotlib

    rc: Any = print_rc(font)  # matplotlib types rc keys as literals; these are all valid
    with matplotlib.rc_context(rc):
        yield

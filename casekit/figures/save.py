"""Saving figures so the same figure gives the same bytes: no dates, no versions, fixed ids."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from casekit.errors import CasekitError
from casekit.figures.style import CjkFont, print_style

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["FORMATS", "PNG_DPI", "figure_bytes", "parse_formats", "save_figure"]

FORMATS: tuple[str, ...] = ("pdf", "svg", "png")
PNG_DPI = 300

# Metadata that would change between runs or versions is removed or fixed.
_METADATA: dict[str, dict[str, str | None]] = {
    "pdf": {"Creator": "casekit", "Producer": "casekit", "CreationDate": None},
    "svg": {"Creator": "casekit", "Date": None},
    "png": {"Software": "casekit"},
}


def parse_formats(formats: str | Sequence[str]) -> tuple[str, ...]:
    """``"pdf,svg"`` or ``["pdf", "svg"]`` -> ``("pdf", "svg")``, checked, duplicates removed.

    Raises
    ------
    CasekitError
        For an unknown format or an empty list.
    """
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    out: list[str] = []
    for item in (i.strip().lower().lstrip(".") for i in items):
        if not item:
            continue
        if item not in FORMATS:
            raise CasekitError(f"unknown figure format '{item}'; choose from: {', '.join(FORMATS)}")
        if item not in out:
            out.append(item)
    if not out:
        raise CasekitError(f"no figure format given; choose from: {', '.join(FORMATS)}")
    return tuple(out)


def figure_bytes(
    fig: Figure, fmt: str, *, font: CjkFont | None = None, dpi: int = PNG_DPI
) -> bytes:
    """The figure encoded as ``fmt`` (``pdf``, ``svg`` or ``png``), reproducibly."""
    (fmt,) = parse_formats([fmt])
    buf = io.BytesIO()
    with print_style(font):
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=_METADATA[fmt])
    return buf.getvalue()


def save_figure(
    fig: Figure,
    stem: str | Path,
    formats: Sequence[str] = FORMATS,
    *,
    font: CjkFont | None = None,
    dpi: int = PNG_DPI,
) -> list[Path]:
    """Write ``stem.pdf``, ``stem.svg``, ``stem.png`` (the chosen ``formats``) and return the paths.

    Two saves of the same figure give identical bytes. A file whose bytes would not change is
    left untouched, so its modification time says when it last really changed.

    Parameters
    ----------
    fig
        The figure.
    stem
        Output path without extension (``outputs/figures/code-network``).
    formats
        Any of ``FORMATS``.
    font
        The CJK font the figure was drawn with (:class:`casekit.figures.style.CjkFont`).
    dpi
        Resolution of PNG files.
    """
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in parse_formats(formats):
        path = stem.parent / f"{stem.name}.{fmt}"
        data = figure_bytes(fig, fmt, font=font, dpi=dpi)
        if not path.is_file() or path.read_bytes() != data:
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
        written.append(path)
    return written

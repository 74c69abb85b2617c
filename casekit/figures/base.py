"""What every figure function returns, and the pieces figures share (canvas, family legend)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from casekit.errors import CasekitError
from casekit.figures.labels import family_label, family_rank, family_shade
from casekit.figures.style import LabelLanguage, Width, figure_size

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "ENGLISH",
    "FAMILY_MARKERS",
    "FigureResult",
    "family_handles",
    "family_marker",
    "finish_figure",
    "format_count",
    "join_caption",
    "new_figure",
    "require_rows",
]

ENGLISH = LabelLanguage("en")

# A marker shape per family, so families stay apart in greyscale print as well as by colour.
FAMILY_MARKERS: dict[str, str] = {"element": "o", "dilemma": "D", "strategy": "s", "mechanism": "^"}


def family_marker(family: str) -> str:
    """The marker shape of a family (``"o"`` for user-defined ones)."""
    return FAMILY_MARKERS.get(family, "o")


class FigureResult(NamedTuple):
    """A drawn figure, the table it was drawn from, and a one-line caption.

    Unpacks as ``figure, data, caption``. ``data`` holds exactly what is plotted (one row per
    bar, cell, node or point), so tests and readers can check the figure against it.
    """

    figure: Figure
    data: pd.DataFrame
    caption: str


def new_figure(width: Width = "full", height_cm: float | None = None) -> Figure:
    """A figure of thesis size with constrained layout; call inside ``print_style``.

    ``matplotlib.figure.Figure`` is used directly (not pyplot), so nothing global is kept
    and figures need no closing.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figure_size(width, height_cm), layout="constrained")
    # An Agg canvas gives a renderer for measuring text before saving (label placement).
    FigureCanvasAgg(fig)
    return fig


def finish_figure(fig: Figure) -> Figure:
    """Lay the figure out once while the print style is active (ticks are created lazily)."""
    fig.draw_without_rendering()
    return fig


def family_handles(
    families: Iterable[str], lang: str, *, markers: bool = False, markersize: float = 5.0
) -> list[Any]:
    """Legend handles, one per family present, in family order and colour.

    With ``markers`` each handle is the family's marker shape (for point figures), otherwise
    a colour patch (for bars and cells).
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = []
    for family in sorted(set(families), key=family_rank):
        label = family_label(family, lang)
        if markers:
            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker=family_marker(family),
                    markersize=markersize,
                    markerfacecolor=family_shade(family),
                    markeredgecolor="#333333",
                    markeredgewidth=0.4,
                    label=label,
                )
            )
        else:
            handles.append(Patch(facecolor=family_shade(family), label=label))
    return handles


def require_rows(frame: pd.DataFrame, what: str) -> None:
    """Raise a clear error instead of drawing an empty figure."""
    if frame.empty:
        raise CasekitError(
            f"nothing to draw for the {what}: the selection has no matching codings; "
            "run 'casekit autocode' or code some segments, or widen --source/--coder"
        )


def format_count(n: int) -> str:
    """``1,204``."""
    return f"{int(n):,}"


def join_caption(caption: str, context: str) -> str:
    """The figure's own caption followed by the selection it was drawn from."""
    return f"{caption} {context}".strip() if context else caption

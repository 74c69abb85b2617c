"""The code x document-attribute matrix: adjusted residuals, printed in every cell."""

from __future__ import annotations

import numpy as np
import pandas as pd

from casekit.figures.base import (
    ENGLISH,
    FigureResult,
    finish_figure,
    join_caption,
    new_figure,
    require_rows,
)
from casekit.figures.labels import (
    code_families,
    code_labels,
    family_rank,
    family_shade,
    text,
    wrap_label,
)
from casekit.figures.style import LabelLanguage, Width, print_style

__all__ = ["ATTRIBUTE_COLUMNS", "RESIDUAL_LIMIT", "plot_attribute_residuals"]

ATTRIBUTE_COLUMNS = [
    "row",
    "col",
    "code",
    "label",
    "family",
    "value",
    "observed",
    "expected",
    "residual",
    "low_expected",
]
# Colours saturate at ±4: beyond that every cell is far from independence anyway.
RESIDUAL_LIMIT = 4.0
_ROW_CM = 0.42


def plot_attribute_residuals(
    crosstab,
    codes_meta: pd.DataFrame,
    *,
    critical: float = 1.96,
    language: LabelLanguage = ENGLISH,
    width: Width = "full",
    context: str = "",
) -> FigureResult:
    """Codes (rows) x values of a document attribute (columns), cells = adjusted residuals.

    Blue cells hold fewer segments than independence predicts, red ones more; the signed
    residual is printed in each cell (bold beyond ``±critical``), so the figure reads the
    same in greyscale. Rows are grouped by family, then ordered by code.

    Parameters
    ----------
    crosstab
        :class:`casekit.analysis.crosstab.CrosstabResult` from ``code_crosstab``.
    codes_meta
        ``codes_frame``: names and families of the row codes.
    critical
        Residuals beyond this are printed bold (1.96: the 5 % level, not corrected).

    Returns
    -------
    FigureResult
        ``data`` columns ``row, col, code, label, family, value, observed, expected, residual,
        low_expected``: one row per cell, ``row``/``col`` 1-based from the top left.
    """
    cells = crosstab.cells()
    require_rows(cells, "code x attribute matrix")
    row_name = crosstab.observed.index.name or "row"
    col_name = crosstab.observed.columns.name or "column"
    lang = language.lang
    codes = [str(c) for c in crosstab.observed.index]
    families = code_families(codes, codes_meta)
    codes = sorted(codes, key=lambda c: (family_rank(families[c]), c))
    values = [str(v) for v in crosstab.observed.columns]
    labels = code_labels(codes, codes_meta, lang)
    row_of = {c: i + 1 for i, c in enumerate(codes)}
    col_of = {v: j + 1 for j, v in enumerate(values)}
    data = pd.DataFrame(
        {
            "row": cells[row_name].astype(str).map(row_of).astype(np.int64),
            "col": cells[col_name].astype(str).map(col_of).astype(np.int64),
            "code": cells[row_name].astype(str),
            "label": cells[row_name].astype(str).map(labels),
            "family": cells[row_name].astype(str).map(families),
            "value": cells[col_name].astype(str),
            "observed": cells["observed"].astype(np.int64),
            "expected": cells["expected"].astype(float),
            "residual": cells["residual"].astype(float),
            "low_expected": cells["low_expected"].astype(bool),
        },
        columns=ATTRIBUTE_COLUMNS,
    )
    data = data.sort_values(["row", "col"], ignore_index=True)
    n_rows, n_cols = len(codes), len(values)
    grid = np.full((n_rows, n_cols), np.nan)
    grid[data["row"] - 1, data["col"] - 1] = data["residual"]
    with print_style(language.font):
        fig = new_figure(width, 3.2 + _ROW_CM * n_rows)
        ax = fig.add_subplot()
        image = ax.imshow(
            np.clip(grid, -RESIDUAL_LIMIT, RESIDUAL_LIMIT),
            cmap=_diverging(),
            vmin=-RESIDUAL_LIMIT,
            vmax=RESIDUAL_LIMIT,
            aspect="auto",
            interpolation="nearest",
        )
        for row in data.itertuples(index=False):
            r = float(row.residual)
            ax.text(
                row.col - 1,
                row.row - 1,
                _signed(r),
                ha="center",
                va="center",
                fontsize=7,
                fontweight="bold" if abs(r) >= critical else "normal",
                color="white" if abs(r) >= 3.0 else "#222222",
            )
        ax.set_xticks(range(n_cols), values)
        ax.xaxis.tick_top()
        ax.set_yticks(range(n_rows), [wrap_label(labels[c], 40) for c in codes])
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        strip = ax.inset_axes((-0.012, 0.0, 0.008, 1.0), sharey=ax)
        strip.imshow(
            np.array([[_rgb(family_shade(families[c]))] for c in codes]),
            aspect="auto",
            interpolation="nearest",
        )
        strip.set_axis_off()
        ax.set_yticks(range(n_rows), [wrap_label(labels[c], 40) for c in codes])
        ax.tick_params(axis="y", pad=8)
        bar = fig.colorbar(image, ax=ax, location="bottom", shrink=0.45, aspect=25, pad=0.02)
        bar.set_label(text("residual", lang), fontsize=8)
        bar.outline.set_linewidth(0.4)
        bar.ax.tick_params(labelsize=7, length=2)
        finish_figure(fig)
    n_low = int(data["low_expected"].sum())
    low = f"; {n_low} of {len(data)} cells expect fewer than 5" if n_low else ""
    caption = (
        f"{_plural(row_name)} x {col_name}: adjusted standardised residuals of segment "
        f"counts (chi2 = {crosstab.chi2:.1f}, df = {crosstab.dof}, {_p(crosstab.p_value)}"
        f"{low}); bold where |r| >= {critical:g}."
    )
    return FigureResult(fig, data, join_caption(caption, context))


def _signed(value: float) -> str:
    if not np.isfinite(value):
        return ""
    if round(value, 1) == 0:
        return "0.0"
    return f"{value:+.1f}".replace("-", "\u2212")


def _p(p: float) -> str:
    return "p < .001" if p < 0.001 else "p = " + f"{p:.3f}".lstrip("0")


def _plural(row_name: str) -> str:
    return {"code": "Codes", "category": "Categories", "family": "Families"}.get(
        row_name, row_name.capitalize()
    )


def _rgb(color: str) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    return to_rgb(color)


def _diverging():
    from matplotlib.colors import LinearSegmentedColormap

    # Paul Tol's blue-white-red: the printed numbers carry the sign in greyscale.
    return LinearSegmentedColormap.from_list(
        "casekit_residuals", ["#2166AC", "#92C5DE", "#F7F7F7", "#F4A582", "#B2182B"]
    )

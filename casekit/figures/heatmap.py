"""The clustered co-occurrence heatmap: codes in dendrogram order, significant pairs marked."""

from __future__ import annotations

import numpy as np
import pandas as pd

from casekit.analysis.inputs import require_columns
from casekit.errors import CasekitError
from casekit.figures.base import (
    ENGLISH,
    FigureResult,
    family_handles,
    finish_figure,
    join_caption,
    new_figure,
)
from casekit.figures.dendrogram import dendrogram_lines
from casekit.figures.labels import code_families, code_labels, family_shade, text, wrap_label
from casekit.figures.style import LabelLanguage, Width, print_style

__all__ = ["HEATMAP_COLUMNS", "HEATMAP_MEASURES", "plot_cooccurrence_heatmap"]

HEATMAP_COLUMNS = ["row", "col", "code_a", "code_b", "value", "count", "q_value", "significant"]
# Measures for which a pair that never meets is 0, so empty cells read as "never together".
HEATMAP_MEASURES = ("count", "jaccard", "dice", "cosine")

_CELL_CM = 0.3


def plot_cooccurrence_heatmap(
    cooc: pd.DataFrame,
    clusters,
    codes_meta: pd.DataFrame,
    *,
    measure: str = "jaccard",
    significance: float = 0.05,
    language: LabelLanguage = ENGLISH,
    width: Width = "full",
    context: str = "",
) -> FigureResult:
    """A code x code matrix of a co-occurrence measure, rows and columns in cluster order.

    Darker cells co-occur more; a dot marks pairs whose Benjamini-Hochberg q-value is below
    ``significance``. The dendrogram of ``clusters`` runs along the left, a strip of family
    colours between the dendrogram and the matrix.

    Parameters
    ----------
    cooc
        :func:`casekit.analysis.cooccurrence.code_cooccurrence` output (q-values over the
        whole table, whichever codes are drawn).
    clusters
        :class:`casekit.analysis.clusters.CodeClusters` of the codes to draw.
    codes_meta
        ``codes_frame``: names and families.
    measure
        One of ``HEATMAP_MEASURES``.
    significance
        Threshold on ``q_value`` for the dot.

    Returns
    -------
    FigureResult
        ``data`` columns ``row, col, code_a, code_b, value, count, q_value, significant``: one
        row per off-diagonal cell (1-based ``row``/``col`` from the top left), pairs that
        never meet with value 0, count 0 and q-value 1.
    """
    if measure not in HEATMAP_MEASURES:
        raise CasekitError(
            f"the heatmap draws one of {', '.join(HEATMAP_MEASURES)}, not '{measure}'"
        )
    require_columns(cooc, ("code_a", "code_b", "count", "q_value", measure), "cooccurrence")
    lang = language.lang
    leaf_axis, distance_axis, leaves = dendrogram_lines(clusters.linkage)
    order = [clusters.codes[i] for i in leaves]
    n = len(order)
    index = {code: i for i, code in enumerate(order)}
    values, counts, q = np.zeros((n, n)), np.zeros((n, n), dtype=np.int64), np.ones((n, n))
    inside = cooc[cooc["code_a"].isin(index) & cooc["code_b"].isin(index)]
    for a, b, v, c, qv in zip(
        inside["code_a"],
        inside["code_b"],
        inside[measure],
        inside["count"],
        inside["q_value"],
        strict=True,
    ):
        i, j = index[a], index[b]
        values[i, j] = values[j, i] = float(v)
        counts[i, j] = counts[j, i] = int(c)
        q[i, j] = q[j, i] = float(qv)
    rows, cols = np.nonzero(~np.eye(n, dtype=bool))
    data = pd.DataFrame(
        {
            "row": rows + 1,
            "col": cols + 1,
            "code_a": [order[i] for i in rows],
            "code_b": [order[j] for j in cols],
            "value": values[rows, cols],
            "count": counts[rows, cols],
            "q_value": q[rows, cols],
            "significant": q[rows, cols] < significance,
        },
        columns=HEATMAP_COLUMNS,
    )
    labels = code_labels(order, codes_meta, lang)
    families = code_families(order, codes_meta)
    shown = np.where(np.eye(n, dtype=bool), np.nan, values)
    side_cm = _CELL_CM * n
    with print_style(language.font):
        fig = new_figure(width, side_cm + 5.5)
        heat_ax = fig.add_subplot()
        # Dendrogram and family strip hang off the matrix's left edge, so they follow its box.
        strip_ax = heat_ax.inset_axes((-0.035, 0.0, 0.025, 1.0), sharey=heat_ax)
        tree_ax = heat_ax.inset_axes((-0.22, 0.0, 0.18, 1.0), sharey=heat_ax)
        vmax = float(np.nanmax(shown)) if n > 1 and np.nanmax(shown) > 0 else 1.0
        image = heat_ax.imshow(
            np.ma.masked_invalid(shown),
            cmap=_greys(),
            vmin=0.0,
            vmax=vmax,
            aspect="equal",
            interpolation="nearest",
        )
        dark = values > 0.55 * vmax
        for fill, mask in (("white", dark), ("black", ~dark)):
            sig = mask & (q < significance) & ~np.eye(n, dtype=bool)
            ys, xs = np.nonzero(sig)
            heat_ax.scatter(xs, ys, s=3, c=fill, marker="o", linewidths=0)
        tick_labels = [wrap_label(labels[c], 30) for c in order]
        heat_ax.set_xticks(np.arange(n), tick_labels, rotation=90)
        heat_ax.yaxis.tick_right()
        heat_ax.set_yticks(np.arange(n), tick_labels)
        heat_ax.tick_params(length=0, pad=2)
        for spine in heat_ax.spines.values():
            spine.set_visible(False)
        heat_ax.set_xlim(-0.5, n - 0.5)
        strip_ax.imshow(_family_strip(order, families), aspect="auto", interpolation="nearest")
        strip_ax.set_axis_off()
        for leaf, dist in zip(leaf_axis, distance_axis, strict=True):
            tree_ax.plot(dist, leaf, color="#333333", linewidth=0.6)
        top = max(float(np.max(d)) for d in distance_axis) if distance_axis else 1.0
        tree_ax.set_xlim(top * 1.02, 0)
        tree_ax.set_ylim(n - 0.5, -0.5)
        tree_ax.set_axis_off()
        bar = fig.colorbar(image, ax=heat_ax, location="top", shrink=0.35, aspect=18, pad=0.02)
        bar.set_label(_measure_name(measure), fontsize=8)
        bar.outline.set_linewidth(0.4)
        bar.ax.tick_params(labelsize=7, length=2)
        handles = family_handles(families.values(), lang)
        from matplotlib.lines import Line2D

        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="o",
                markersize=2.5,
                markerfacecolor="black",
                markeredgewidth=0,
                label=text("significant", lang, alpha=f"{significance:g}"),
            )
        )
        fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))
        finish_figure(fig)
    n_sig = int(data["significant"].sum()) // 2
    caption = (
        f"Co-occurrence ({_measure_name(measure)}) of {n} codes in the order of their "
        f"{clusters.method}-linkage dendrogram; dots mark the {n_sig} pairs with "
        f"Benjamini-Hochberg q < {significance:g} (one-sided hypergeometric test)."
    )
    return FigureResult(fig, data, join_caption(caption, context))


def _measure_name(measure: str) -> str:
    return {"count": "co-occurrence count", "jaccard": "Jaccard", "dice": "Dice"}.get(
        measure, measure
    )


def _greys():
    from matplotlib.colors import LinearSegmentedColormap

    # White to near-black: prints the same in colour and greyscale.
    return LinearSegmentedColormap.from_list("casekit_greys", ["#FFFFFF", "#1A1A1A"])


def _family_strip(order: list[str], families: dict[str, str]) -> np.ndarray:
    from matplotlib.colors import to_rgb

    return np.array([[to_rgb(family_shade(families[c]))] for c in order])

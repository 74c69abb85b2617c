"""The correspondence-analysis map: codes and attribute values on the first two dimensions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from casekit.errors import CasekitError
from casekit.figures.base import (
    ENGLISH,
    FigureResult,
    family_handles,
    family_marker,
    finish_figure,
    join_caption,
    new_figure,
)
from casekit.figures.labels import code_families, code_labels, family_shade, text, wrap_label
from casekit.figures.placement import spread_labels
from casekit.figures.style import LabelLanguage, Width, print_style

__all__ = ["CA_COLUMNS", "plot_correspondence_map"]

CA_COLUMNS = ["kind", "key", "label", "family", "mass", "dim_1", "dim_2"]


def plot_correspondence_map(
    ca,
    codes_meta: pd.DataFrame,
    *,
    by: str,
    rows_name: str = "codes",
    language: LabelLanguage = ENGLISH,
    width: Width = "full",
    context: str = "",
) -> FigureResult:
    """A symmetric map of the first two CA dimensions: codes as family markers, values as ▲.

    Codes close to an attribute value are coded more often than average in its segments;
    axis titles give each dimension's share of the inertia.

    Parameters
    ----------
    ca
        :class:`casekit.analysis.correspondence.CorrespondenceAnalysis` of a code (rows) x
        attribute (columns) table, with at least two dimensions.
    codes_meta
        ``codes_frame``: names and families.
    by
        Name of the attribute (for the caption).
    rows_name
        What the rows are, for the caption (``codes`` or ``categories``).

    Returns
    -------
    FigureResult
        ``data`` columns ``kind, key, label, family, mass, dim_1, dim_2``: ``kind`` is ``code``
        or ``value``; codes first, then values, each in the order of the analysis.
    """
    if "dim_2" not in ca.rows.columns:
        raise CasekitError(
            f"a correspondence map needs two dimensions, so at least three values of '{by}' "
            "with codings; choose an attribute with more values"
        )
    lang = language.lang
    codes = ca.rows["label"].astype(str).tolist()
    labels = code_labels(codes, codes_meta, lang)
    families = code_families(codes, codes_meta)
    rows = pd.DataFrame(
        {
            "kind": "code",
            "key": codes,
            "label": [labels[c] for c in codes],
            "family": [families[c] for c in codes],
            "mass": ca.rows["mass"].astype(float),
            "dim_1": ca.rows["dim_1"].astype(float),
            "dim_2": ca.rows["dim_2"].astype(float),
        }
    )
    values = ca.columns["label"].astype(str).tolist()
    cols = pd.DataFrame(
        {
            "kind": "value",
            "key": values,
            "label": values,
            "family": "",
            "mass": ca.columns["mass"].astype(float),
            "dim_1": ca.columns["dim_1"].astype(float),
            "dim_2": ca.columns["dim_2"].astype(float),
        }
    )
    data = pd.concat([rows, cols], ignore_index=True)[CA_COLUMNS]
    share = ca.inertia.set_index("dimension")["share"]
    with print_style(language.font):
        fig = new_figure(width, 14.0 if width == "full" else 8.5)
        ax = fig.add_subplot()
        ax.axhline(0, color="#BBBBBB", linewidth=0.5, zorder=0)
        ax.axvline(0, color="#BBBBBB", linewidth=0.5, zorder=0)
        for family in sorted(set(rows["family"])):
            part = rows[rows["family"] == family]
            ax.scatter(
                part["dim_1"],
                part["dim_2"],
                s=22,
                c=family_shade(family),
                marker=family_marker(family),
                edgecolors="#333333",
                linewidths=0.4,
                zorder=2,
            )
        ax.scatter(cols["dim_1"], cols["dim_2"], s=40, c="#222222", marker="^", zorder=3)
        ax.set_aspect("equal", adjustable="datalim")
        span = data[["dim_1", "dim_2"]].to_numpy(dtype=float)
        pad = 0.08 * float(np.ptp(span)) if len(span) else 0.1
        ax.update_datalim(np.vstack([span.min(axis=0) - pad, span.max(axis=0) + pad]))
        ax.autoscale_view()
        texts = []
        for row in data.itertuples(index=False):
            texts.append(
                ax.annotate(
                    wrap_label(str(row.label), 20),
                    xy=(row.dim_1, row.dim_2),
                    xytext=(0.0, -7.0),
                    textcoords="offset points",
                    ha="center",
                    va="center",
                    fontsize=7 if row.kind == "code" else 8,
                    fontweight="bold" if row.kind == "value" else "normal",
                    arrowprops={"arrowstyle": "-", "color": "#999999", "linewidth": 0.3},
                )
            )
        ax.set_xlabel(text("dimension", lang, k=1, share=100 * float(share.get(1, 0.0))))
        ax.set_ylabel(text("dimension", lang, k=2, share=100 * float(share.get(2, 0.0))))
        handles = family_handles(rows["family"], lang, markers=True, markersize=5)
        from matplotlib.lines import Line2D

        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="^",
                markersize=6,
                markerfacecolor="#222222",
                markeredgewidth=0,
                label=by,
            )
        )
        fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))
        fig.draw_without_rendering()
        fig.set_layout_engine("none")
        xy = ax.transData.transform(data[["dim_1", "dim_2"]].to_numpy(dtype=float))
        radius = 4.0 * fig.dpi / 72.0
        spread_labels(ax, texts, obstacles=np.column_stack([xy - radius, xy + radius]))
        for label in texts:
            dx, dy = label.xyann
            if label.arrow_patch is not None:
                label.arrow_patch.set_visible(bool(np.hypot(dx, dy) > 12.0))
        finish_figure(fig)
    total = 100 * float(share.get(1, 0.0) + share.get(2, 0.0))
    caption = (
        f"Correspondence analysis of {len(rows)} {rows_name} x {len(cols)} values of {by} (segment "
        f"counts); the first two dimensions hold {total:.1f}% of the inertia (symmetric map, "
        "principal coordinates)."
    )
    return FigureResult(fig, data, join_caption(caption, context))

"""The code dendrogram: codes clustered by how often they are coded on the same segments."""

from __future__ import annotations

import numpy as np
import pandas as pd

from casekit.figures.base import (
    ENGLISH,
    FigureResult,
    family_handles,
    finish_figure,
    join_caption,
    new_figure,
)
from casekit.figures.labels import (
    code_families,
    code_labels,
    family_shade,
    linkage_name,
    text,
    wrap_label,
)
from casekit.figures.style import LabelLanguage, Width, print_style

__all__ = ["DENDROGRAM_COLUMNS", "dendrogram_lines", "plot_code_dendrogram"]

DENDROGRAM_COLUMNS = ["position", "code", "label", "family", "cluster"]

_ROW_CM = 0.36


def dendrogram_lines(linkage: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray], list[int]]:
    """The dendrogram's line segments as ``(leaf axis, distance axis, leaf order)``.

    Leaf ``i`` (0-based, in leaf order) sits at ``i`` on the leaf axis. Only coordinates are
    computed here (SciPy's ``dendrogram(no_plot=True)``); drawing is left to the caller.
    """
    from scipy.cluster import hierarchy

    tree = hierarchy.dendrogram(linkage, no_plot=True)
    # SciPy puts leaf i at 10 i + 5.
    leaf_axis = [(np.asarray(ic, dtype=float) - 5.0) / 10.0 for ic in tree["icoord"]]
    distance_axis = [np.asarray(dc, dtype=float) for dc in tree["dcoord"]]
    return leaf_axis, distance_axis, [int(i) for i in tree["leaves"]]


def plot_code_dendrogram(
    clusters,
    codes_meta: pd.DataFrame,
    *,
    language: LabelLanguage = ENGLISH,
    width: Width = "full",
    context: str = "",
) -> FigureResult:
    """A horizontal dendrogram of codes, leaves labelled and marked with their family colour.

    Clusters from cutting the tree (``clusters.table``) are shown as alternating grey bands.

    Parameters
    ----------
    clusters
        :class:`casekit.analysis.clusters.CodeClusters` from ``cluster_codes``.
    codes_meta
        ``codes_frame``: names and families.

    Returns
    -------
    FigureResult
        ``data`` columns ``position, code, label, family, cluster``: one row per leaf,
        ``position`` 1 at the top.
    """
    lang = language.lang
    leaf_axis, distance_axis, leaves = dendrogram_lines(clusters.linkage)
    order = [clusters.codes[i] for i in leaves]
    labels = code_labels(order, codes_meta, lang)
    families = code_families(order, codes_meta)
    cluster_of = dict(zip(clusters.table["code"], clusters.table["cluster"], strict=True))
    data = pd.DataFrame(
        {
            "position": np.arange(1, len(order) + 1, dtype=np.int64),
            "code": order,
            "label": [labels[c] for c in order],
            "family": [families[c] for c in order],
            "cluster": [int(cluster_of[c]) for c in order],
        },
        columns=DENDROGRAM_COLUMNS,
    )
    n = len(order)
    with print_style(language.font):
        fig = new_figure(width, 1.8 + _ROW_CM * n)
        ax = fig.add_subplot()
        top = max(float(np.max(d)) for d in distance_axis) if distance_axis else 1.0
        _cluster_bands(ax, data, top, lang)
        for leaf, dist in zip(leaf_axis, distance_axis, strict=True):
            ax.plot(dist, leaf, color="#222222", linewidth=0.8, solid_capstyle="butt")
        ax.scatter(
            np.zeros(n),
            np.arange(n),
            s=18,
            marker="s",
            c=[family_shade(f) for f in data["family"]],
            edgecolors="#333333",
            linewidths=0.3,
            zorder=3,
            clip_on=False,
        )
        ax.set_yticks(np.arange(n), [wrap_label(label, 40) for label in data["label"]])
        ax.yaxis.tick_right()
        ax.tick_params(axis="y", length=0, pad=4)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlim(top * 1.02, 0)
        ax.spines["left"].set_visible(False)
        ax.set_xlabel(text("distance", lang, method=linkage_name(clusters.method, lang)))
        fig.legend(
            handles=family_handles(data["family"], lang),
            loc="outside lower center",
            ncols=4,
        )
        finish_figure(fig)
    n_clusters = int(data["cluster"].max()) if n else 0
    caption = (
        f"Dendrogram of {n} codes ({clusters.method} linkage on Jaccard distance between the "
        f"segments carrying them); grey bands mark the {n_clusters} clusters of the cut tree."
    )
    return FigureResult(fig, data, join_caption(caption, context))


def _cluster_bands(ax, data: pd.DataFrame, top: float, lang: str) -> None:
    for k, block in data.groupby("cluster", sort=True):
        first, last = int(block["position"].min()) - 1, int(block["position"].max()) - 1
        if k % 2:
            ax.axhspan(first - 0.5, last + 0.5, color="#EEEEEE", zorder=0, linewidth=0)
        ax.text(
            top * 1.04,
            (first + last) / 2,
            text("cluster", lang, k=k),
            ha="right",
            va="center",
            fontsize=7,
            color="#555555",
            clip_on=False,
        )

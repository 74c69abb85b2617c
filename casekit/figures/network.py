"""The code network: a seeded layout, nodes sized by frequency, edges as wide as they are strong."""

from __future__ import annotations

from typing import Literal

import networkx as nx
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
from casekit.figures.labels import family_rank, family_shade, text, wrap_label
from casekit.figures.placement import spread_labels
from casekit.figures.style import LabelLanguage, Width, print_style

__all__ = ["COMMUNITY_COLORS", "NETWORK_COLUMNS", "network_layout", "plot_code_network"]

NETWORK_COLUMNS = ["code", "label", "family", "community", "frequency", "degree", "x", "y"]

# Paul Tol's "muted" scheme for communities; marker shapes repeat the distinction in grey.
COMMUNITY_COLORS: tuple[str, ...] = (
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
)
_COMMUNITY_MARKERS = ("o", "s", "D", "^", "v", "p", "h", "<", ">")

# Marker areas (points squared) for the least and most frequent code, edge widths (points).
_NODE_AREA = (18.0, 260.0)
_EDGE_WIDTH = (0.3, 3.2)
_OTHER_COLOR = "#BBBBBB"
# Height of the strip holding the two legends below the network.
_LEGEND_CM = 2.1


def network_layout(G: nx.Graph, *, seed: int) -> dict[str, tuple[float, float]]:
    """Node positions from a force-directed layout started from ``seed``, scaled to [-1, 1].

    The same graph (nodes and edges in the same order) and seed always give the same
    positions; stronger ties pull codes closer.
    """
    if G.number_of_nodes() == 0:
        return {}
    if G.number_of_nodes() == 1:
        return {next(iter(G.nodes)): (0.0, 0.0)}
    # Seeded force-directed start, then Kamada-Kawai on hop distances: even spacing keeps
    # labels readable, and edge width (not length) shows strength.
    start = nx.spring_layout(G, seed=seed, weight="weight", method="force")
    pos = nx.kamada_kawai_layout(G, pos=start, weight=None)
    return {node: (float(x), float(y)) for node, (x, y) in sorted(pos.items())}


def plot_code_network(
    G: nx.Graph,
    *,
    seed: int,
    color_by: Literal["family", "community"] = "family",
    communities=None,
    keep_isolates: bool = False,
    language: LabelLanguage = ENGLISH,
    width: Width = "full",
    height_cm: float | None = None,
    context: str = "",
) -> FigureResult:
    """Draw a code network from :func:`casekit.analysis.network.build_code_network`.

    Node area grows with the code's frequency; edge width with the edge weight (the
    network's ``measure``). Nodes are coloured and shaped by family, or by Louvain community.
    Labels are nudged apart so they do not overlap where the space allows.

    Parameters
    ----------
    G
        The network (node attributes ``frequency, family, name_zh, name_en``; edge ``weight``).
    seed
        Seed of the layout.
    color_by
        ``"family"`` or ``"community"``.
    communities
        :class:`casekit.analysis.communities.Communities` of ``G`` (needed for
        ``color_by="community"``; also fills the ``community`` column).
    keep_isolates
        Draw codes without edges too (off by default: they carry no pattern).
    language
        Label language and font.

    Returns
    -------
    FigureResult
        ``data`` columns ``code, label, family, community, frequency, degree, x, y``: one row
        per drawn node (sorted by code), ``x``/``y`` its layout position, ``community`` 0 when
        no communities were given.
    """
    if color_by not in ("family", "community"):
        raise CasekitError(f"color_by must be 'family' or 'community', not '{color_by}'")
    if color_by == "community" and communities is None:
        raise CasekitError("colouring by community needs the communities (detect_communities)")
    lang = language.lang
    drawn = G.copy() if keep_isolates else G.subgraph(n for n in G if G.degree(n) > 0).copy()
    if drawn.number_of_nodes() == 0:
        raise CasekitError(
            "the code network has no edges to draw; lower the threshold or use more codings"
        )
    hidden = G.number_of_nodes() - drawn.number_of_nodes()
    pos = network_layout(drawn, seed=seed)
    membership = communities.membership() if communities is not None else {}
    name_key = "name_zh" if lang == "zh" else "name_en"
    other_key = "name_en" if lang == "zh" else "name_zh"
    nodes = sorted(drawn.nodes)
    data = pd.DataFrame(
        {
            "code": nodes,
            "label": [
                drawn.nodes[n].get(name_key) or drawn.nodes[n].get(other_key) or n for n in nodes
            ],
            "family": [drawn.nodes[n].get("family", "") for n in nodes],
            "community": [int(membership.get(n, 0)) for n in nodes],
            "frequency": [int(drawn.nodes[n].get("frequency", 0)) for n in nodes],
            "degree": [int(drawn.degree(n)) for n in nodes],
            "x": [pos[n][0] for n in nodes],
            "y": [pos[n][1] for n in nodes],
        },
        columns=NETWORK_COLUMNS,
    )
    measure = str(G.graph.get("measure", "weight"))
    edges = sorted(
        (min(a, b), max(a, b), float(w)) for a, b, w in drawn.edges(data="weight", default=1.0)
    )
    w_max = max((w for _, _, w in edges), default=1.0)
    f_max = max(int(data["frequency"].max()), 1)
    areas = np.array([_node_area(f, f_max) for f in data["frequency"]])
    styles = _group_styles(data, color_by)
    with print_style(language.font):
        total_cm = height_cm if height_cm is not None else _height_cm(data, width) + _LEGEND_CM
        fig = new_figure(width, total_cm)
        grid = fig.add_gridspec(2, 1, height_ratios=[max(total_cm - _LEGEND_CM, 1.0), _LEGEND_CM])
        ax = fig.add_subplot(grid[0])
        ax.set_axis_off()
        legend_ax = fig.add_subplot(grid[1])
        legend_ax.set_axis_off()
        _draw_edges(ax, edges, pos, w_max)
        for key, (color, marker, _label) in styles.items():
            mask = (_group_keys(data, color_by, styles) == key).to_numpy()
            ax.scatter(
                data.loc[mask, "x"],
                data.loc[mask, "y"],
                s=areas[mask],
                c=color,
                marker=marker,
                edgecolors="#333333",
                linewidths=0.4,
                zorder=2,
            )
        ax.set_aspect("equal", adjustable="datalim")
        ax.update_datalim(data[["x", "y"]].to_numpy(dtype=float) * 1.08)
        ax.autoscale_view()
        labels = _draw_labels(ax, data, areas)
        _legends(legend_ax, styles, color_by, lang, measure, w_max, f_max)
        fig.draw_without_rendering()
        # Freeze the layout: labels are offsets in points from anchors that must not move.
        fig.set_layout_engine("none")
        obstacles = _marker_boxes(ax, data, areas)
        spread_labels(ax, labels, obstacles=obstacles)
        for label, area in zip(labels, areas, strict=True):
            # A leader line only where the label had to move away from its node.
            dx, dy = label.xyann
            if label.arrow_patch is not None:
                label.arrow_patch.set_visible(bool(np.hypot(dx, dy) > np.sqrt(area) / 2 + 9.0))
        finish_figure(fig)
    by = "family" if color_by == "family" else "Louvain community"
    isolates = f"; {hidden} codes without an edge are not shown" if hidden else ""
    caption = (
        f"Code network: {len(data)} codes and {drawn.number_of_edges()} edges weighted by "
        f"{measure}; node area proportional to coded segments, colour and shape by {by}; "
        f"Kamada-Kawai layout started from a spring layout with seed {seed}{isolates}."
    )
    return FigureResult(fig, data, join_caption(caption, context))


def _edge_width(weight: float, w_max: float) -> float:
    lo, hi = _EDGE_WIDTH
    return lo + (hi - lo) * (weight / w_max if w_max > 0 else 0.0)


def _node_area(frequency: int, f_max: int) -> float:
    lo, hi = _NODE_AREA
    return lo + (hi - lo) * frequency / f_max


def _height_cm(data: pd.DataFrame, width: Width) -> float:
    """Height of the network panel matching the layout's aspect ratio (at most square)."""
    from casekit.figures.style import figure_size

    width_cm = figure_size(width)[0] * 2.54
    x_span = float(np.ptp(data["x"])) or 1.0
    y_span = float(np.ptp(data["y"])) or 1.0
    return float(np.clip(width_cm * y_span / x_span, 0.5 * width_cm, 1.0 * width_cm))


def _group_styles(data: pd.DataFrame, color_by: str) -> dict[object, tuple[str, str, str]]:
    """Group key -> (colour, marker, legend label), in legend order.

    By family every family gets its colour and shape; by community the largest communities
    (numbered by size) get one of ``COMMUNITY_COLORS`` each, and the rest share grey.
    """
    if color_by == "family":
        families = sorted(set(data["family"]), key=family_rank)
        return {f: (family_shade(f), family_marker(f), f) for f in families}
    sizes = data["community"].value_counts()
    styled = sorted(k for k in sizes.index if k > 0 and sizes[k] >= 2)[: len(COMMUNITY_COLORS)]
    out: dict[object, tuple[str, str, str]] = {
        k: (COMMUNITY_COLORS[i], _COMMUNITY_MARKERS[i], str(k)) for i, k in enumerate(styled)
    }
    if set(data["community"]) - set(styled):
        out[0] = (_OTHER_COLOR, "o", "")
    return out


def _group_keys(data: pd.DataFrame, color_by: str, styles: dict) -> pd.Series:
    if color_by == "family":
        return data["family"]
    return data["community"].where(data["community"].isin(list(styles)), 0)


def _draw_edges(ax, edges: list[tuple[str, str, float]], pos, w_max: float) -> None:
    from matplotlib.collections import LineCollection

    ax.add_collection(
        LineCollection(
            [[pos[a], pos[b]] for a, b, _ in edges],
            linewidths=[_edge_width(w, w_max) for _, _, w in edges],
            colors="#8C8C8C",
            alpha=0.75,
            capstyle="round",
            zorder=1,
        )
    )


def _draw_labels(ax, data: pd.DataFrame, areas: np.ndarray) -> list:
    """One annotation per node, just below it, with a (hidden for now) leader line."""
    labels = []
    for row, area in zip(data.itertuples(index=False), areas, strict=True):
        labels.append(
            ax.annotate(
                wrap_label(str(row.label), 18),
                xy=(row.x, row.y),
                xytext=(0.0, -(np.sqrt(area) / 2 + 4.0)),
                textcoords="offset points",
                ha="center",
                va="center",
                fontsize=7,
                zorder=3,
                arrowprops={
                    "arrowstyle": "-",
                    "color": "#999999",
                    "linewidth": 0.3,
                    "shrinkA": 0.0,
                    "shrinkB": 0.0,
                },
            )
        )
    return labels


def _marker_boxes(ax, data: pd.DataFrame, areas: np.ndarray) -> np.ndarray:
    """Display-pixel boxes around each marker, so labels keep off the nodes."""
    xy = ax.transData.transform(data[["x", "y"]].to_numpy(dtype=float))
    radius = np.sqrt(areas) / 2 * ax.figure.dpi / 72.0
    return np.column_stack(
        [xy[:, 0] - radius, xy[:, 1] - radius, xy[:, 0] + radius, xy[:, 1] + radius]
    )


def _nice(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in values:
        if v <= 0:
            continue
        magnitude = 10 ** np.floor(np.log10(v))
        nice = float(np.round(v / magnitude) * magnitude)
        if nice not in out:
            out.append(nice)
    return out


def _legends(ax, styles, color_by, lang, measure, w_max, f_max) -> None:
    """Groups on the first row; what node size and edge width mean on the second."""
    from matplotlib.lines import Line2D

    def marker(color: str, shape: str, size: float, label: str) -> Line2D:
        return Line2D(
            [],
            [],
            linestyle="none",
            marker=shape,
            markersize=size,
            markerfacecolor=color,
            markeredgecolor="#333333",
            markeredgewidth=0.4,
            label=label,
        )

    if color_by == "family":
        groups = family_handles(list(styles), lang, markers=True, markersize=6)
        title = text("family", lang)
    else:
        groups = [
            marker(color, shape, 6, label or text("other communities", lang))
            for color, shape, label in styles.values()
        ]
        title = text("community", lang)
    sizes = [
        marker("#DDDDDD", "o", float(np.sqrt(_node_area(int(f), f_max))), f"{int(f):,}")
        for f in _nice([f_max * 0.1, f_max * 0.4, f_max])
    ]
    widths = [
        Line2D([], [], color="#8C8C8C", linewidth=_edge_width(w, w_max), label=f"{w:g}")
        for w in _nice([w_max * 0.2, w_max * 0.5, w_max])
    ]
    common = {"borderaxespad": 0.0, "handletextpad": 0.4, "columnspacing": 1.2}
    first = ax.legend(
        handles=groups,
        title=title,
        ncols=min(len(groups), 9),
        loc="upper center",
        bbox_to_anchor=(0.5, 1.0),
        **common,
    )
    ax.add_artist(first)
    ax.legend(
        handles=sizes + widths,
        ncols=len(sizes) + len(widths),
        title=f"{text('node size', lang)};  {text('edge width', lang, measure=measure)}",
        loc="lower center",
        bbox_to_anchor=(0.5, 0.0),
        **common,
    )

"""Code networks: codes as nodes, strong or significant co-occurrences as weighted edges."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from casekit.analysis.cooccurrence import MEASURES
from casekit.analysis.inputs import require_columns
from casekit.errors import CasekitError

__all__ = ["build_code_network", "ego_network"]


def build_code_network(
    cooc: pd.DataFrame,
    frequencies: pd.DataFrame,
    codes_meta: pd.DataFrame,
    *,
    measure: str = "jaccard",
    min_weight: float | None = None,
    top_edges: int | None = None,
    significant: float | None = None,
) -> nx.Graph:
    """A weighted, undirected graph of codes.

    Every code of ``frequencies`` is a node (isolated ones too). Edges come from ``cooc`` after
    the filters, applied in this order: ``significant`` (keep ``q_value < significant``),
    ``min_weight`` (keep ``weight >= min_weight``), ``top_edges`` (keep the K heaviest; ties by
    count, then codes). Edges need a positive weight: with ``pmi`` or ``npmi``, pairs that
    co-occur no more often than expected are left out.

    Parameters
    ----------
    cooc
        :func:`casekit.analysis.cooccurrence.code_cooccurrence` output.
    frequencies
        :func:`casekit.analysis.frequencies.code_frequencies` output without ``by``.
    codes_meta
        ``casekit.selection.codes_frame``: names of the codes.
    measure
        The co-occurrence column used as edge weight.

    Returns
    -------
    networkx.Graph
        Node attributes ``frequency`` (segments), ``family``, ``name_zh``, ``name_en``; edge
        attributes ``count``, ``weight`` (the measure), ``q_value``; graph attribute
        ``measure``. Nodes and edges are added in sorted order, so writers are deterministic.
    """
    if measure not in MEASURES:
        raise CasekitError(f"unknown measure '{measure}'; choose one of: {', '.join(MEASURES)}")
    require_columns(cooc, ("code_a", "code_b", "count", "q_value", measure), "cooccurrence")
    require_columns(frequencies, ("code", "family", "segments"), "frequencies")
    for name, value in (("min_weight", min_weight), ("significant", significant)):
        if value is not None and not np.isfinite(value):
            raise CasekitError(f"{name} must be a number, not {value}")
    if top_edges is not None and top_edges < 0:
        raise CasekitError(f"top_edges must be 0 or more, not {top_edges}")
    edges = cooc.assign(weight=cooc[measure].astype(float))
    edges = edges[edges["weight"] > 0]
    if significant is not None:
        edges = edges[edges["q_value"] < significant]
    if min_weight is not None:
        edges = edges[edges["weight"] >= min_weight]
    if top_edges is not None:
        edges = edges.sort_values(
            ["weight", "count", "code_a", "code_b"],
            ascending=[False, False, True, True],
            kind="stable",
        ).head(top_edges)
    names = codes_meta.set_index("code") if "code" in codes_meta.columns else pd.DataFrame()
    G = nx.Graph(measure=measure)
    for row in frequencies.sort_values("code").itertuples(index=False):
        code = str(row.code)
        G.add_node(
            code,
            frequency=int(row.segments),
            family=_text(row.family),
            name_zh=_text(names["name_zh"].get(code)) if "name_zh" in names else "",
            name_en=_text(names["name_en"].get(code)) if "name_en" in names else "",
        )
    ordered = sorted(
        (min(a, b), max(a, b), int(c), float(w), float(q))
        for a, b, c, w, q in zip(
            edges["code_a"].astype(str),
            edges["code_b"].astype(str),
            edges["count"],
            edges["weight"],
            edges["q_value"],
            strict=True,
        )
    )
    for a, b, count, weight, q in ordered:
        for code in (a, b):
            if code not in G:
                raise CasekitError(
                    f"code {code} is in the co-occurrence table but not in the frequencies; "
                    "build both from the same codings"
                )
        G.add_edge(a, b, count=count, weight=weight, q_value=q)
    return G


def ego_network(G: nx.Graph, code: str, *, radius: int = 1) -> nx.Graph:
    """The subgraph of ``code`` and every code within ``radius`` edges of it (a copy)."""
    if code not in G:
        raise CasekitError(
            f"code {code} is not in the network; check the code id (casekit analyze freq lists them)"
        )
    ego = nx.ego_graph(G, code, radius=radius)
    out = nx.Graph(**G.graph, ego=code, radius=radius)
    out.add_nodes_from(sorted(ego.nodes(data=True)))
    out.add_edges_from(sorted((min(a, b), max(a, b), d) for a, b, d in ego.edges(data=True)))
    return out


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)

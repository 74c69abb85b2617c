"""Node statistics of a code network: degree, centralities, community; bridges and cut points."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from casekit.analysis.communities import Communities, detect_communities

__all__ = [
    "NODE_COLUMNS",
    "NetworkBridges",
    "eigenvector_by_component",
    "network_bridges",
    "network_node_table",
]

NODE_COLUMNS = [
    "code",
    "family",
    "frequency",
    "degree",
    "weighted_degree",
    "betweenness",
    "eigenvector",
    "community",
]


def network_node_table(
    G: nx.Graph, *, seed: int, communities: Communities | None = None
) -> pd.DataFrame:
    """One row per code with its position in the network.

    ``degree`` counts neighbours; ``weighted_degree`` sums edge weights; ``betweenness`` is
    normalised shortest-path betweenness where an edge's length is ``1 / weight`` (strong ties
    are short); ``eigenvector`` is eigenvector centrality (weighted) within the code's connected
    component, scaled to unit length per component, 0 for isolated codes; ``community`` is the
    Louvain community (1 = largest) from :func:`detect_communities` with ``seed``, unless
    ``communities`` is given.

    Returns
    -------
    DataFrame with columns ``code, family, frequency, degree, weighted_degree, betweenness,
    eigenvector, community``, sorted by code.
    """
    if communities is None:
        communities = detect_communities(G, seed=seed)
    membership = communities.membership()
    length = nx.Graph()
    length.add_nodes_from(G.nodes)
    length.add_weighted_edges_from(
        ((a, b, 1.0 / w) for a, b, w in G.edges(data="weight", default=1.0)), weight="length"
    )
    betweenness = nx.betweenness_centrality(length, weight="length", normalized=True)
    eigenvector = eigenvector_by_component(G)
    rows = [
        {
            "code": code,
            "family": G.nodes[code].get("family", ""),
            "frequency": int(G.nodes[code].get("frequency", 0)),
            "degree": int(G.degree(code)),
            "weighted_degree": float(G.degree(code, weight="weight")),
            "betweenness": float(betweenness[code]),
            "eigenvector": float(eigenvector[code]),
            "community": membership.get(code, 0),
        }
        for code in sorted(G.nodes)
    ]
    return pd.DataFrame(rows, columns=NODE_COLUMNS)


def eigenvector_by_component(G: nx.Graph) -> dict[str, float]:
    """Weighted eigenvector centrality computed in each connected component separately.

    networkx refuses disconnected graphs because the leading eigenvector is then not unique;
    per component it is (Perron-Frobenius). Each component's vector has unit length, as in
    networkx; isolated nodes get 0. Dense symmetric eigensolver: exact and fine for the few
    hundred codes of a codebook, where ARPACK fails on two-node components.
    """
    out: dict[str, float] = {}
    for component in nx.connected_components(G):
        nodes = sorted(component)
        if len(nodes) == 1:
            out[nodes[0]] = 0.0
            continue
        A = nx.to_numpy_array(G, nodelist=nodes, weight="weight")
        _, vectors = np.linalg.eigh(A)
        leading = vectors[:, -1]
        leading = np.abs(leading) / np.linalg.norm(leading)
        out.update({node: float(v) for node, v in zip(nodes, leading, strict=True)})
    return out


@dataclass(frozen=True)
class NetworkBridges:
    """Edges whose removal disconnects the network, and codes whose removal does."""

    edges: list[tuple[str, str]]
    articulation_points: list[str]

    def to_frame(self) -> pd.DataFrame:
        """Columns ``kind, code_a, code_b``: ``bridge`` rows name an edge, ``articulation``
        rows one code (``code_b`` empty)."""
        rows = [{"kind": "bridge", "code_a": a, "code_b": b} for a, b in self.edges]
        rows += [
            {"kind": "articulation", "code_a": c, "code_b": ""} for c in self.articulation_points
        ]
        return pd.DataFrame(rows, columns=["kind", "code_a", "code_b"])


def network_bridges(G: nx.Graph) -> NetworkBridges:
    """Bridges (sorted code pairs) and articulation points (sorted codes) of ``G``."""
    edges = sorted((min(a, b), max(a, b)) for a, b in nx.bridges(G))
    return NetworkBridges(edges=edges, articulation_points=sorted(nx.articulation_points(G)))

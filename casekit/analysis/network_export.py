"""Writing code networks for Gephi and other tools: GEXF, GraphML, and CSV node and edge tables."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

__all__ = ["edge_table", "write_gexf", "write_graphml", "write_network_tables"]

EDGE_COLUMNS = ["code_a", "code_b", "count", "weight", "q_value"]


def _sorted_copy(G: nx.Graph) -> nx.Graph:
    # Writers emit nodes and edges in insertion order; rebuild sorted so files never depend on
    # how the graph was assembled. GEXF and GraphML cannot hold None, so None becomes "".
    def clean(data: dict[str, Any]) -> dict[str, Any]:
        return {k: ("" if v is None else v) for k, v in sorted(data.items())}

    out = nx.Graph(**clean(dict(G.graph)))
    out.add_nodes_from((n, clean(d)) for n, d in sorted(G.nodes(data=True)))
    out.add_edges_from(sorted((min(a, b), max(a, b), clean(d)) for a, b, d in G.edges(data=True)))
    return out


def write_gexf(G: nx.Graph, path: str | Path) -> Path:
    """Write ``G`` as GEXF 1.2 (Gephi), byte-identical for the same graph.

    networkx stamps ``lastmodifieddate`` with today's date; it is optional in GEXF and left out.
    """
    path = Path(path)
    buffer = io.BytesIO()
    nx.write_gexf(_sorted_copy(G), buffer, encoding="utf-8", prettyprint=True)
    data = re.sub(rb' lastmodifieddate="[^"]*"', b"", buffer.getvalue(), count=1)
    path.write_bytes(data)
    return path


def write_graphml(G: nx.Graph, path: str | Path) -> Path:
    """Write ``G`` as GraphML, nodes and edges sorted."""
    path = Path(path)
    nx.write_graphml(_sorted_copy(G), path, encoding="utf-8", prettyprint=True)
    return path


def edge_table(G: nx.Graph) -> pd.DataFrame:
    """Edges as a table: ``code_a, code_b, count, weight, q_value``, sorted by the codes."""
    rows = [
        {
            "code_a": min(a, b),
            "code_b": max(a, b),
            "count": int(d.get("count", 0)),
            "weight": float(d.get("weight", 1.0)),
            "q_value": float(d.get("q_value", float("nan"))),
        }
        for a, b, d in G.edges(data=True)
    ]
    frame = pd.DataFrame(rows, columns=EDGE_COLUMNS)
    return frame.sort_values(["code_a", "code_b"], ignore_index=True)


def write_network_tables(nodes: pd.DataFrame, G: nx.Graph, stem: str | Path) -> tuple[Path, Path]:
    """Write ``<stem>-nodes.csv`` (the node table) and ``<stem>-edges.csv`` (:func:`edge_table`)."""
    stem = Path(stem)
    node_path = stem.with_name(stem.name + "-nodes.csv")
    edge_path = stem.with_name(stem.name + "-edges.csv")
    nodes.to_csv(node_path, index=False, lineterminator="\n")
    edge_table(G).to_csv(edge_path, index=False, lineterminator="\n")
    return node_path, edge_path

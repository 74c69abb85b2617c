from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from casekit.analysis.centrality import (
    NODE_COLUMNS,
    eigenvector_by_component,
    network_bridges,
    network_node_table,
)
from casekit.analysis.communities import detect_communities


def _random_graph(seed: int) -> nx.Graph:
    rng = np.random.default_rng(seed)
    G = nx.Graph()
    codes = [f"C{i:02d}" for i in range(30)]
    for code in codes:
        G.add_node(code, frequency=int(rng.integers(1, 50)), family="element")
    for i in range(30):
        for j in range(i + 1, 30):
            if rng.random() < 0.12:
                G.add_edge(codes[i], codes[j], weight=float(rng.uniform(0.05, 1)), count=3)
    return G


@pytest.mark.parametrize("seed", [1, 2])
def test_centralities_match_networkx(seed: int) -> None:
    G = _random_graph(seed)
    table = network_node_table(G, seed=5).set_index("code")
    length = {(a, b): 1 / w for a, b, w in G.edges(data="weight")}
    H = G.copy()
    nx.set_edge_attributes(H, length, "length")
    betweenness = nx.betweenness_centrality(H, weight="length")
    main = max(nx.connected_components(G), key=len)
    eigen = nx.eigenvector_centrality_numpy(G.subgraph(main), weight="weight")
    for code in G.nodes:
        row = table.loc[code]
        assert row["degree"] == G.degree(code)
        assert row["weighted_degree"] == pytest.approx(G.degree(code, weight="weight"))
        assert row["betweenness"] == pytest.approx(betweenness[code])
        if code in main:
            assert row["eigenvector"] == pytest.approx(eigen[code], abs=1e-9)
    membership = detect_communities(G, seed=5).membership()
    assert table["community"].to_dict() == membership


def test_node_table_columns_types_and_isolated_codes() -> None:
    G = nx.Graph()
    G.add_node("B", frequency=4, family="element")
    G.add_node("A", frequency=2, family="dilemma")
    G.add_node("Z", frequency=1, family="strategy")
    G.add_edge("A", "B", weight=0.5)
    table = network_node_table(G, seed=1)
    assert list(table.columns) == NODE_COLUMNS
    assert table.to_dict("records") == [
        {"code": "A", "family": "dilemma", "frequency": 2, "degree": 1, "weighted_degree": 0.5,
         "betweenness": 0.0, "eigenvector": pytest.approx(np.sqrt(0.5)), "community": 1},
        {"code": "B", "family": "element", "frequency": 4, "degree": 1, "weighted_degree": 0.5,
         "betweenness": 0.0, "eigenvector": pytest.approx(np.sqrt(0.5)), "community": 1},
        {"code": "Z", "family": "strategy", "frequency": 1, "degree": 0, "weighted_degree": 0.0,
         "betweenness": 0.0, "eigenvector": 0.0, "community": 2},
    ]  # fmt: skip


def test_eigenvector_per_component() -> None:
    G = nx.Graph([("a", "b"), ("c", "d"), ("d", "e")])
    G.add_node("f")
    values = eigenvector_by_component(G)
    assert values["f"] == 0.0
    assert values["a"] == pytest.approx(values["b"]) == pytest.approx(np.sqrt(0.5))
    assert values["d"] > values["c"] == pytest.approx(values["e"])
    assert all(type(v) is float for v in values.values())


def test_bridges_and_articulation_points() -> None:
    G = nx.Graph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e")])
    found = network_bridges(G)
    assert found.edges == [("c", "d"), ("d", "e")]
    assert found.articulation_points == ["c", "d"]
    assert found.to_frame().values.tolist() == [
        ["bridge", "c", "d"],
        ["bridge", "d", "e"],
        ["articulation", "c", ""],
        ["articulation", "d", ""],
    ]
    assert (
        network_bridges(nx.Graph())
        .to_frame()
        .equals(pd.DataFrame(columns=["kind", "code_a", "code_b"]))
    )

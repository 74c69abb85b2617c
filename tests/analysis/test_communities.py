from __future__ import annotations

import networkx as nx
import pytest

from casekit.analysis.communities import detect_communities


def _two_cliques() -> nx.Graph:
    G = nx.Graph()
    for block in ("abcd", "wxyz"):
        for i, u in enumerate(block):
            for v in block[i + 1 :]:
                G.add_edge(u, v, weight=1.0)
    G.add_edge("d", "w", weight=0.1)
    return G


def test_two_cliques_are_found_stably() -> None:
    G = _two_cliques()
    result = detect_communities(G, seed=7)
    assert result.partition == [["a", "b", "c", "d"], ["w", "x", "y", "z"]]
    assert result.stability == 1.0 and result.n_seeds == 20 and result.seed == 7
    expected = nx.community.modularity(G, [set("abcd"), set("wxyz")], weight="weight")
    assert result.modularity == pytest.approx(expected)
    assert type(result.modularity) is float and type(result.stability) is float
    assert result.membership() == {**dict.fromkeys("abcd", 1), **dict.fromkeys("wxyz", 2)}


def test_partition_matches_networkx_louvain_for_the_seed() -> None:
    G = nx.karate_club_graph()
    G = nx.relabel_nodes(G, {n: f"n{n:02d}" for n in G.nodes})
    result = detect_communities(G, seed=3, n_seeds=5)
    direct = nx.community.louvain_communities(G, weight="weight", seed=3)
    assert sorted(map(sorted, direct)) == sorted(result.partition)
    runs = [
        sorted(map(sorted, nx.community.louvain_communities(G, weight="weight", seed=s)))
        for s in range(3, 8)
    ]
    assert result.stability == sum(r == runs[0] for r in runs) / 5
    sizes = [len(block) for block in result.partition]
    assert sizes == sorted(sizes, reverse=True)
    assert detect_communities(G, seed=3, n_seeds=5) == result


def test_graph_without_edges() -> None:
    G = nx.Graph()
    G.add_nodes_from(["b", "a"])
    result = detect_communities(G, seed=1)
    assert result.partition == [["a"], ["b"]]
    assert result.modularity is None and result.stability == 1.0

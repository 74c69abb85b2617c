"""The code network: nodes and positions behind it, seeded layout, legible labels."""

from __future__ import annotations

import networkx as nx
import pytest

from casekit.analysis.communities import detect_communities
from casekit.analysis.cooccurrence import code_cooccurrence
from casekit.analysis.frequencies import code_frequencies
from casekit.analysis.matrix import segment_code_matrix
from casekit.analysis.network import build_code_network
from casekit.errors import CasekitError
from casekit.figures.network import network_layout, plot_code_network
from casekit.figures.placement import count_overlaps
from casekit.figures.save import figure_bytes
from tests.figures.conftest import assert_sane_png


@pytest.fixture
def graph(tables) -> nx.Graph:
    codings, segments, codes = tables
    cooc = code_cooccurrence(segment_code_matrix(codings, segments))
    return build_code_network(cooc, code_frequencies(codings, segments), codes, min_weight=0.3)


def test_nodes_behind_the_figure(graph) -> None:
    result = plot_code_network(graph, seed=7)
    data = result.data
    drawn = sorted(n for n in graph if graph.degree(n) > 0)
    assert data["code"].tolist() == drawn
    assert data["frequency"].tolist() == [graph.nodes[n]["frequency"] for n in drawn]
    assert data["degree"].tolist() == [graph.degree(n) for n in drawn]
    assert data["label"].tolist() == [graph.nodes[n]["name_en"] for n in drawn]
    assert set(data["community"]) == {0}
    hidden = graph.number_of_nodes() - len(drawn)
    assert hidden > 0
    assert f"{hidden} codes without an edge are not shown" in result.caption
    assert_sane_png(figure_bytes(result.figure, "png"))


def test_layout_is_fixed_by_the_seed(graph) -> None:
    core = graph.subgraph(n for n in graph if graph.degree(n) > 0)
    assert network_layout(core, seed=3) == network_layout(core.copy(), seed=3)
    first = plot_code_network(graph, seed=3).data
    again = plot_code_network(graph, seed=3).data
    assert first[["x", "y"]].equals(again[["x", "y"]])


def test_labels_do_not_overlap(graph) -> None:
    result = plot_code_network(graph, seed=3, keep_isolates=True)
    ax = result.figure.axes[0]
    assert len(ax.texts) == graph.number_of_nodes()
    assert count_overlaps(ax, ax.texts) == 0


def test_colour_by_community(graph) -> None:
    communities = detect_communities(graph, seed=1)
    result = plot_code_network(graph, seed=1, color_by="community", communities=communities)
    membership = communities.membership()
    assert result.data["community"].tolist() == [membership[c] for c in result.data["code"]]
    assert "colour and shape by Louvain community" in result.caption
    with pytest.raises(CasekitError, match="colouring by community needs the communities"):
        plot_code_network(graph, seed=1, color_by="community")


def test_a_network_without_edges_is_a_clear_error(graph) -> None:
    empty = nx.Graph(measure="jaccard")
    empty.add_nodes_from(graph.nodes(data=True))
    with pytest.raises(CasekitError, match="the code network has no edges to draw"):
        plot_code_network(empty, seed=1)

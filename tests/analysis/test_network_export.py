from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from casekit.analysis.network_export import (
    edge_table,
    write_gexf,
    write_graphml,
    write_network_tables,
)


def _graph(reverse: bool = False) -> nx.Graph:
    nodes = [
        (
            "DIL.STD",
            {"frequency": 3, "family": "dilemma", "name_zh": "标准不统一", "name_en": None},
        ),
        (
            "EL.SYS",
            {"frequency": 5, "family": "element", "name_zh": "业务系统", "name_en": "Systems"},
        ),
        (
            "STR.STD",
            {"frequency": 2, "family": "strategy", "name_zh": "统一标准", "name_en": "Unify"},
        ),
    ]
    edges = [
        ("EL.SYS", "DIL.STD", {"count": 2, "weight": 0.5, "q_value": 0.01}),
        ("STR.STD", "DIL.STD", {"count": 1, "weight": 0.25, "q_value": 1.0}),
    ]
    G = nx.Graph(measure="jaccard")
    G.add_nodes_from(reversed(nodes) if reverse else nodes)
    G.add_edges_from(reversed(edges) if reverse else edges)
    return G


def test_gexf_is_deterministic_and_readable(tmp_path: Path) -> None:
    a = write_gexf(_graph(), tmp_path / "a.gexf")
    b = write_gexf(_graph(reverse=True), tmp_path / "b.gexf")
    assert a.read_bytes() == b.read_bytes()
    text = a.read_text(encoding="utf-8")
    assert "lastmodifieddate" not in text and "标准不统一" in text
    back = nx.read_gexf(a)
    assert sorted(back.nodes) == ["DIL.STD", "EL.SYS", "STR.STD"]
    assert back.nodes["DIL.STD"]["name_en"] == ""
    assert back.edges["DIL.STD", "EL.SYS"]["weight"] == 0.5
    assert back.edges["DIL.STD", "EL.SYS"]["count"] == 2


def test_graphml_is_deterministic_and_readable(tmp_path: Path) -> None:
    a = write_graphml(_graph(), tmp_path / "a.graphml")
    b = write_graphml(_graph(reverse=True), tmp_path / "b.graphml")
    assert a.read_bytes() == b.read_bytes()
    back = nx.read_graphml(a)
    assert back.nodes["EL.SYS"] == {
        "frequency": 5, "family": "element", "name_zh": "业务系统", "name_en": "Systems",
    }  # fmt: skip
    assert back.edges["DIL.STD", "STR.STD"] == {"count": 1, "weight": 0.25, "q_value": 1.0}


def test_csv_node_and_edge_tables(tmp_path: Path) -> None:
    nodes = pd.DataFrame({"code": ["DIL.STD"], "degree": [2]})
    node_path, edge_path = write_network_tables(nodes, _graph(), tmp_path / "net")
    assert node_path.name == "net-nodes.csv" and edge_path.name == "net-edges.csv"
    assert node_path.read_text() == "code,degree\nDIL.STD,2\n"
    assert edge_path.read_text() == (
        "code_a,code_b,count,weight,q_value\n"
        "DIL.STD,EL.SYS,2,0.5,0.01\n"
        "DIL.STD,STR.STD,1,0.25,1.0\n"
    )
    assert edge_table(nx.Graph()).empty


def test_edge_table_orders_codes_within_an_edge() -> None:
    table = edge_table(_graph(reverse=True))
    assert table[["code_a", "code_b"]].values.tolist() == [
        ["DIL.STD", "EL.SYS"],
        ["DIL.STD", "STR.STD"],
    ]
    assert table["weight"].tolist() == pytest.approx([0.5, 0.25])

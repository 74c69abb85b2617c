from __future__ import annotations

import pandas as pd
import pytest

from casekit.analysis.cooccurrence import code_cooccurrence
from casekit.analysis.frequencies import code_frequencies
from casekit.analysis.matrix import segment_code_matrix
from casekit.analysis.network import build_code_network, ego_network
from casekit.errors import CasekitError
from tests.analysis.frames import codes_meta, codings_frame, segments_frame


def _inputs() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    codings, segments = codings_frame(), segments_frame()
    cooc = code_cooccurrence(segment_code_matrix(codings, segments))
    return cooc, code_frequencies(codings, segments), codes_meta()


def test_nodes_and_edges_carry_their_attributes() -> None:
    G = build_code_network(*_inputs())
    assert list(G.nodes) == ["DIL.SILO", "DIL.STD", "EL.DEPT", "EL.SYS", "STR.STD"]
    assert G.nodes["DIL.STD"] == {
        "frequency": 3,
        "family": "dilemma",
        "name_zh": "标准不统一",
        "name_en": "Inconsistent standards",
    }
    assert list(G.edges) == [
        ("DIL.SILO", "EL.DEPT"),
        ("DIL.STD", "EL.SYS"),
        ("DIL.STD", "STR.STD"),
        ("EL.DEPT", "EL.SYS"),
        ("EL.SYS", "STR.STD"),
    ]
    edge = G.edges["DIL.SILO", "EL.DEPT"]
    assert edge == {"count": 2, "weight": pytest.approx(2 / 3), "q_value": pytest.approx(2 / 3)}
    assert type(edge["count"]) is int and type(edge["weight"]) is float
    assert G.graph["measure"] == "jaccard"


def test_filters() -> None:
    cooc, freq, meta = _inputs()
    strong = build_code_network(cooc, freq, meta, min_weight=0.5)
    assert sorted(strong.edges) == [("DIL.SILO", "EL.DEPT"), ("DIL.STD", "EL.SYS")]
    assert strong.number_of_nodes() == 5  # isolated codes stay
    top = build_code_network(cooc, freq, meta, measure="count", top_edges=1)
    assert list(top.edges(data="weight")) == [("DIL.SILO", "EL.DEPT", 2.0)]
    significant = build_code_network(cooc, freq, meta, significant=0.9)
    assert list(significant.edges) == [("DIL.SILO", "EL.DEPT")]
    none = build_code_network(cooc, freq, meta, significant=0.05)
    assert none.number_of_edges() == 0


def test_pmi_edges_below_expectation_are_left_out() -> None:
    cooc, freq, meta = _inputs()
    weak = cooc.assign(pmi=[1.0, -0.5, 0.0, 0.2, 0.3])
    G = build_code_network(weak, freq, meta, measure="pmi")
    assert G.number_of_edges() == 3 and min(w for *_, w in G.edges(data="weight")) > 0


def test_unknown_measure_and_mismatched_inputs() -> None:
    cooc, freq, meta = _inputs()
    with pytest.raises(CasekitError, match="^unknown measure 'phi'; choose one of: count, jaccard"):
        build_code_network(cooc, freq, meta, measure="phi")
    with pytest.raises(CasekitError) as err:
        build_code_network(cooc, freq[freq["code"] != "EL.SYS"], meta)
    assert str(err.value) == (
        "code EL.SYS is in the co-occurrence table but not in the frequencies; "
        "build both from the same codings"
    )


def test_ego_network() -> None:
    G = build_code_network(*_inputs())
    ego = ego_network(G, "DIL.STD")
    assert sorted(ego.nodes) == ["DIL.STD", "EL.SYS", "STR.STD"]
    assert sorted(ego.edges) == [
        ("DIL.STD", "EL.SYS"),
        ("DIL.STD", "STR.STD"),
        ("EL.SYS", "STR.STD"),
    ]
    assert ego.graph == {"measure": "jaccard", "ego": "DIL.STD", "radius": 1}
    wider = ego_network(G, "DIL.STD", radius=2)
    assert "EL.DEPT" in wider and "DIL.SILO" not in wider
    whole = ego_network(G, "DIL.SILO", radius=4)
    assert sorted(whole.edges(data=True)) == sorted(G.edges(data=True))
    with pytest.raises(CasekitError, match="^code NOPE is not in the network"):
        ego_network(G, "NOPE")

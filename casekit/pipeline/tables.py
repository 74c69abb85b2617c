"""The standard tables of a run: every analysis a thesis chapter cites, computed from one selection."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from casekit.errors import CasekitError

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

    from casekit.selection import Selection
    from casekit.store import Store

__all__ = ["RunTables", "build_run_tables"]


@dataclass
class RunTables:
    """Named tables (file stem -> DataFrame), the code network, and notes for the summary."""

    tables: dict[str, pd.DataFrame]
    network: nx.Graph
    notes: list[str]


def build_run_tables(selection: Selection, store: Store, config: dict[str, Any]) -> RunTables:
    """Frequencies (overall and by each ``[analysis] by`` attribute), cross-tabs, co-occurrence,
    the code network with centralities and communities, dilemma patterns with quotes, frequent
    code sets, and — when configured in ``[run]`` — coder agreement and the rules' evaluation.
    """
    from casekit.analysis.attribute_patterns import patterns_by_attribute
    from casekit.analysis.centrality import network_bridges, network_node_table
    from casekit.analysis.communities import detect_communities
    from casekit.analysis.cooccurrence import code_cooccurrence
    from casekit.analysis.crosstab import code_crosstab
    from casekit.analysis.frequencies import code_frequencies
    from casekit.analysis.itemsets import frequent_code_sets
    from casekit.analysis.network import build_code_network
    from casekit.analysis.network_export import edge_table
    from casekit.analysis.patterns import dilemma_patterns

    settings = config["analysis"]
    seed = int(config["project"]["seed"])
    codings, segments, codes = selection.codings, selection.segments, selection.codes
    tables: dict[str, pd.DataFrame] = {}
    notes: list[str] = []

    frequencies = code_frequencies(codings, segments)
    tables["code-frequencies"] = frequencies
    for attribute in settings["by"]:
        if attribute not in segments.columns:
            notes.append(f"[analysis] by: no attribute '{attribute}' in the manifest; skipped")
            continue
        tables[f"frequencies-by-{attribute}"] = code_frequencies(codings, segments, by=attribute)
        try:
            crosstab = code_crosstab(codings, segments, cols=attribute, rows="category")
            shares = patterns_by_attribute(codings, segments, by=attribute)
        except CasekitError as exc:  # e.g. one value only: no test to make
            notes.append(f"no cross-tab by {attribute}: {exc}")
            continue
        tables[f"crosstab-{attribute}"] = crosstab.cells()
        tables[f"crosstab-{attribute}-test"] = crosstab.summary()
        tables[f"dilemmas-by-{attribute}"] = shares.shares

    matrix = selection.matrix()
    cooccurrence = code_cooccurrence(matrix, min_count=int(settings["min_count"]))
    tables["cooccurrence"] = cooccurrence
    network = build_code_network(
        cooccurrence,
        frequencies,
        codes,
        measure=settings["measure"],
        significant=float(settings["alpha"]),
    )
    communities = detect_communities(network, seed=seed)
    tables["network-nodes"] = network_node_table(network, seed=seed, communities=communities)
    tables["network-edges"] = edge_table(network)
    tables["network-bridges"] = network_bridges(network).to_frame()

    patterns = dilemma_patterns(
        codings,
        segments,
        codes,
        unit=selection.unit,
        measure=settings["measure"],
        top=int(settings["top"]),
    )
    tables["dilemmas"] = patterns.dilemmas
    tables["dilemma-patterns"] = patterns.patterns
    tables["dilemma-quotes"] = patterns.quotes
    sets = frequent_code_sets(matrix, min_support=0.02, max_size=3)
    tables["code-sets"] = sets.itemsets
    tables["code-rules"] = sets.rules

    run = config["run"]
    if len(run["agreement_coders"]) >= 2:
        from casekit.agreement.reports import compare_coders

        agreement = compare_coders(
            store, coders=run["agreement_coders"], unit=selection.unit, seed=seed
        )
        tables["agreement"] = agreement.table
        tables["disagreements"] = agreement.disagreements
    if run["gold"]:
        from casekit.agreement.reports import evaluate_rules

        tables["rules-evaluation"] = evaluate_rules(
            store, gold=run["gold"], unit=selection.unit
        ).table
    return RunTables(tables, network, notes)

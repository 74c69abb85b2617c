"""Co-occurrence for 10^6 segments x 500 codes, and network statistics for 500 codes.

Run from the repository root::

    python benchmarks/bench_cooccurrence.py                 # 1,000,000 segments x 500 codes
    python benchmarks/bench_cooccurrence.py --segments 200000

It draws a seeded random coding table with a realistic shape (about 3 codes per segment,
code popularity falling off like Zipf's law, as in real codebooks where a few codes carry
most codings), then measures in the same process, each step timed and then re-run under
tracemalloc for its peak memory:

(a) reference: the bare sparse product ``X.T @ X`` on the same matrix;
(b) ``segment_code_matrix`` from the tidy codings frame (against a bare COO -> CSR build);
(c) ``code_cooccurrence``: all pairs with every measure, hypergeometric p-values and BH
    q-values (against a);
(d) a window matrix (3 segments) and its co-occurrence;
(e) network statistics for the 500 codes on the ``--top-edges`` heaviest Jaccard edges:
    ``network_node_table`` (degree, weighted degree, betweenness, eigenvector, Louvain with
    stability over 20 seeds) and bridges, against one bare ``nx.betweenness_centrality``.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from casekit.analysis.centrality import network_bridges, network_node_table
from casekit.analysis.cooccurrence import code_cooccurrence
from casekit.analysis.frequencies import code_frequencies
from casekit.analysis.matrix import segment_code_matrix
from casekit.analysis.network import build_code_network

MB = 1024 * 1024


def generate(n_segments: int, n_codes: int, per_segment: float, seed: int):
    """Codings and segments frames: Poisson codes per segment, Zipf-like code popularity."""
    rng = np.random.default_rng(seed)
    counts = rng.poisson(per_segment, size=n_segments)
    rows = np.repeat(np.arange(n_segments), counts)
    weights = 1.0 / np.arange(1, n_codes + 1) ** 0.8
    cols = rng.choice(n_codes, size=len(rows), p=weights / weights.sum())
    codes = np.array([f"C{j:03d}" for j in range(n_codes)], dtype=object)
    documents = np.char.add("doc", (np.arange(n_segments) // 200).astype(str))
    segments = pd.DataFrame(
        {
            "segment_id": np.arange(n_segments),
            "segment": np.char.add("s", np.arange(n_segments).astype(str)),
            "document": documents,
        }
    )
    codings = pd.DataFrame({"segment_id": rows, "code": codes[cols], "family": "element"})
    return codings, segments, rows, cols


def measure(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Seconds for one run, and peak traced memory (MiB) of a second run."""
    gc.collect()
    t0 = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t0
    del result
    gc.collect()
    tracemalloc.start()
    result = fn()
    peak = tracemalloc.get_traced_memory()[1] / MB
    tracemalloc.stop()
    return seconds, peak, result


def row(label: str, seconds: float, peak: float, ref: float | None = None) -> None:
    ratio = f"{seconds / ref:8.1f}x" if ref else " " * 9
    print(f"  {label:<52} {seconds:8.3f} s {ratio} {peak:9.1f} MiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=1_000_000)
    parser.add_argument("--codes", type=int, default=500)
    parser.add_argument("--per-segment", type=float, default=3.0)
    parser.add_argument("--top-edges", type=int, default=2500)
    parser.add_argument("--seed", type=int, default=20221)
    args = parser.parse_args(argv)

    codings, segments, rows, cols = generate(args.segments, args.codes, args.per_segment, args.seed)
    print(
        f"{args.segments:,} segments x {args.codes} codes, {len(codings):,} codings "
        f"(seed {args.seed}); time, ratio to its reference, peak traced memory"
    )

    def bare_build() -> sp.csr_array:
        X = sp.csr_array(
            (np.ones(len(rows), dtype=np.int32), (rows, cols)),
            shape=(args.segments, args.codes),
        )
        X.data[:] = 1
        return X

    t_build, m_build, _ = measure(bare_build)
    row("reference: bare COO -> CSR build", t_build, m_build)
    t_matrix, m_matrix, matrix = measure(lambda: segment_code_matrix(codings, segments))
    row("segment_code_matrix from the codings frame", t_matrix, m_matrix, t_build)
    print(f"  nnz {matrix.X.nnz:,} ({matrix.X.nnz / args.segments:.2f} codes per segment)")

    X = sp.csc_array(matrix.X, dtype=np.int64)
    t_ref, m_ref, _ = measure(lambda: X.T @ X)
    row("reference: bare X.T @ X", t_ref, m_ref)
    t_cooc, m_cooc, cooc = measure(lambda: code_cooccurrence(matrix))
    row("code_cooccurrence (all measures, p, q)", t_cooc, m_cooc, t_ref)
    print(f"  {len(cooc):,} pairs, {int((cooc['q_value'] < 0.05).sum()):,} with q < .05")
    t_win, m_win, windows = measure(lambda: segment_code_matrix(codings, segments, window=3))
    row("segment_code_matrix, windows of 3", t_win, m_win, t_build)
    t_wcooc, m_wcooc, _ = measure(lambda: code_cooccurrence(windows))
    row("code_cooccurrence over the windows", t_wcooc, m_wcooc, t_ref)

    frequencies = code_frequencies(codings, segments)
    G = build_code_network(cooc, frequencies, pd.DataFrame(), top_edges=args.top_edges)
    print(f"network: {G.number_of_nodes()} codes, {G.number_of_edges():,} edges")
    lengths = G.copy()
    nx.set_edge_attributes(lengths, {(a, b): 1 / w for a, b, w in G.edges(data="weight")}, "length")
    t_bet, m_bet, _ = measure(lambda: nx.betweenness_centrality(lengths, weight="length"))
    row("reference: nx.betweenness_centrality", t_bet, m_bet)
    t_nodes, m_nodes, _ = measure(lambda: network_node_table(G, seed=args.seed))
    row("network_node_table (+ Louvain x 20 seeds)", t_nodes, m_nodes, t_bet)
    t_bridges, m_bridges, _ = measure(lambda: network_bridges(G))
    row("network_bridges", t_bridges, m_bridges, t_bet)
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS {peak_rss:,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Analyses over tidy codings: frequencies, cross-tabs, co-occurrence, networks, patterns, models.

Every function takes the frames of :mod:`casekit.selection` (or a matrix built from them) and
returns DataFrames, graphs or small result objects; none opens the store. scikit-learn is
imported only when a model function runs.
"""

from casekit.analysis.attribute_patterns import AttributePatterns, patterns_by_attribute
from casekit.analysis.centrality import NetworkBridges, network_bridges, network_node_table
from casekit.analysis.clusters import CodeClusters, cluster_codes
from casekit.analysis.communities import Communities, detect_communities
from casekit.analysis.cooccurrence import MEASURES, benjamini_hochberg, code_cooccurrence
from casekit.analysis.correspondence import CorrespondenceAnalysis, correspondence_analysis
from casekit.analysis.crosstab import CrosstabResult, code_crosstab, code_table
from casekit.analysis.frequencies import code_frequencies
from casekit.analysis.hypergeometric import hypergeometric_upper_tail
from casekit.analysis.itemsets import FrequentCodeSets, frequent_code_sets
from casekit.analysis.matrix import SegmentCodeMatrix, segment_code_matrix
from casekit.analysis.network import build_code_network, ego_network
from casekit.analysis.network_export import write_gexf, write_graphml, write_network_tables
from casekit.analysis.patterns import DilemmaPatterns, dilemma_patterns
from casekit.analysis.patterns_text import render_patterns
from casekit.analysis.suggest import CodeSuggestions, suggest_codes
from casekit.analysis.themes import Themes, find_themes, uncovered_segments

__all__ = [
    "MEASURES",
    "AttributePatterns",
    "CodeClusters",
    "CodeSuggestions",
    "Communities",
    "CorrespondenceAnalysis",
    "CrosstabResult",
    "DilemmaPatterns",
    "FrequentCodeSets",
    "NetworkBridges",
    "SegmentCodeMatrix",
    "Themes",
    "benjamini_hochberg",
    "build_code_network",
    "cluster_codes",
    "code_cooccurrence",
    "code_crosstab",
    "code_frequencies",
    "code_table",
    "correspondence_analysis",
    "detect_communities",
    "dilemma_patterns",
    "ego_network",
    "find_themes",
    "frequent_code_sets",
    "hypergeometric_upper_tail",
    "network_bridges",
    "network_node_table",
    "patterns_by_attribute",
    "render_patterns",
    "segment_code_matrix",
    "suggest_codes",
    "uncovered_segments",
    "write_gexf",
    "write_graphml",
    "write_network_tables",
]

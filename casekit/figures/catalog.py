"""Names and one-line descriptions of the figures, importable without matplotlib or pandas."""

from __future__ import annotations

from collections.abc import Iterable

from casekit.errors import CasekitError

__all__ = ["FIGURE_DESCRIPTIONS", "FIGURE_NAMES", "check_figure_names"]

FIGURE_DESCRIPTIONS: dict[str, str] = {
    "code-frequencies": "code frequency bars, grouped by family",
    "frequencies-by-group": "share of segments per category, one panel per document type",
    "cooccurrence-heatmap": "clustered co-occurrence heatmap, significant pairs marked",
    "code-network": "code network: node size = frequency, edge width = strength",
    "dilemma-patterns": "dilemmas x the elements and strategies they co-occur with",
    "attribute-residuals": "categories x a document attribute: adjusted residuals",
    "code-dendrogram": "dendrogram of codes clustered by co-occurrence",
    "correspondence-map": "correspondence analysis of categories x document type",
}
FIGURE_NAMES: tuple[str, ...] = tuple(FIGURE_DESCRIPTIONS)


def check_figure_names(names: Iterable[str]) -> None:
    """Raise for any name that is not a figure, listing the valid ones."""
    unknown = [n for n in names if n not in FIGURE_DESCRIPTIONS]
    if unknown:
        raise CasekitError(
            f"unknown figure(s): {', '.join(unknown)}; choose from: {', '.join(FIGURE_NAMES)}"
        )

"""Thesis figures: print-ready PDF, SVG and PNG that come out byte-identical on every run.

Attributes are loaded lazily, so ``import casekit.figures`` does not import matplotlib or
pandas until a figure function is used.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "FIGURES",
    "FIGURE_NAMES",
    "FORMATS",
    "FigureBuild",
    "FigureData",
    "FigureOptions",
    "FigureOutput",
    "FigureResult",
    "build_figures",
    "figure_bytes",
    "find_cjk_font",
    "load_figure_data",
    "plot_attribute_residuals",
    "plot_code_dendrogram",
    "plot_code_frequencies",
    "plot_code_network",
    "plot_cooccurrence_heatmap",
    "plot_correspondence_map",
    "plot_dilemma_patterns",
    "plot_frequencies_by_group",
    "render_figures",
    "resolve_language",
    "save_figure",
]

_HOMES = {
    "FIGURES": "build",
    "FIGURE_NAMES": "catalog",
    "FORMATS": "save",
    "FigureBuild": "build",
    "FigureData": "build",
    "FigureOptions": "build",
    "FigureOutput": "build",
    "FigureResult": "base",
    "build_figures": "build",
    "figure_bytes": "save",
    "find_cjk_font": "style",
    "load_figure_data": "build",
    "plot_attribute_residuals": "attributes",
    "plot_code_dendrogram": "dendrogram",
    "plot_code_frequencies": "frequencies",
    "plot_code_network": "network",
    "plot_cooccurrence_heatmap": "heatmap",
    "plot_correspondence_map": "correspondence",
    "plot_dilemma_patterns": "patterns",
    "plot_frequencies_by_group": "frequencies",
    "render_figures": "build",
    "resolve_language": "style",
    "save_figure": "save",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'casekit.figures' has no attribute '{name}'")
    return getattr(importlib.import_module(f"casekit.figures.{_HOMES[name]}"), name)

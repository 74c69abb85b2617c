"""The self-contained HTML report: summary, codebook, figures, tables, patterns, documents.

Attributes are loaded lazily, so importing the package stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "ReportData",
    "ReportDocument",
    "ReportFigure",
    "ReportOutput",
    "build_report",
    "figures_from_build",
    "highlight_text",
    "inline_svg",
    "load_report_data",
    "report_figures",
    "write_report",
]

_HOMES = {
    "ReportData": "data",
    "ReportDocument": "data",
    "ReportFigure": "html",
    "ReportOutput": "html",
    "build_report": "html",
    "figures_from_build": "html",
    "highlight_text": "documents",
    "inline_svg": "svg",
    "load_report_data": "data",
    "report_figures": "html",
    "write_report": "html",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'casekit.report' has no attribute '{name}'")
    return getattr(importlib.import_module(f"casekit.report.{_HOMES[name]}"), name)

"""Codebooks as code: load and validate the YAML codebook, export it, compare versions."""

from __future__ import annotations

from casekit.codebook.diff import CodebookDiff, CodeChange, diff_codebooks, render_diff
from casekit.codebook.export import (
    CSV_COLUMNS,
    EXPORT_FORMATS,
    code_guid,
    codebook_rows,
    escape_latex,
    export_codebook,
    render_tree,
)
from casekit.codebook.loader import (
    SUPPORTED_LANGUAGES,
    CodebookCheck,
    check_codebook,
    check_codebook_text,
    load_codebook,
    loads_codebook,
    validate_codebook,
)
from casekit.codebook.model import (
    FAMILY_COLORS,
    Code,
    Codebook,
    Negation,
    PatternRule,
    ProximityRule,
    RegexRule,
    Rules,
    family_color,
)

__all__ = [
    "CSV_COLUMNS",
    "EXPORT_FORMATS",
    "FAMILY_COLORS",
    "SUPPORTED_LANGUAGES",
    "Code",
    "CodeChange",
    "Codebook",
    "CodebookCheck",
    "CodebookDiff",
    "Negation",
    "PatternRule",
    "ProximityRule",
    "RegexRule",
    "Rules",
    "check_codebook",
    "check_codebook_text",
    "code_guid",
    "codebook_rows",
    "diff_codebooks",
    "escape_latex",
    "export_codebook",
    "family_color",
    "load_codebook",
    "loads_codebook",
    "render_diff",
    "render_tree",
    "validate_codebook",
]

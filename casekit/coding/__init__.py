"""Automatic coding: the rule engine (keywords, patterns, regexes, proximity, polarity)."""

from __future__ import annotations

from casekit.coding.hits import Explanation, Hit, NearMiss, reduce_hits
from casekit.coding.rules import (
    CompiledCodebook,
    apply_rules,
    apply_rules_to_segments,
    compile_codebook,
    compile_from_path,
    explain,
)
from casekit.coding.selftest import ExampleResult, run_codebook_tests

__all__ = [
    "CompiledCodebook",
    "ExampleResult",
    "Explanation",
    "Hit",
    "NearMiss",
    "apply_rules",
    "apply_rules_to_segments",
    "compile_codebook",
    "compile_from_path",
    "explain",
    "reduce_hits",
    "run_codebook_tests",
]

"""Agreement between coders, and automatic coding evaluated against a human gold standard."""

from __future__ import annotations

from casekit.agreement.data import (
    POOLED,
    agreement_scope,
    agreement_table,
    check_coders,
    disagreements,
    scope_documents,
)
from casekit.agreement.errors import AgreementError
from casekit.agreement.evaluate import MACRO, MICRO, evaluation_errors, evaluation_table, gold_scope
from casekit.agreement.reports import (
    AgreementReport,
    EvaluationReport,
    Scope,
    compare_coders,
    evaluate_rules,
)
from casekit.agreement.stats import (
    bootstrap_ci,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
)

__all__ = [
    "MACRO",
    "MICRO",
    "POOLED",
    "AgreementError",
    "AgreementReport",
    "EvaluationReport",
    "Scope",
    "agreement_scope",
    "agreement_table",
    "bootstrap_ci",
    "check_coders",
    "cohen_kappa",
    "compare_coders",
    "disagreements",
    "evaluate_rules",
    "evaluation_errors",
    "evaluation_table",
    "fleiss_kappa",
    "gold_scope",
    "krippendorff_alpha",
    "percent_agreement",
    "scope_documents",
]

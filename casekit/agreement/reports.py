"""Agreement and rule evaluation for a project: read the tables from the store, compute, report.

The commands call these; the computations themselves are the DataFrame functions of
:mod:`casekit.agreement.data` and :mod:`casekit.agreement.evaluate`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from casekit.agreement.data import (
    Mode,
    agreement_table,
    check_coders,
    disagreements,
    scope_documents,
)
from casekit.agreement.errors import AgreementError
from casekit.agreement.evaluate import (
    ErrorKind,
    evaluation_errors,
    evaluation_table,
    gold_scope,
)
from casekit.selection import codes_frame, codings_frame, segments_frame
from casekit.store import Store

__all__ = ["AgreementReport", "EvaluationReport", "Scope", "compare_coders", "evaluate_rules"]


@dataclass(frozen=True)
class Scope:
    """What was compared: the unit, the documents in scope, and documents left out."""

    unit: str
    documents: list[str]
    n_segments: int
    left_out: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "unit": self.unit,
            "documents": list(self.documents),
            "n_segments": self.n_segments,
            "left_out": list(self.left_out),
        }


@dataclass(frozen=True)
class AgreementReport:
    """The result of :func:`compare_coders`."""

    coders: list[str]
    mode: str
    scope: Scope
    table: pd.DataFrame
    disagreements: pd.DataFrame
    seed: int | None
    n_resamples: int

    def summary(self) -> str:
        """What was compared and how the interval was made, for people."""
        n_docs = len(self.scope.documents)
        line = (
            f"scope: {self.scope.n_segments} {self.scope.unit} segments in {n_docs} "
            f"document{'s' if n_docs != 1 else ''} coded by every coder "
            f"({', '.join(self.coders)}); {len(self.disagreements)} disagreements"
        )
        if self.scope.left_out:
            line += f"; left out, coded by only some: {', '.join(self.scope.left_out)}"
        if self.n_resamples:
            line += (
                f"\nci_low, ci_high: 95% percentile bootstrap interval of alpha "
                f"({self.n_resamples} resamples of segments, seed {self.seed})"
            )
        return line


@dataclass(frozen=True)
class EvaluationReport:
    """The result of :func:`evaluate_rules`; ``errors`` holds the listed fp or fn, if asked."""

    gold: str
    scope: Scope
    table: pd.DataFrame
    errors: pd.DataFrame | None = None

    def summary(self) -> str:
        """One line saying what was compared, for people."""
        n_docs = len(self.scope.documents)
        return (
            f"scope: {self.scope.n_segments} {self.scope.unit} segments in {n_docs} "
            f"document{'s' if n_docs != 1 else ''} {self.gold} coded; automatic codings "
            f"against {self.gold}'s codings"
        )


def _check_codes(store: Store, codes: Sequence[str] | None, codings: pd.DataFrame) -> None:
    if not codes:
        return
    known = set(codes_frame(store)["code"]) | set(codings["code"])
    unknown = [c for c in dict.fromkeys(codes) if c not in known]
    if unknown:
        raise AgreementError(
            f"unknown code{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
            "'casekit codebook show' lists the code ids"
        )


def compare_coders(
    store: Store,
    *,
    coders: Sequence[str],
    unit: str,
    codes: Sequence[str] | None = None,
    mode: Mode = "presence",
    level: int | None = None,
    n_resamples: int = 1000,
    seed: int | None = None,
) -> AgreementReport:
    """Agreement between ``coders`` on the project's codings at ``unit``.

    Reads every coding (manual and automatic: the automatic coder is ``rules``) viewed at
    ``unit``, rolled up to ``level`` if given, and computes
    :func:`~casekit.agreement.data.agreement_table` and
    :func:`~casekit.agreement.data.disagreements`.

    Raises
    ------
    AgreementError
        Unknown coder or code, fewer than two coders, nothing in scope, or (exclusive mode)
        a coder who gave one segment two codes of the set.
    """
    codings = codings_frame(store, unit=unit, level=level)
    coders = check_coders(codings, coders)
    _check_codes(store, codes, codings)
    segments = segments_frame(store, unit=unit)
    table = agreement_table(
        codings,
        segments,
        coders=coders,
        codes=codes,
        mode=mode,
        n_resamples=n_resamples,
        seed=seed,
    )
    found = disagreements(codings, segments, coders=coders, codes=codes, mode=mode)
    in_scope, left_out = scope_documents(codings, coders=coders)
    documents = sorted(set(in_scope) & set(segments["document"]))
    n_segments = int(segments["document"].isin(documents).sum())
    return AgreementReport(
        coders=coders,
        mode=mode,
        scope=Scope(unit, documents, n_segments, left_out),
        table=table,
        disagreements=found,
        seed=seed,
        n_resamples=n_resamples,
    )


def evaluate_rules(
    store: Store,
    *,
    gold: str,
    unit: str,
    codes: Sequence[str] | None = None,
    level: int | None = None,
    show: ErrorKind | None = None,
) -> EvaluationReport:
    """Precision, recall and F1 of the automatic codings against the manual codings of ``gold``.

    ``show`` also lists the false positives (``"fp"``) or negatives (``"fn"``).

    Raises
    ------
    AgreementError
        Unknown gold coder or code, no segments in scope, no automatic codings in scope.
    """
    codings = codings_frame(store, unit=unit, level=level)
    _check_codes(store, codes, codings)
    segments = segments_frame(store, unit=unit)
    table = evaluation_table(codings, segments, gold=gold, codes=codes)
    errors = (
        evaluation_errors(codings, segments, gold=gold, kind=show, codes=codes) if show else None
    )
    scoped = gold_scope(codings, segments, gold=gold)
    scope = Scope(unit, sorted(scoped["document"].unique()), len(scoped))
    return EvaluationReport(gold=gold, scope=scope, table=table, errors=errors)

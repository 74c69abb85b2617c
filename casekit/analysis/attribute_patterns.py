"""Where dilemmas concentrate: share of segments with each dilemma category per attribute value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from casekit.analysis.cooccurrence import benjamini_hochberg
from casekit.analysis.crosstab import contingency_test
from casekit.analysis.frequencies import group_values
from casekit.analysis.inputs import require_columns
from casekit.analysis.matrix import group_indicator, segment_code_matrix
from casekit.errors import CasekitError

__all__ = ["AttributePatterns", "patterns_by_attribute"]


@dataclass(frozen=True)
class AttributePatterns:
    """Result of :func:`patterns_by_attribute`.

    Attributes
    ----------
    shares
        ``<rows>, <by>, segments, total, share, residual``: segments of the group carrying the
        row value, segments in the group, their ratio, and the adjusted standardised residual
        of the "carries it" cell of the row's 2 x k table (beyond ±1.96: more or fewer than
        independence predicts). Sorted by row value, then group.
    tests
        ``<rows>, chi2, dof, p_value, q_value, low_expected_cells``: per row value, the
        chi-square test of "segment carries it" against the groups (2 x k, no continuity
        correction), ``q_value`` Benjamini-Hochberg over the rows tested. Rows with fewer than
        two groups, or present in every or no segment, are not tested (NaN).
    """

    shares: pd.DataFrame
    tests: pd.DataFrame


def patterns_by_attribute(
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    *,
    by: str,
    family: str | None = "dilemma",
    rows: Literal["code", "category", "family"] = "category",
) -> AttributePatterns:
    """Is each (dilemma) category concentrated in some values of a document attribute?

    Parameters
    ----------
    codings, segments
        ``codings_frame`` and ``segments_frame`` at one unit; shares are out of the segments.
    by
        Attribute column of ``segments`` (``level``, ``doc_type``, ``department`` ...).
    family
        Keep codes of this family only (``None``: all codes).
    rows
        Count per ``category`` (top-level code), ``code`` or ``family``.

    Examples
    --------
    >>> result = patterns_by_attribute(codings, segments, by="level")  # doctest: +SKIP
    >>> result.tests.query("q_value < 0.05")  # doctest: +SKIP
    """
    require_columns(codings, ("segment_id", "code", "family", rows), "codings")
    values = group_values(segments, by)
    chosen = codings if family is None else codings[codings["family"] == family]
    if chosen.empty:
        raise CasekitError(
            f"no codings of family '{family}' in this selection; check --source/--coder"
        )
    matrix = segment_code_matrix(chosen.assign(code=chosen[rows].astype(str)), segments)
    G, names = group_indicator(values.to_numpy())
    present = (G @ matrix.X).toarray()  # groups x row values
    totals = np.asarray(G.sum(axis=1)).ravel().astype(np.int64)
    order = np.argsort(np.asarray(names, dtype=object), kind="stable")
    names = [names[i] for i in order]
    present, totals = present[order], totals[order]
    share_rows, test_rows = [], []
    for j, value in enumerate(matrix.codes):
        carrying = present[:, j].astype(np.int64)
        table = pd.DataFrame(
            [carrying, totals - carrying], index=["yes", "no"], columns=pd.Index(names)
        )
        residual = np.full(len(names), np.nan)
        test = {rows: value, "chi2": np.nan, "dof": 0, "p_value": np.nan, "low_expected_cells": 0}
        testable = len(names) >= 2 and 0 < carrying.sum() < totals.sum()
        if testable:
            result = contingency_test(table)
            residual = result.residuals.loc["yes"].reindex(names).to_numpy()
            test.update(
                chi2=result.chi2,
                dof=result.dof,
                p_value=result.p_value,
                low_expected_cells=result.n_low_expected,
            )
        test_rows.append(test)
        for g, name in enumerate(names):
            share_rows.append(
                {
                    rows: value,
                    by: name,
                    "segments": int(carrying[g]),
                    "total": int(totals[g]),
                    "share": carrying[g] / totals[g] if totals[g] else 0.0,
                    "residual": float(residual[g]),
                }
            )
    tests = pd.DataFrame(test_rows, columns=[rows, "chi2", "dof", "p_value", "low_expected_cells"])
    tested = tests["p_value"].notna().to_numpy()
    q = np.full(len(tests), np.nan)
    q[tested] = benjamini_hochberg(tests.loc[tested, "p_value"].to_numpy())
    tests.insert(4, "q_value", q)
    tests["dof"] = tests["dof"].astype(np.int64)
    tests["low_expected_cells"] = tests["low_expected_cells"].astype(np.int64)
    shares = pd.DataFrame(share_rows, columns=[rows, by, "segments", "total", "share", "residual"])
    return AttributePatterns(shares=shares, tests=tests)

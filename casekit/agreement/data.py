"""Coder x segment matrices built from a codings table, and the agreement tables computed on them.

Inputs are the tidy frames of :mod:`casekit.selection`: ``codings`` (at least the columns
``document, segment_id, code, coder``) viewed at one unit, and ``segments`` (at least
``segment_id, segment, document, idx, text``) of that unit. Nothing here opens the store.

Scope: agreement is measured on every segment of the documents that *every* compared coder
coded at least once (with any code). A document only some coders worked on is left out:
counting its segments as "absent" for the coders who never read it would report
disagreement that is really division of labour.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from casekit.agreement.errors import AgreementError
from casekit.agreement.stats import (
    bootstrap_ci,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
)

__all__ = [
    "DISAGREEMENT_COLUMNS",
    "POOLED",
    "Mode",
    "agreement_scope",
    "agreement_table",
    "check_coders",
    "disagreements",
    "scope_documents",
]

Mode = Literal["presence", "exclusive"]

# The label of the row that pools every code's decisions.
POOLED = "(pooled)"

DISAGREEMENT_COLUMNS = ["segment", "document", "code", "coded_by", "not_coded_by", "text"]

_NO_CODERS = "none yet (add codings with 'casekit code add' or 'casekit import codings')"


def check_coders(codings: pd.DataFrame, coders: Sequence[str]) -> list[str]:
    """The coders to compare, each once, in the order given.

    Raises
    ------
    AgreementError
        Fewer than two distinct coders, or a coder with no codings (the message lists the
        known coders).
    """
    wanted = list(dict.fromkeys(coders))
    if len(wanted) < 2:
        got = f" ({wanted[0]})" if wanted else ""
        raise AgreementError(
            f"agreement needs at least two coders, got {len(wanted)}{got}; "
            "name them with --coders A B"
        )
    known = sorted(codings["coder"].dropna().unique())
    unknown = [c for c in wanted if c not in known]
    if unknown:
        names = ", ".join(f"'{c}'" for c in unknown)
        raise AgreementError(
            f"unknown coder{'s' if len(unknown) > 1 else ''} {names}: no codings by that name; "
            f"known coders: {', '.join(known) if known else _NO_CODERS}"
        )
    return wanted


def scope_documents(codings: pd.DataFrame, *, coders: Sequence[str]) -> tuple[list[str], list[str]]:
    """Documents every coder coded, and documents only some of them coded; both sorted."""
    wanted = set(coders)
    by_doc = codings[codings["coder"].isin(wanted)].groupby("document")["coder"].nunique()
    in_scope = sorted(by_doc.index[by_doc == len(wanted)])
    left_out = sorted(by_doc.index[by_doc < len(wanted)])
    return in_scope, left_out


def agreement_scope(
    codings: pd.DataFrame, segments: pd.DataFrame, *, coders: Sequence[str]
) -> pd.DataFrame:
    """The segments agreement is measured on: all segments of the documents every coder coded.

    Returns
    -------
    DataFrame
        The rows of ``segments`` in scope, same columns, sorted by document then ``idx``.
    """
    in_scope, _ = scope_documents(codings, coders=coders)
    scoped = segments[segments["document"].isin(in_scope)]
    return scoped.sort_values(["document", "idx"], ignore_index=True)


def _scoped_input(
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    coders: Sequence[str],
    codes: Sequence[str] | None,
) -> tuple[list[str], pd.DataFrame, pd.DataFrame, list[str]]:
    """Checked coders, the scope segments, the relevant codings and the codes to report."""
    coders = check_coders(codings, coders)
    units = agreement_scope(codings, segments, coders=coders)
    if units.empty:
        _, left_out = scope_documents(codings, coders=coders)
        some = f" (only some of them coded: {', '.join(left_out)})" if left_out else ""
        raise AgreementError(
            f"no segments to compare: no document with segments of this unit was coded by "
            f"every one of {', '.join(coders)}{some}; agreement needs documents all coders coded"
        )
    kept = codings[codings["coder"].isin(coders) & codings["segment_id"].isin(units["segment_id"])]
    if codes:
        chosen = sorted(set(codes))
        kept = kept[kept["code"].isin(chosen)]
    else:
        chosen = sorted(kept["code"].unique())
    kept = kept.drop_duplicates(["coder", "segment_id", "code"])[["coder", "segment_id", "code"]]
    return coders, units, kept, chosen


def _presence_cube(
    kept: pd.DataFrame, units: pd.DataFrame, coders: list[str], codes: list[str]
) -> np.ndarray:
    """``cube[code, coder, unit]`` is True when the coder applied the code to the segment."""
    cube = np.zeros((len(codes), len(coders), len(units)), dtype=bool)
    if len(kept):
        cube[
            pd.Index(codes).get_indexer(kept["code"]),
            pd.Index(coders).get_indexer(kept["coder"]),
            pd.Index(units["segment_id"]).get_indexer(kept["segment_id"]),
        ] = True
    return cube


def _exclusive_matrix(
    kept: pd.DataFrame, units: pd.DataFrame, coders: list[str], codes: list[str]
) -> np.ndarray:
    """Coders x units of code indices (NaN = uncoded); one code per coder and segment."""
    per_unit = kept.groupby(["coder", "segment_id"])["code"].agg(sorted)
    clashes = per_unit[per_unit.map(len) > 1]
    if len(clashes):
        key = units.set_index("segment_id")["segment"]
        shown = [
            f"{coder} gave {key[seg]} {', '.join(found)}"
            for (coder, seg), found in clashes.head(5).items()
        ]
        more = f" (and {len(clashes) - 5} more)" if len(clashes) > 5 else ""
        raise AgreementError(
            "exclusive mode allows one code of the set per coder and segment, but "
            + "; ".join(shown)
            + more
            + ". Choose codes that exclude each other with --codes, or use --mode presence"
        )
    matrix = np.full((len(coders), len(units)), np.nan)
    if len(kept):
        matrix[
            pd.Index(coders).get_indexer(kept["coder"]),
            pd.Index(units["segment_id"]).get_indexer(kept["segment_id"]),
        ] = pd.Index(codes).get_indexer(kept["code"])
    return matrix


def _interval(
    data: np.ndarray,
    n_resamples: int,
    confidence: float,
    seed: int | None,
    clusters: np.ndarray | None = None,
) -> tuple[float, float]:
    if n_resamples == 0:
        return (float("nan"), float("nan"))
    # A fresh generator per row: a code's interval does not depend on the other rows.
    return bootstrap_ci(
        data,
        "alpha",
        n_resamples=n_resamples,
        confidence=confidence,
        seed=seed,
        clusters=clusters,
    )


def _presence_row(
    label: str,
    data: np.ndarray,
    coders: list[str],
    interval: tuple[float, float],
) -> dict[str, object]:
    row: dict[str, object] = {"code": label, "n_units": int(data.shape[1])}
    for coder, positives in zip(coders, data.sum(axis=1), strict=True):
        row[f"n_positive_{coder}"] = int(positives)
    row["percent"] = percent_agreement(data)
    row["cohen"] = cohen_kappa(data) if len(coders) == 2 else float("nan")
    row["fleiss"] = fleiss_kappa(data)
    row["alpha"] = krippendorff_alpha(data)
    row["ci_low"], row["ci_high"] = interval
    return row


def agreement_table(
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    *,
    coders: Sequence[str],
    codes: Sequence[str] | None = None,
    mode: Mode = "presence",
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int | None = None,
) -> pd.DataFrame:
    """Agreement between coders per code (``presence``) or over a set of exclusive codes.

    Parameters
    ----------
    codings
        Codings viewed at one unit (:func:`casekit.selection.codings_frame`), any coders.
    segments
        All segments of that unit (:func:`casekit.selection.segments_frame`).
    coders
        Two or more coder names.
    codes
        Codes to report; default: every code a listed coder applied in scope.
    mode
        ``"presence"``: each code is a separate yes/no decision on every segment in scope.
        ``"exclusive"``: each coder gives each segment at most one code of the set; a
        segment a coder left without one of these codes is a missing value.
    n_resamples
        Bootstrap resamples for the confidence interval of alpha; 0 skips it (NaN bounds).
    confidence
        Coverage of the interval.
    seed
        Seed of the bootstrap; each row uses a generator seeded with it.

    Returns
    -------
    DataFrame
        ``presence``: one row per code (sorted), then the row ``(pooled)`` that stacks every
        code x segment decision (its interval resamples whole segments). Columns: ``code,
        n_units, n_positive_<coder>`` (one per coder, in the order given), ``percent``
        (0-100), ``cohen`` (NaN unless exactly two coders), ``fleiss, alpha, ci_low,
        ci_high`` (interval of alpha).

        ``exclusive``: one row. Columns: ``codes`` (the set, space-separated), ``n_units``
        (segments in scope with a code of the set from at least one coder), ``n_pairable``
        (from at least two coders: what alpha uses), ``n_coded_<coder>``, ``percent``,
        ``alpha, ci_low, ci_high``.

        Undefined statistics are NaN (e.g. alpha of a code nobody applied).

    Raises
    ------
    AgreementError
        Unknown coder, fewer than two coders, nothing in scope, or (``exclusive``) a coder
        who gave one segment two codes of the set.

    Examples
    --------
    >>> agreement_table(codings, segments, coders=["li", "wang"], seed=20221)  # doctest: +SKIP
    """
    coders, units, kept, chosen = _scoped_input(codings, segments, coders, codes)
    if mode == "presence":
        cube = _presence_cube(kept, units, coders, chosen)
        rows = []
        for label, decisions in zip(chosen, cube, strict=True):
            data = decisions.astype(float)
            rows.append(
                _presence_row(label, data, coders, _interval(data, n_resamples, confidence, seed))
            )
        pooled = cube.transpose(1, 0, 2).reshape(len(coders), -1).astype(float)
        clusters = np.tile(np.arange(len(units)), len(chosen))
        rows.append(
            _presence_row(
                POOLED,
                pooled,
                coders,
                _interval(pooled, n_resamples, confidence, seed, clusters),
            )
        )
        columns = [
            "code",
            "n_units",
            *(f"n_positive_{c}" for c in coders),
            "percent",
            "cohen",
            "fleiss",
            "alpha",
            "ci_low",
            "ci_high",
        ]
        return pd.DataFrame(rows, columns=columns)
    if mode != "exclusive":
        raise ValueError(f"mode must be 'presence' or 'exclusive', got {mode!r}")
    matrix = _exclusive_matrix(kept, units, coders, chosen)
    rated = ~np.isnan(matrix)
    matrix = matrix[:, rated.any(axis=0)]
    rated = ~np.isnan(matrix)
    row: dict[str, object] = {
        "codes": " ".join(chosen),
        "n_units": int(matrix.shape[1]),
        "n_pairable": int((rated.sum(axis=0) >= 2).sum()),
    }
    for coder, n in zip(coders, rated.sum(axis=1), strict=True):
        row[f"n_coded_{coder}"] = int(n)
    row["percent"] = percent_agreement(matrix)
    row["alpha"] = krippendorff_alpha(matrix)
    row["ci_low"], row["ci_high"] = _interval(matrix, n_resamples, confidence, seed)
    columns = [
        "codes",
        "n_units",
        "n_pairable",
        *(f"n_coded_{c}" for c in coders),
        "percent",
        "alpha",
        "ci_low",
        "ci_high",
    ]
    return pd.DataFrame([row], columns=columns)


def disagreements(
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    *,
    coders: Sequence[str],
    codes: Sequence[str] | None = None,
    mode: Mode = "presence",
) -> pd.DataFrame:
    """The decisions the coders did not agree on, with the segment text.

    ``presence``: every (segment, code) in scope that some but not all coders applied.
    ``exclusive``: every segment on which coders gave different codes of the set, one row
    per code given there (segments only one coder coded are missing values, not
    disagreements).

    Returns
    -------
    DataFrame
        Columns ``segment, document, code, coded_by, not_coded_by, text``; ``coded_by`` and
        ``not_coded_by`` are lists of coder names in the order given. Sorted by document,
        segment position, code.

    Raises
    ------
    AgreementError
        As :func:`agreement_table`.
    """
    coders, units, kept, chosen = _scoped_input(codings, segments, coders, codes)
    pairs: list[tuple[str, int, np.ndarray]] = []  # (code, unit position, who gave it)
    if mode == "presence":
        cube = _presence_cube(kept, units, coders, chosen)
        code_i, unit_i = np.nonzero(cube.any(axis=1) & ~cube.all(axis=1))
        pairs = [(chosen[c], int(u), cube[c, :, u]) for c, u in zip(code_i, unit_i, strict=True)]
    elif mode == "exclusive":
        matrix = _exclusive_matrix(kept, units, coders, chosen)
        for u in range(matrix.shape[1]):
            given = matrix[:, u]
            distinct = np.unique(given[~np.isnan(given)])
            if len(distinct) > 1:
                pairs += [(chosen[int(v)], u, given == v) for v in distinct]
    else:
        raise ValueError(f"mode must be 'presence' or 'exclusive', got {mode!r}")
    rows = [
        {
            "segment": units.at[u, "segment"],
            "document": units.at[u, "document"],
            "code": code,
            "coded_by": [c for c, yes in zip(coders, mask, strict=True) if yes],
            "not_coded_by": [c for c, yes in zip(coders, mask, strict=True) if not yes],
            "text": units.at[u, "text"],
            "_order": u,
        }
        for code, u, mask in pairs
    ]
    frame = pd.DataFrame(rows, columns=[*DISAGREEMENT_COLUMNS, "_order"])
    frame = frame.sort_values(["_order", "code"], ignore_index=True)
    return frame[DISAGREEMENT_COLUMNS]

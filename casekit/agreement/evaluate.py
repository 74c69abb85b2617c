"""Automatic codings scored against a human coder's (the gold standard), per code, at segment level.

A decision is a (segment, code) pair: the rules either applied the code somewhere in the
segment or not, and so did the gold coder. Scope: every segment of the documents the gold
coder coded at least once (with any code), since those are the documents the coder read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import pandas as pd

from casekit.agreement.errors import AgreementError

__all__ = [
    "ERROR_COLUMNS",
    "MACRO",
    "MICRO",
    "SCORE_COLUMNS",
    "ErrorKind",
    "evaluation_errors",
    "evaluation_table",
    "gold_scope",
]

ErrorKind = Literal["fp", "fn"]

MICRO = "(micro)"
MACRO = "(macro)"
SCORE_COLUMNS = ["code", "tp", "fp", "fn", "precision", "recall", "f1", "support"]
ERROR_COLUMNS = ["segment", "document", "code", "rule", "span", "text"]

_NO_CODERS = "none yet (add codings with 'casekit code add' or 'casekit import codings')"


def gold_scope(codings: pd.DataFrame, segments: pd.DataFrame, *, gold: str) -> pd.DataFrame:
    """Segments the evaluation counts: every segment of the documents ``gold`` coded.

    Returns
    -------
    DataFrame
        The rows of ``segments`` in scope, same columns, sorted by document then ``idx``.

    Raises
    ------
    AgreementError
        ``gold`` has no manual codings (the message lists the coders who do).
    """
    manual = codings[codings["source"] == "manual"]
    known = sorted(manual["coder"].dropna().unique())
    if gold not in known:
        raise AgreementError(
            f"unknown gold coder '{gold}': no manual codings by that name; "
            f"known coders: {', '.join(known) if known else _NO_CODERS}"
        )
    documents = manual.loc[manual["coder"] == gold, "document"].unique()
    scoped = segments[segments["document"].isin(documents)]
    return scoped.sort_values(["document", "idx"], ignore_index=True)


def _decisions(
    codings: pd.DataFrame, segments: pd.DataFrame, gold: str, codes: Sequence[str] | None
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Scope segments, one row per (segment, code) with its outcome, and the codes to score."""
    units = gold_scope(codings, segments, gold=gold)
    if units.empty:
        raise AgreementError(
            f"the documents {gold} coded have no segments of this unit; choose another --unit"
        )
    in_scope = codings["segment_id"].isin(units["segment_id"])
    auto = codings[in_scope & (codings["source"] == "auto")]
    truth = codings[in_scope & (codings["source"] == "manual") & (codings["coder"] == gold)]
    if auto.empty:
        n_docs = units["document"].nunique()
        raise AgreementError(
            f"no automatic codings in the {n_docs} document{'s' if n_docs != 1 else ''} "
            f"{gold} coded; run 'casekit autocode' first"
        )
    if codes:
        chosen = sorted(set(codes))
        auto = auto[auto["code"].isin(chosen)]
        truth = truth[truth["code"].isin(chosen)]
    else:
        chosen = sorted(set(auto["code"]) | set(truth["code"]))
    keys = ["segment_id", "code"]
    merged = (
        auto[keys]
        .drop_duplicates()
        .merge(truth[keys].drop_duplicates(), how="outer", on=keys, indicator=True)
    )
    merged["outcome"] = merged["_merge"].map({"both": "tp", "left_only": "fp", "right_only": "fn"})
    return units, merged[[*keys, "outcome"]], chosen


def evaluation_table(
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    *,
    gold: str,
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Precision, recall and F1 of the automatic codings against ``gold``'s, per code.

    Parameters
    ----------
    codings
        Codings viewed at one unit (:func:`casekit.selection.codings_frame`), automatic and
        manual.
    segments
        All segments of that unit (:func:`casekit.selection.segments_frame`).
    gold
        The human coder whose manual codings are the reference.
    codes
        Codes to score; default: every code the rules or the gold coder applied in scope.

    Returns
    -------
    DataFrame
        Columns ``code, tp, fp, fn, precision, recall, f1, support`` (``support = tp + fn``,
        the segments the gold coder gave the code). One row per code, sorted, then
        ``(micro)`` (scores of the summed counts) and ``(macro)`` (unweighted mean of the
        per-code scores that are defined); both carry the summed counts. A score whose
        denominator is zero is NaN: precision of a code the rules never applied, recall of
        a code the gold coder never used.

    Raises
    ------
    AgreementError
        Unknown gold coder, no segments in scope, or no automatic codings in scope.
    """
    _, outcomes, chosen = _decisions(codings, segments, gold, codes)
    counts = (
        outcomes.groupby(["code", "outcome"])
        .size()
        .unstack(fill_value=0)
        .reindex(index=chosen, columns=["tp", "fp", "fn"], fill_value=0)
        .rename_axis(index="code", columns=None)
        .reset_index()
    )
    tp, fp, fn = (int(counts[k].sum()) for k in ("tp", "fp", "fn"))
    micro = {"code": MICRO, "tp": tp, "fp": fp, "fn": fn}
    table = pd.concat([counts, pd.DataFrame([micro])], ignore_index=True)
    table["precision"] = table["tp"] / (table["tp"] + table["fp"])
    table["recall"] = table["tp"] / (table["tp"] + table["fn"])
    table["f1"] = 2 * table["tp"] / (2 * table["tp"] + table["fp"] + table["fn"])
    table["support"] = table["tp"] + table["fn"]
    per_code = table.iloc[: len(chosen)]
    macro = {
        **micro,
        "code": MACRO,
        "precision": per_code["precision"].mean(),
        "recall": per_code["recall"].mean(),
        "f1": per_code["f1"].mean(),
        "support": tp + fn,
    }
    table = pd.concat([table, pd.DataFrame([macro])], ignore_index=True)
    return table[SCORE_COLUMNS].astype(
        {"tp": "int64", "fp": "int64", "fn": "int64", "support": "int64"}
    )


def evaluation_errors(
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    *,
    gold: str,
    kind: ErrorKind,
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The false positives (``"fp"``) or false negatives (``"fn"``) behind :func:`evaluation_table`.

    Returns
    -------
    DataFrame
        Columns ``segment, document, code, rule, span, text``: ``rule`` lists the rule ids
        that fired (comma-separated; empty for false negatives), ``span`` the text the rules
        matched (fp) or the gold coder coded (fn), ``|``-separated when several, ``text``
        the segment. Sorted by document, segment position, code.
    """
    if kind not in ("fp", "fn"):
        raise ValueError(f"kind must be 'fp' or 'fn', got {kind!r}")
    units, outcomes, _ = _decisions(codings, segments, gold, codes)
    wanted = outcomes[outcomes["outcome"] == kind]
    if kind == "fp":
        source = codings[codings["source"] == "auto"]
    else:
        source = codings[(codings["source"] == "manual") & (codings["coder"] == gold)]
    detail = source.merge(wanted, on=["segment_id", "code"])

    def joined(values: pd.Series, sep: str) -> str:
        return sep.join(dict.fromkeys(v for v in values if isinstance(v, str) and v))

    grouped = detail.groupby(["segment_id", "code"], sort=False).agg(
        rule=("rule", lambda s: joined(sorted(s.dropna()), ", ")),
        span=("text", lambda s: joined(s, " | ")),
    )
    grouped = grouped.reset_index()
    order = units[["segment_id", "segment", "document", "text"]].reset_index(names="_order")
    frame = order.merge(grouped, on="segment_id").sort_values(["_order", "code"])
    return frame[ERROR_COLUMNS].reset_index(drop=True)

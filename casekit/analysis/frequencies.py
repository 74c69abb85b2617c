"""Code frequencies: segments and documents per code, share of segments and rank, overall or per group."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from casekit.analysis.inputs import require_columns
from casekit.analysis.matrix import group_indicator, segment_code_matrix
from casekit.errors import CasekitError

__all__ = ["MISSING", "code_frequencies", "group_values"]

# The group of segments whose document has no value for the attribute.
MISSING = "(none)"

# Columns of segments_frame that are not attributes to group by.
_NOT_ATTRIBUTES = {"segment_id", "segment", "unit", "idx", "start", "end", "label", "text"}


def group_values(segments: pd.DataFrame, by: str) -> pd.Series:
    """The value of attribute ``by`` for each segment, as text, ``"(none)"`` where missing."""
    if by not in segments.columns or by in _NOT_ATTRIBUTES:
        attrs = sorted(c for c in segments.columns if c not in _NOT_ATTRIBUTES)
        raise CasekitError(f"no attribute '{by}' to group by; choose one of: {', '.join(attrs)}")
    values = segments[by].astype(object).where(segments[by].notna(), None)
    return pd.Series(
        [MISSING if v is None or str(v).strip() == "" else str(v) for v in values],
        index=segments.index,
        name=by,
    )


def code_frequencies(
    codings: pd.DataFrame, segments: pd.DataFrame, *, by: str | None = None
) -> pd.DataFrame:
    """How many segments and documents each code occurs in.

    Parameters
    ----------
    codings
        Tidy codings (``codings_frame``) at the unit of ``segments``.
    segments
        The universe of segments (``segments_frame``); shares are out of these.
    by
        An attribute column of ``segments`` (``doc_type``, ``level``, ``department``, ``speaker``
        ...): count per group; missing values form the group ``"(none)"``.

    Returns
    -------
    DataFrame with columns ``code, family, segments, documents, share, rank`` (``by`` first
    when given): ``segments`` = segments with the code, ``documents`` = documents with the code,
    ``share`` = ``segments`` / segments in the universe (or group), ``rank`` = 1 for the most
    frequent code (ties share the lowest rank). With ``by``, every code has a row in every
    group, zeros included. Sorted by group, rank, code.
    """
    require_columns(codings, ("segment_id", "code", "family"), "codings")
    matrix = segment_code_matrix(codings, segments)
    family = codings.drop_duplicates("code").set_index("code")["family"]
    if by is None:
        groups = pd.Series(["all"] * len(segments), index=segments.index)
    else:
        groups = group_values(segments, by)
    G, names = group_indicator(groups.to_numpy())
    seg_counts = (G @ matrix.X).toarray()
    totals = np.asarray(G.sum(axis=1)).ravel()
    # Documents per group: collapse segments to (group, document) rows, then count those rows.
    group_of, _ = pd.factorize(groups.astype(str), sort=False)  # same order as ``names``
    pair_labels, pair_uniques = pd.factorize(
        pd.MultiIndex.from_arrays([group_of, segments["document"].astype(str).to_numpy()])
    )
    P = sp.csr_array(
        (np.ones(len(pair_labels), dtype=np.int32), (pair_labels, np.arange(len(pair_labels)))),
        shape=(len(pair_uniques), len(pair_labels)),
    )
    pair_group = np.asarray(pair_uniques.get_level_values(0), dtype=np.int64)
    PG = sp.csr_array(
        (np.ones(len(pair_group), dtype=np.int32), (pair_group, np.arange(len(pair_group)))),
        shape=(len(names), len(pair_group)),
    )
    doc_counts = (PG @ ((P @ matrix.X) > 0).astype(np.int32)).toarray()
    frames = []
    for g, name in enumerate(names):
        frame = pd.DataFrame(
            {
                "code": matrix.codes,
                "family": [_text(family.get(c)) for c in matrix.codes],
                "segments": seg_counts[g].astype(np.int64),
                "documents": doc_counts[g].astype(np.int64),
                "share": seg_counts[g] / totals[g] if totals[g] else np.zeros(len(matrix.codes)),
            }
        )
        frame["rank"] = frame["segments"].rank(method="min", ascending=False).astype(np.int64)
        if by is not None:
            frame.insert(0, by, name)
        frames.append(frame)
    columns = ([by] if by is not None else []) + [
        "code",
        "family",
        "segments",
        "documents",
        "share",
        "rank",
    ]
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)
    keys = ([by] if by is not None else []) + ["rank", "code"]
    return out.sort_values(keys, ignore_index=True, kind="stable")[columns]


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)

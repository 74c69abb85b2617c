"""The sparse 0/1 segment x code matrix (or window x code, document x code) every count starts from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from casekit.analysis.inputs import check_same_unit, require_columns
from casekit.errors import CasekitError

__all__ = ["SegmentCodeMatrix", "group_indicator", "segment_code_matrix"]

RowKind = Literal["segment", "window", "document"]


@dataclass(frozen=True)
class SegmentCodeMatrix:
    """A binary matrix of which code occurs in which row (segment, window or document).

    Attributes
    ----------
    X
        ``scipy.sparse.csr_array`` of int32 zeros and ones, shape ``(len(rows), len(codes))``.
    rows
        Row ids: segment keys, ``"first..last"`` segment keys of a window, or document names.
    codes
        Column codes, in column order.
    documents
        The document of each row.
    kind
        ``"segment"``, ``"window"`` or ``"document"``.
    window
        Window length in segments when ``kind == "window"``.
    """

    X: sp.csr_array
    rows: list[str]
    codes: list[str]
    documents: list[str]
    kind: RowKind = "segment"
    window: int | None = None

    @property
    def n_rows(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_codes(self) -> int:
        return int(self.X.shape[1])

    def code_counts(self) -> dict[str, int]:
        """Rows in which each code occurs."""
        counts = np.asarray(self.X.sum(axis=0)).ravel()
        return {code: int(n) for code, n in zip(self.codes, counts, strict=True)}

    def to_frame(self) -> pd.DataFrame:
        """The matrix as a dense DataFrame: columns ``row, document`` then one 0/1 column per code."""
        dense = pd.DataFrame(self.X.toarray(), columns=self.codes)
        dense.insert(0, "document", self.documents)
        dense.insert(0, "row", self.rows)
        return dense


def segment_code_matrix(
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    *,
    codes: Sequence[str] | None = None,
    window: int | None = None,
    by_document: bool = False,
) -> SegmentCodeMatrix:
    """Build the 0/1 matrix of codes per segment, per window of segments, or per document.

    Parameters
    ----------
    codings
        Tidy codings (``casekit.selection.codings_frame``) viewed at the unit of ``segments``;
        needs ``segment_id`` and ``code``. Codings of segments outside ``segments`` are left out.
    segments
        The universe of segments (``casekit.selection.segments_frame``): every segment is a row,
        coded or not, in this order; needs ``segment_id, segment, document``.
    codes
        Columns, in this order (codes absent from the codings get an empty column, codings of
        other codes are left out). Default: the coded codes, sorted.
    window
        Rows are windows of ``window`` consecutive segments within a document (sliding by one
        segment; a document shorter than the window is one window). A code occurs in a window
        when it occurs in any of its segments.
    by_document
        Rows are documents (in order of first appearance in ``segments``).

    Returns
    -------
    SegmentCodeMatrix

    Examples
    --------
    >>> m = segment_code_matrix(codings, segments, window=3)  # doctest: +SKIP
    >>> m.X.shape  # doctest: +SKIP
    (1187, 61)
    """
    require_columns(codings, ("segment_id", "code"), "codings")
    require_columns(segments, ("segment_id", "segment", "document"), "segments")
    check_same_unit(codings, segments)
    if window is not None and by_document:
        raise CasekitError("choose a window or whole documents, not both")
    if window is not None and window < 1:
        raise CasekitError(f"the window must be at least 1 segment, not {window}")
    seg_index = pd.Index(segments["segment_id"])
    if not seg_index.is_unique:
        raise CasekitError("segments has duplicate segment_id values; pass one unit's segments")
    code_list = sorted(codings["code"].dropna().unique()) if codes is None else list(codes)
    code_index = pd.Index(code_list)
    if not code_index.is_unique:
        raise CasekitError("codes lists a code twice")
    row = seg_index.get_indexer(codings["segment_id"])
    col = code_index.get_indexer(codings["code"])
    keep = (row >= 0) & (col >= 0)
    n_seg = len(seg_index)
    X = _binary((row[keep], col[keep]), (n_seg, len(code_list)))
    documents = segments["document"].astype(str).to_numpy()
    keys = segments["segment"].astype(str).to_numpy()
    if by_document:
        D, names = group_indicator(documents)
        return SegmentCodeMatrix(
            _binarise(D @ X), list(names), code_list, list(names), kind="document"
        )
    if window is not None:
        W, first, last = _window_indicator(documents, window)
        rows = (pd.Series(keys[first]) + ".." + pd.Series(keys[last])).tolist()
        return SegmentCodeMatrix(
            _binarise(W @ X),
            rows,
            code_list,
            documents[first].tolist(),
            kind="window",
            window=window,
        )
    return SegmentCodeMatrix(X, keys.tolist(), code_list, documents.tolist())


def group_indicator(values: Sequence[object] | np.ndarray) -> tuple[sp.csr_array, list[str]]:
    """A groups x rows 0/1 matrix assigning each row to its value, and the group names.

    Groups come in order of first appearance; ``G @ X`` sums the rows of ``X`` per group.
    Missing values form one group of their own.
    """
    labels, uniques = pd.factorize(pd.Series(values).astype(str), sort=False, use_na_sentinel=False)
    n = len(labels)
    G = sp.csr_array((np.ones(n, dtype=np.int32), (labels, np.arange(n))), shape=(len(uniques), n))
    return G, [str(u) for u in uniques]


def _binary(ij: tuple[np.ndarray, np.ndarray], shape: tuple[int, int]) -> sp.csr_array:
    # Duplicate (row, code) pairs are summed by the constructor; clip them back to 1.
    data = np.ones(len(ij[0]), dtype=np.int32)
    return _binarise(sp.csr_array((data, ij), shape=shape))


def _binarise(M: sp.csr_array) -> sp.csr_array:
    out = sp.csr_array(M, dtype=np.int32, copy=True)
    out.eliminate_zeros()
    out.data[:] = 1
    out.sort_indices()
    return out


def _window_indicator(
    documents: np.ndarray, window: int
) -> tuple[sp.csr_array, np.ndarray, np.ndarray]:
    """Windows x segments indicator, plus the first and last segment row of each window."""
    labels, _ = pd.factorize(pd.Series(documents), sort=False)
    n = len(labels)
    # Stable sort makes each document's segments contiguous while keeping their given order.
    order = np.argsort(labels, kind="stable")
    sizes = np.bincount(labels)
    doc_start = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    sorted_labels = labels[order]
    pos = np.arange(n) - doc_start[sorted_labels]
    n_in_doc = sizes[sorted_labels]
    first = np.flatnonzero((pos <= n_in_doc - window) | (pos == 0))
    length = np.minimum(window, n_in_doc[first] - pos[first])
    offsets = np.arange(window)
    valid = offsets[None, :] < length[:, None]
    members = (first[:, None] + offsets[None, :])[valid]
    win_rows = np.repeat(np.arange(len(first)), window)[valid.ravel()]
    W = sp.csr_array(
        (np.ones(len(members), dtype=np.int32), (win_rows, order[members])),
        shape=(len(first), n),
    )
    return W, order[first], order[first + length - 1]

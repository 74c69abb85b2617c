"""Co-occurrence on a Dask cluster: partial X.T @ X and column sums per partition, summed exactly."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from casekit.analysis.inputs import check_same_unit, require_columns
from casekit.analysis.matrix import SegmentCodeMatrix, segment_code_matrix
from casekit.distributed.cluster import n_worker_threads
from casekit.errors import CasekitError

if TYPE_CHECKING:
    from distributed import Client

__all__ = [
    "CooccurrenceCounts",
    "code_cooccurrence_on_cluster",
    "cooccurrence_counts",
    "cooccurrence_counts_on_cluster",
    "cooccurrence_from_counts",
    "partition_cooccurrence_counts",
    "split_by_document",
]

# Columns a partition needs; the text columns stay with the client.
_CODING_COLUMNS = ["segment_id", "code", "unit"]
_SEGMENT_COLUMNS = ["segment_id", "segment", "document", "unit"]


@dataclass(frozen=True)
class CooccurrenceCounts:
    """Everything co-occurrence needs from a segment x code matrix ``X``, and nothing more.

    Counts of disjoint sets of rows add up, which is what lets partitions be counted apart.

    Attributes
    ----------
    gram
        ``X.T @ X`` as a ``scipy.sparse.csr_array`` of int64, codes x codes: off the diagonal,
        rows holding both codes.
    sizes
        Column sums of ``X``: rows holding each code (int64).
    n_rows
        Rows of ``X`` (segments, windows or documents), coded or not.
    codes
        The codes, in column order.
    """

    gram: sp.csr_array
    sizes: np.ndarray
    n_rows: int
    codes: tuple[str, ...]

    def __add__(self, other: CooccurrenceCounts) -> CooccurrenceCounts:
        if self.codes != other.codes:
            raise CasekitError("cannot add co-occurrence counts over different codes")
        return CooccurrenceCounts(
            sp.csr_array(self.gram + other.gram),
            self.sizes + other.sizes,
            self.n_rows + other.n_rows,
            self.codes,
        )

    def code_counts(self) -> dict[str, int]:
        """Rows in which each code occurs (segment, window or document frequencies)."""
        return {code: int(n) for code, n in zip(self.codes, self.sizes, strict=True)}


def cooccurrence_counts(matrix: SegmentCodeMatrix) -> CooccurrenceCounts:
    """The counts of one matrix (a whole corpus, or one partition of it)."""
    X = sp.csc_array(matrix.X, dtype=np.int64)
    return CooccurrenceCounts(
        sp.csr_array(X.T @ X),
        np.asarray(X.sum(axis=0)).ravel().astype(np.int64),
        matrix.n_rows,
        tuple(matrix.codes),
    )


def partition_cooccurrence_counts(
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    *,
    codes: Sequence[str],
    window: int | None = None,
    by_document: bool = False,
) -> CooccurrenceCounts:
    """Runs on a worker: the counts of a partition holding whole documents.

    The matrix is built by :func:`casekit.analysis.matrix.segment_code_matrix`, as in one
    process; windows never cross documents, so whole-document partitions add up exactly.
    """
    matrix = segment_code_matrix(
        codings, segments, codes=codes, window=window, by_document=by_document
    )
    return cooccurrence_counts(matrix)


def split_by_document(
    codings: pd.DataFrame, segments: pd.DataFrame, n_partitions: int
) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """Cut the frames into about ``n_partitions`` pieces of whole documents, of similar size.

    Only the columns the counts need travel (``segment_id, code, unit`` of codings and
    ``segment_id, segment, document, unit`` of segments).
    """
    require_columns(codings, ("segment_id", "code", "document"), "codings")
    require_columns(segments, ("segment_id", "segment", "document"), "segments")
    labels, _ = pd.factorize(segments["document"], sort=False)
    sizes = np.bincount(labels) if len(labels) else np.zeros(0, dtype=np.int64)
    # Contiguous runs of documents holding about the same number of segments.
    bounds = np.cumsum(sizes) * max(n_partitions, 1) // max(len(segments), 1)
    part_of_document = np.minimum(bounds, max(n_partitions, 1) - 1)
    seg_part = part_of_document[labels] if len(labels) else labels
    doc_part = dict(zip(pd.unique(segments["document"]), part_of_document, strict=True))
    coding_part = codings["document"].map(doc_part).fillna(-1).to_numpy()
    seg_cols = [c for c in _SEGMENT_COLUMNS if c in segments.columns]
    coding_cols = [c for c in _CODING_COLUMNS if c in codings.columns]
    for part in np.unique(part_of_document):
        yield (
            codings.loc[coding_part == part, coding_cols].reset_index(drop=True),
            segments.loc[seg_part == part, seg_cols].reset_index(drop=True),
        )


def cooccurrence_counts_on_cluster(
    client: Client,
    partitions: Iterable[tuple[pd.DataFrame, pd.DataFrame]],
    *,
    codes: Sequence[str],
    window: int | None = None,
    by_document: bool = False,
    max_in_flight: int | None = None,
    retries: int = 2,
) -> CooccurrenceCounts:
    """Count each ``(codings, segments)`` partition on a worker and sum the counts.

    Partitions must hold whole documents (every segment of a document in one partition,
    with that document's codings). They are taken from ``partitions`` as workers free up,
    at most ``max_in_flight`` (default twice the workers' threads) at a time, so a
    generator reading the store batch by batch keeps the client's memory flat.
    """
    from distributed import as_completed

    limit = max_in_flight or 2 * n_worker_threads(client)
    codes = list(codes)
    total = CooccurrenceCounts(
        sp.csr_array((len(codes), len(codes)), dtype=np.int64),
        np.zeros(len(codes), dtype=np.int64),
        0,
        tuple(codes),
    )
    in_flight = as_completed()
    submitted: list[Any] = []
    try:
        for codings, segments in partitions:
            future = client.submit(
                partition_cooccurrence_counts,
                codings,
                segments,
                codes=codes,
                window=window,
                by_document=by_document,
                retries=retries,
                pure=False,
            )
            submitted.append(future)
            in_flight.add(future)
            while in_flight.count() >= limit:
                total += _take(next(in_flight))
        for future in in_flight:
            total += _take(future)
    except BaseException:
        in_flight.clear()
        client.cancel(submitted)
        raise
    return total


def _take(future: Any) -> CooccurrenceCounts:
    try:
        return future.result()  # type: ignore[no-any-return]
    finally:
        future.release()


def code_cooccurrence_on_cluster(
    client: Client,
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    *,
    window: int | None = None,
    by_document: bool = False,
    min_count: int = 1,
    n_partitions: int | None = None,
) -> pd.DataFrame:
    """:func:`casekit.analysis.cooccurrence.code_cooccurrence` of the segment x code matrix,
    computed on a Dask cluster; the same table, row for row.

    Parameters
    ----------
    client
        From :func:`casekit.distributed.cluster.dask_client`.
    codings, segments, window, by_document
        As for :func:`casekit.analysis.matrix.segment_code_matrix` (default codes: the coded
        codes, sorted).
    min_count
        As for ``code_cooccurrence``.
    n_partitions
        Pieces of whole documents; default four per worker thread.
    """
    require_columns(codings, ("segment_id", "code"), "codings")
    check_same_unit(codings, segments)
    codes = sorted(codings["code"].dropna().unique())
    n_partitions = n_partitions or 4 * n_worker_threads(client)
    counts = cooccurrence_counts_on_cluster(
        client,
        split_by_document(codings, segments, n_partitions),
        codes=codes,
        window=window,
        by_document=by_document,
    )
    return cooccurrence_from_counts(counts, min_count=min_count)


def cooccurrence_from_counts(counts: CooccurrenceCounts, *, min_count: int = 1) -> pd.DataFrame:
    """The co-occurrence table of :func:`casekit.analysis.cooccurrence.code_cooccurrence`,
    from counts alone: same columns, values and order.
    """
    from casekit.analysis.cooccurrence import cooccurrence_table

    return cooccurrence_table(
        counts.gram, counts.sizes, counts.n_rows, counts.codes, min_count=min_count
    )

"""Auto-coding on a Dask cluster: text batches out, Parquet partitions back, merged per document."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casekit.coding.autocode import (
    AutocodeReport,
    DocumentBatch,
    Progress,
    WriteDocument,
    autocode_project,
    code_document,
)
from casekit.distributed.cluster import ClusterError, n_worker_threads
from casekit.project import Project
from casekit.store.codings import NewCoding

if TYPE_CHECKING:
    import pyarrow as pa
    from distributed import Client

__all__ = [
    "BATCH_CHARS",
    "PARTITION_COLUMNS",
    "CodebookFile",
    "DaskBatchRunner",
    "RunStats",
    "autocode_on_cluster",
    "code_batch",
    "new_run_dir",
    "read_partition",
]

# Characters of segment text per task: large enough that scheduling costs little against
# coding (~1 s of work), small enough that a retried batch loses little and memory stays low.
BATCH_CHARS = 1_000_000
# Columns of a partition, one row per coding, in the order code_document made them.
PARTITION_COLUMNS = ("document_id", "segment_id", "code", "start", "end", "rule", "matched_text")
# Key of the partition's Parquet metadata: the documents coded, with their segment counts,
# so a document without codings is merged (and marked current) too.
_META_KEY = b"casekit.documents"

BatchTask = Callable[["CodebookFile", list[DocumentBatch]], bytes]


@dataclass(frozen=True)
class CodebookFile:
    """The codebook file as it travels to workers: its name and bytes, no shared disk needed."""

    name: str
    content: bytes

    @classmethod
    def from_path(cls, path: str | os.PathLike[str]) -> CodebookFile:
        path = Path(path)
        return cls(path.name, path.read_bytes())

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def materialise(self) -> Path:
        """On a worker: the file written once to a local temporary folder named by its hash."""
        folder = Path(tempfile.gettempdir()) / "casekit-codebooks" / self.sha256
        path = folder / self.name
        if not path.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            # Several worker processes may write it at once; each renames its own copy.
            partial = folder / f".{self.name}.{os.getpid()}.{uuid.uuid4().hex}"
            partial.write_bytes(self.content)
            os.replace(partial, path)
        return path


def _partition_schema() -> pa.Schema:
    import pyarrow as pa

    return pa.schema(
        [
            ("document_id", pa.int64()),
            ("segment_id", pa.int64()),
            ("code", pa.string()),
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("rule", pa.string()),
            ("matched_text", pa.string()),
        ]
    )


def code_batch(codebook: CodebookFile, documents: list[DocumentBatch]) -> bytes:
    """Runs on a worker: code a batch of documents and return it as a Parquet partition.

    The codebook is compiled once per worker process from its file
    (:func:`casekit.coding.rules.compile_from_path`) and every document is coded with
    :func:`casekit.coding.autocode.code_document`, the function the in-process run uses.

    Returns
    -------
    bytes
        A Parquet file with :data:`PARTITION_COLUMNS`; its metadata lists the batch's
        ``(document_id, n_segments)``. Read it with :func:`read_partition`.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from casekit.coding.rules import compile_from_path

    compiled = compile_from_path(codebook.materialise())
    columns: dict[str, list[Any]] = {name: [] for name in PARTITION_COLUMNS}
    coded = []
    for document_id, segments in documents:
        for c in code_document(compiled, segments):
            columns["document_id"].append(document_id)
            columns["segment_id"].append(c.segment_id)
            columns["code"].append(c.code)
            columns["start"].append(c.start)
            columns["end"].append(c.end)
            columns["rule"].append(c.rule)
            columns["matched_text"].append(c.matched_text)
        coded.append([document_id, len(segments)])
    schema = _partition_schema().with_metadata({_META_KEY: json.dumps(coded).encode()})
    table = pa.Table.from_pydict(columns, schema=schema)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue().to_pybytes()


def read_partition(path: str | os.PathLike[str]) -> Iterator[tuple[int, list[NewCoding], int]]:
    """The documents of one partition: ``(document_id, codings, n_segments)`` in batch order."""
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    documents = json.loads((table.schema.metadata or {})[_META_KEY])
    by_document: dict[int, list[NewCoding]] = {int(d): [] for d, _ in documents}
    columns = [table.column(name).to_pylist() for name in PARTITION_COLUMNS]
    for document_id, segment_id, code, start, end, rule, matched_text in zip(*columns, strict=True):
        by_document[document_id].append(
            NewCoding(segment_id, code, start, end, rule=rule, matched_text=matched_text)
        )
    for document_id, n_segments in documents:
        yield int(document_id), by_document.pop(int(document_id)), int(n_segments)


def _group(batches: Iterable[DocumentBatch], batch_chars: int) -> Iterator[list[DocumentBatch]]:
    """Documents in order, cut into groups of about ``batch_chars`` characters of text."""
    group: list[DocumentBatch] = []
    size = 0
    for batch in batches:
        group.append(batch)
        size += sum(len(text) for _, _, text, _ in batch[1])
        if size >= batch_chars:
            yield group
            group, size = [], 0
    if group:
        yield group


@dataclass
class RunStats:
    """What a :class:`DaskBatchRunner` did: batches, bytes returned, and where time went."""

    n_batches: int = 0
    n_documents: int = 0
    max_in_flight: int = 0
    partition_bytes: int = 0
    merge_seconds: float = 0.0
    wall_seconds: float = 0.0


class DaskBatchRunner:
    """Code document batches on a Dask cluster and merge the results into the store.

    A ``runner`` for :func:`casekit.coding.autocode.autocode_project`. Documents are cut into
    batches of about ``batch_chars`` characters; each batch is one task, retried up to
    ``retries`` times when it raises (a worker that dies is replaced and its tasks are
    rescheduled by Dask itself). At most ``max_in_flight`` batches are out at once, so
    memory on the client stays flat however large the corpus. Each result comes back as
    a Parquet partition, is written to ``run_dir``, and is merged in batch order, one
    transaction per document; a document's automatic codings are replaced, never added to,
    so merging a partition twice cannot duplicate anything.

    Parameters
    ----------
    client
        A connected ``distributed.Client`` (see :func:`casekit.distributed.cluster.dask_client`).
    run_dir
        Folder for the partitions of this run; removed at the end unless ``keep_partitions``.
    batch_chars
        Characters of segment text per task.
    max_in_flight
        Batches submitted and not yet returned; default twice the workers' threads.
    retries
        Extra attempts for a task that fails.
    task
        The function each task runs; :func:`code_batch` (tests pass one that fails first).
    keep_partitions
        Keep the Parquet partitions after merging them.
    """

    def __init__(
        self,
        client: Client,
        *,
        run_dir: str | os.PathLike[str],
        batch_chars: int = BATCH_CHARS,
        max_in_flight: int | None = None,
        retries: int = 2,
        task: BatchTask = code_batch,
        keep_partitions: bool = False,
    ) -> None:
        if batch_chars < 1:
            raise ValueError("batch_chars must be positive")
        self.client = client
        self.run_dir = Path(run_dir)
        self.batch_chars = batch_chars
        self.max_in_flight = max_in_flight
        self.retries = retries
        self.task = task
        self.keep_partitions = keep_partitions
        self.stats = RunStats()

    def __call__(
        self, codebook_path: str, batches: Iterator[DocumentBatch], write: WriteDocument
    ) -> None:
        from distributed import as_completed

        started = time.perf_counter()
        codebook = CodebookFile.from_path(codebook_path)
        limit = self.max_in_flight or 2 * n_worker_threads(self.client)
        run = self.run_dir.name
        self.run_dir.mkdir(parents=True, exist_ok=False)
        done: dict[int, Path] = {}  # partitions on disk, waiting for their turn to merge
        next_merge = 0
        in_flight = as_completed()
        pending: dict[Any, tuple[int, Any]] = {}  # task key -> (batch index, future)
        try:
            for i, group in enumerate(_group(batches, self.batch_chars)):
                future = self.client.submit(
                    self.task,
                    codebook,
                    group,
                    key=f"casekit-autocode-{run}-{i:06d}",
                    retries=self.retries,
                    pure=False,
                )
                pending[future.key] = (i, future)
                in_flight.add(future)
                self.stats.n_batches += 1
                self.stats.max_in_flight = max(self.stats.max_in_flight, len(pending))
                while in_flight.count() >= limit:
                    self._collect(next(in_flight), pending, done)
                    next_merge = self._merge_ready(done, next_merge, write)
            for future in in_flight:
                self._collect(future, pending, done)
                next_merge = self._merge_ready(done, next_merge, write)
        except BaseException:
            in_flight.clear()
            self.client.cancel([future for _, future in pending.values()])
            raise
        finally:
            if not self.keep_partitions:
                shutil.rmtree(self.run_dir, ignore_errors=True)
                with contextlib.suppress(OSError):  # other runs may still use it
                    self.run_dir.parent.rmdir()
            self.stats.wall_seconds = time.perf_counter() - started

    def _collect(
        self, future: Any, pending: dict[Any, tuple[int, Any]], done: dict[int, Path]
    ) -> None:
        """Fetch one finished task's partition and write it to disk (it is merged in order)."""
        from distributed import KilledWorker

        i, _ = pending.pop(future.key)
        try:
            data = future.result()
        except KilledWorker as exc:
            raise ClusterError(
                f"batch {i} of this run killed every worker it ran on ({exc}); the documents "
                "merged so far are stored, rerun to finish. Check the workers' memory limit "
                "or use a smaller batch"
            ) from exc
        finally:
            future.release()
        path = self.run_dir / f"part-{i:06d}.parquet"
        partial = path.with_suffix(".partial")
        partial.write_bytes(data)
        os.replace(partial, path)
        self.stats.partition_bytes += len(data)
        done[i] = path

    def _merge_ready(self, done: dict[int, Path], next_merge: int, write: WriteDocument) -> int:
        """Merge every partition whose predecessors are merged; returns the next index due."""
        while next_merge in done:
            path = done.pop(next_merge)
            t0 = time.perf_counter()
            for document_id, codings, n_segments in read_partition(path):
                write(document_id, codings, n_segments)
                self.stats.n_documents += 1
            self.stats.merge_seconds += time.perf_counter() - t0
            if not self.keep_partitions:
                path.unlink()
            next_merge += 1
        return next_merge


def new_run_dir(project: Project) -> Path:
    """A fresh folder for one run's partitions: ``outputs/.casekit-runs/<run-id>/``."""
    run_id = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{uuid.uuid4().hex[:8]}"
    return project.outputs_dir / ".casekit-runs" / f"autocode-{run_id}"


def autocode_on_cluster(
    project: Project,
    client: Client,
    *,
    codebook_path: str | Path | None = None,
    unit: str | None = None,
    documents: list[str] | None = None,
    force: bool = False,
    progress: Progress | None = None,
    batch_chars: int = BATCH_CHARS,
    retries: int = 2,
) -> AutocodeReport:
    """Auto-code the project on a Dask cluster; same codings as :func:`autocode_project`.

    Only the codebook file and the segments' text travel to the workers; the store stays
    with the client, which merges each returned partition document by document. Like the
    in-process run it is resumable: documents already current are skipped unless ``force``.

    Parameters
    ----------
    project
        The open project.
    client
        From :func:`casekit.distributed.cluster.dask_client`.
    codebook_path, unit, documents, force, progress
        As for :func:`casekit.coding.autocode.autocode_project`.
    batch_chars
        Characters of segment text per task.
    retries
        Extra attempts for a failed task.

    Examples
    --------
    >>> with dask_client(scheduler="tcp://10.0.0.5:8786") as client:  # doctest: +SKIP
    ...     print(autocode_on_cluster(project, client).summary())
    """
    runner = DaskBatchRunner(
        client, run_dir=new_run_dir(project), batch_chars=batch_chars, retries=retries
    )
    return autocode_project(
        project,
        codebook_path=codebook_path,
        unit=unit,
        documents=documents,
        force=force,
        progress=progress,
        runner=runner,
    )

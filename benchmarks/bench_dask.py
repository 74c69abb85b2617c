"""Scale-out: auto-coding in one process against a Dask LocalCluster of 1 and 2 workers.

Run from the repository root::

    python benchmarks/bench_dask.py                 # 20 MB corpus (fits a 2-core machine)
    python benchmarks/bench_dask.py --mb 200        # the issue's size
    python benchmarks/bench_dask.py --scheduler tcp://10.0.0.5:8786   # a real cluster

It writes a synthetic corpus of ``--mb`` MB into a fresh project (documents of ``--doc-kb``
kB resampled, with a fixed seed, from the sample study's own paragraphs, so keyword density
is that of real transcripts and policies), ingests it, and then auto-codes it with the
shipped codebook, each time starting from no automatic codings:

(a) in this process (``autocode_project``): the reference;
(b) on a LocalCluster with 1 worker, then with 2 (or on ``--scheduler``'s cluster): time,
    speed-up against 1 worker and against (a), parallel efficiency, the time the client
    spent merging partitions into the store, and the peak memory of every process.

Workers are started and their codebook compiled before the clock starts, as on a cluster
that is already running. Every run must store the same codings as (a); the script checks.
Peak memory is the peak resident set size of each step (Linux: reset before each step;
elsewhere the process's lifetime peak).
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from casekit.coding.autocode import autocode_project
from casekit.distributed.autocode import CodebookFile, DaskBatchRunner, new_run_dir
from casekit.distributed.cluster import dask_client
from casekit.ingest import ingest_corpus
from casekit.project import Project, init_project

try:
    from benchmarks.corpus_gen import sample_corpus_segments
except ImportError:  # run as a script: benchmarks/ itself is on sys.path
    from corpus_gen import sample_corpus_segments  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[1]
CODEBOOK = ROOT / "codebooks" / "technology-structuring.yaml"
MB = 1_000_000
CLEAR_REFS = Path("/proc/self/clear_refs")


# -- memory ------------------------------------------------------------------------------


def _reset_peak() -> None:
    """Start a new peak RSS window (Linux only; elsewhere the lifetime peak is reported)."""
    if CLEAR_REFS.exists():
        CLEAR_REFS.write_text("5")


def peak_rss_mb() -> float:
    """This process's peak RSS since the last reset (Linux) or since it started."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / MB
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak * (1 if sys.platform == "darwin" else 1024) / MB


def _worker_warm_up(codebook: CodebookFile) -> float:
    """On each worker: compile the codebook (cached for the run), then start a new peak."""
    from casekit.coding.rules import compile_from_path

    compile_from_path(codebook.materialise())
    _reset_peak()
    return peak_rss_mb()


# -- corpus ------------------------------------------------------------------------------


def write_corpus(project: Project, mb: float, doc_kb: float, seed: int) -> tuple[int, float]:
    """Documents of about ``doc_kb`` kB until ``mb`` MB; returns (documents, MB written)."""
    target = int(doc_kb * 1000)
    written = [0, 0]  # documents, bytes

    def write(paragraphs: list[str]) -> None:
        text = "\n\n".join(paragraphs)
        path = project.corpus_dir / f"doc{written[0]:06d}.txt"
        path.write_text(text, encoding="utf-8")
        written[0] += 1
        written[1] += len(text.encode("utf-8"))

    # Chinese and English paragraphs go to separate documents, like real files.
    pending: dict[str, list[str]] = {"zh": [], "en": []}
    sizes = {"zh": 0, "en": 0}
    for segment in sample_corpus_segments(int(mb * MB), corpus_dir=ROOT / "corpus", seed=seed):
        pending[segment.lang].append(segment.text)
        sizes[segment.lang] += len(segment.text.encode("utf-8"))
        if sizes[segment.lang] >= target:
            write(pending[segment.lang])
            pending[segment.lang], sizes[segment.lang] = [], 0
    for paragraphs in pending.values():
        if paragraphs:
            write(paragraphs)
    return written[0], written[1] / MB


def clear_auto_codings(project: Project) -> None:
    """Forget every automatic coding, so each run codes a freshly ingested corpus.

    (Recoding with ``--force`` instead would also time the deletion of the previous run's
    codings, which is not what differs between the runs compared here.)
    """
    with project.store.transaction() as con:
        con.execute("DELETE FROM codings WHERE source = 'auto'")
        con.execute("DELETE FROM autocode_state")


def codings_digest(project: Project) -> tuple[int, str]:
    """Number of automatic codings and a hash of them in insertion order."""
    digest = hashlib.sha256()
    n = 0
    for row in project.store.con.execute(
        "SELECT segment_id, code, start, end, rule, matched_text FROM codings "
        "WHERE source = 'auto' ORDER BY id"
    ):
        digest.update(repr(tuple(row)).encode())
        n += 1
    return n, digest.hexdigest()


# -- running -----------------------------------------------------------------------------


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def run_on_cluster(
    project: Project, client: Any, batch_chars: int
) -> tuple[float, DaskBatchRunner, dict[str, float]]:
    """Auto-code on ``client``'s cluster; returns (seconds, runner, worker peak RSS in MB)."""
    client.run(_worker_warm_up, CodebookFile.from_path(CODEBOOK))
    runner = DaskBatchRunner(client, run_dir=new_run_dir(project), batch_chars=batch_chars)
    clear_auto_codings(project)
    _reset_peak()
    seconds, _ = _timed(lambda: autocode_project(project, runner=runner))
    workers = client.run(peak_rss_mb)
    return seconds, runner, workers


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="corpus size in MB (default 20)")
    parser.add_argument("--doc-kb", type=float, default=50.0, help="document size in kB")
    parser.add_argument(
        "--workers", default="1,2", help="LocalCluster sizes to time, comma-separated"
    )
    parser.add_argument(
        "--scheduler", metavar="ADDRESS", help="time this cluster instead of LocalClusters"
    )
    parser.add_argument(
        "--batch-mb", type=float, default=1.0, help="segment text per task, in millions of chars"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="build the project here and keep it")
    args = parser.parse_args(argv)

    base = args.keep or Path(tempfile.mkdtemp(prefix="casekit-bench-dask-"))
    project = init_project(base / "study", name="dask benchmark")
    shutil.copy(CODEBOOK, project.codebook_path)
    try:
        return _benchmark(project, args)
    finally:
        project.close()
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


def _benchmark(project: Project, args: argparse.Namespace) -> int:
    t_gen, (n_docs, mb) = _timed(lambda: write_corpus(project, args.mb, args.doc_kb, args.seed))
    print(f"corpus     {n_docs:,} documents, {mb:.1f} MB (written in {t_gen:.1f} s)")
    _reset_peak()
    t_ingest, report = _timed(lambda: ingest_corpus(project))
    print(
        f"ingest     {t_ingest:7.2f} s  {mb / t_ingest:6.2f} MB/s  {report.n_segments:,} segments"
        f"  peak RSS {peak_rss_mb():6.0f} MB"
    )
    unit = project.config["autocode"]["unit"]
    coded_mb = (
        project.store.scalar(
            "SELECT COALESCE(SUM(LENGTH(CAST(text AS BLOB))), 0) FROM segments WHERE unit = ?",
            (unit,),
        )
        / MB
    )
    n_segments = project.store.scalar("SELECT COUNT(*) FROM segments WHERE unit = ?", (unit,))
    print(f"autocode   unit {unit}: {n_segments:,} segments, {coded_mb:.1f} MB of text\n")

    _reset_peak()
    t_local, result = _timed(lambda: autocode_project(project))
    reference = codings_digest(project)
    print(f"{'run':<28} {'seconds':>8} {'MB/s':>7} {'seg/s':>9} {'speed-up':>9} {'effic.':>7}")
    _row("(a) in-process", t_local, coded_mb, n_segments, None, None)
    print(
        f"    {result.n_codings:,} codings; peak RSS {peak_rss_mb():.0f} MB (store, "
        "compiled codebook, one document at a time)"
    )

    batch_chars = int(args.batch_mb * MB)
    timings: dict[int, float] = {}
    ok = True
    targets: list[tuple[str, int | None]] = (
        [(f"(b) scheduler {args.scheduler}", None)]
        if args.scheduler
        else [
            (f"(b) LocalCluster, {n} worker{'s' if n > 1 else ''}", n)
            for n in (int(x) for x in args.workers.split(","))
        ]
    )
    for label, n_workers in targets:
        with dask_client(scheduler=args.scheduler, n_workers=n_workers or 1) as client:
            n = n_workers or len(client.nthreads())
            seconds, runner, workers = run_on_cluster(project, client, batch_chars)
        client_peak = peak_rss_mb()
        timings[n] = seconds
        one = timings.get(1)
        speedup = one / seconds if one else None
        _row(label, seconds, coded_mb, n_segments, speedup, speedup / n if speedup else None)
        stats = runner.stats
        same = codings_digest(project) == reference
        ok &= same
        print(
            f"    {stats.n_batches} batches, {stats.partition_bytes / MB:.1f} MB of Parquet back; "
            f"merge {stats.merge_seconds:.2f} s ({stats.merge_seconds / seconds:.0%} of the run); "
            f"vs in-process x{t_local / seconds:.2f}; codings {'identical' if same else 'DIFFER'}"
        )
        print(
            f"    peak RSS: client {client_peak:.0f} MB (scheduler inside on a LocalCluster); "
            + ", ".join(f"worker {i + 1} {mb_:.0f} MB" for i, mb_ in enumerate(workers.values()))
        )
    if not ok:
        print("ERROR: a cluster run stored other codings than the in-process run")
        return 1
    return 0


def _row(
    label: str,
    seconds: float,
    mb: float,
    n_segments: int,
    speedup: float | None,
    efficiency: float | None,
) -> None:
    su = f"x{speedup:.2f}" if speedup is not None else "-"
    eff = f"{efficiency:.0%}" if efficiency is not None else "-"
    print(
        f"{label:<28} {seconds:8.2f} {mb / seconds:7.2f} {n_segments / seconds:9,.0f} "
        f"{su:>9} {eff:>7}"
    )


if __name__ == "__main__":
    sys.exit(main())

"""Auto-coding on a real 2-worker LocalCluster: same codings as in-process, retries, idempotent merge."""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from casekit.cli import cli
from casekit.coding.autocode import DocumentBatch, WriteDocument, autocode_project, code_document
from casekit.coding.rules import compile_from_path
from casekit.distributed.autocode import (
    PARTITION_COLUMNS,
    CodebookFile,
    DaskBatchRunner,
    autocode_on_cluster,
    code_batch,
    read_partition,
)
from casekit.project import open_project
from tests.distributed import tasks
from tests.distributed.conftest import store_rows

# Small batches, so the sample study (39 documents) makes many tasks.
BATCH_CHARS = 20_000


def test_cluster_codings_equal_in_process(client, study: Path, reference: tuple) -> None:
    with open_project(study) as project:
        report = autocode_on_cluster(project, client, batch_chars=BATCH_CHARS)
        assert report.n_documents == 39 and report.n_skipped == 0
        assert report.n_codings == len(reference[0])
        assert not (project.outputs_dir / ".casekit-runs").exists()
        again = autocode_on_cluster(project, client, batch_chars=BATCH_CHARS)
    assert (again.n_documents, again.n_skipped) == (0, 39)
    assert store_rows(study / "casekit.db") == reference


def test_runner_keeps_batches_in_flight_bounded(client, study: Path, reference: tuple) -> None:
    runner = DaskBatchRunner(
        client, run_dir=study / "run", batch_chars=1, max_in_flight=2, keep_partitions=True
    )
    with open_project(study) as project:
        autocode_project(project, runner=runner)
    assert runner.stats.n_batches == 39 and runner.stats.n_documents == 39
    assert runner.stats.max_in_flight == 2
    assert len(list((study / "run").glob("part-*.parquet"))) == 39
    assert store_rows(study / "casekit.db") == reference


def test_worker_killed_mid_batch_is_retried(
    client, study: Path, reference: tuple, tmp_path: Path
) -> None:
    marker = tmp_path / "killed"
    task = functools.partial(tasks.kill_worker_first_time, str(marker))
    runner = DaskBatchRunner(client, run_dir=study / "run", batch_chars=BATCH_CHARS, task=task)
    with open_project(study) as project:
        report = autocode_project(project, runner=runner)
    assert marker.exists(), "no worker was killed"
    assert report.n_documents == 39
    codings, state = store_rows(study / "casekit.db")
    assert len(set(codings)) == len(codings), "duplicated codings"
    assert (codings, state) == reference
    client.wait_for_workers(2, timeout=30)  # the nanny restarts the killed worker


def test_failing_task_is_retried(client, study: Path, reference: tuple, tmp_path: Path) -> None:
    task = functools.partial(tasks.raise_first_time, str(tmp_path / "failed"))
    runner = DaskBatchRunner(client, run_dir=study / "run", batch_chars=BATCH_CHARS, task=task)
    with open_project(study) as project:
        autocode_project(project, runner=runner)
    assert (tmp_path / "failed").exists()
    assert store_rows(study / "casekit.db") == reference


def test_batch_failing_every_retry_stops_the_run_and_a_rerun_finishes(
    client, study: Path, reference: tuple, tmp_path: Path
) -> None:
    task = functools.partial(tasks.raise_after_first, str(tmp_path / "first"))
    runner = DaskBatchRunner(client, run_dir=study / "run", batch_chars=BATCH_CHARS, task=task)
    with open_project(study) as project:
        with pytest.raises(RuntimeError, match="injected failure"):
            autocode_project(project, runner=runner)
        assert not runner.run_dir.exists()
        assert project.store.integrity_ok()
    codings, state = store_rows(study / "casekit.db")
    merged = {row[0] for row in state}
    assert len(merged) < 39
    # Every merged document is complete; nothing else was written.
    assert codings == [row for row in reference[0] if row[0] in merged]
    with open_project(study) as project:
        report = autocode_on_cluster(project, client, batch_chars=BATCH_CHARS)
    assert report.n_skipped == len(merged)
    assert sorted(store_rows(study / "casekit.db")[1]) == sorted(reference[1])
    assert sorted(store_rows(study / "casekit.db")[0]) == sorted(reference[0])


def test_merging_a_partition_twice_duplicates_nothing(
    client, study: Path, reference: tuple
) -> None:
    kept = DaskBatchRunner(
        client, run_dir=study / "run", batch_chars=BATCH_CHARS, keep_partitions=True
    )
    with open_project(study) as project:
        autocode_project(project, runner=kept)
    parts = sorted((study / "run").glob("part-*.parquet"))

    def replay_twice(
        codebook_path: str, batches: Iterator[DocumentBatch], write: WriteDocument
    ) -> None:
        for _ in batches:
            pass
        for _ in range(2):
            for path in parts:
                for document_id, codings, n_segments in read_partition(path):
                    write(document_id, codings, n_segments)

    with open_project(study) as project:
        autocode_project(project, force=True, runner=replay_twice)
    codings, state = store_rows(study / "casekit.db")
    assert sorted(codings) == sorted(reference[0])
    assert state == reference[1]


def test_code_batch_round_trips_through_parquet(study: Path, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    codebook = study / "codebooks" / "technology-structuring.yaml"
    batch: list[DocumentBatch] = [
        (7, [(70, 0, "我们通过共享交换平台调取数据，但是没有纳入考核。", "zh")]),
        (8, [(80, 0, "天气很好。", "zh")]),  # no coding: still listed
        (9, [(90, 5, "Records come through the data sharing platform.", "en")]),
    ]
    path = tmp_path / "part.parquet"
    path.write_bytes(code_batch(CodebookFile.from_path(codebook), batch))
    assert tuple(pq.read_schema(path).names) == PARTITION_COLUMNS
    compiled = compile_from_path(codebook)
    expected = [(doc, code_document(compiled, segs), len(segs)) for doc, segs in batch]
    assert list(read_partition(path)) == expected
    assert expected[0][1] and not expected[1][1] and expected[2][1][0].start >= 5


def test_codebook_file_is_written_once_per_content(tmp_path: Path) -> None:
    a = CodebookFile("cb.yaml", b"id: x\n")
    assert a.materialise() == a.materialise()
    assert a.materialise().read_bytes() == b"id: x\n"
    assert CodebookFile("cb.yaml", b"id: y\n").materialise() != a.materialise()


def test_cli_autocode_on_a_scheduler(client, study: Path, reference: tuple) -> None:
    result = CliRunner().invoke(
        cli, ["autocode", "--scheduler", client.scheduler.address, "--project", str(study)]
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"coded 1,136 segments in 39 documents: {len(reference[0]):,} codings from 87 codes; "
        "0 manual codings untouched\n"
    )
    assert store_rows(study / "casekit.db") == reference


def test_cli_cluster_local_starts_a_local_cluster(
    client, study: Path, reference: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    import casekit.distributed.cluster

    asked = []

    @contextlib.contextmanager
    def session_cluster(**kwargs: object) -> Iterator[object]:
        asked.append(kwargs)
        yield client  # the session's LocalCluster stands in for a new one

    monkeypatch.setattr(casekit.distributed.cluster, "dask_client", session_cluster)
    args = ["autocode", "--cluster", "local", "--project", str(study)]
    result = CliRunner().invoke(cli, [*args, "--workers", "3"])
    assert result.exit_code == 0, result.output
    assert store_rows(study / "casekit.db") == reference
    result = CliRunner().invoke(cli, [*args, "--force"])
    assert result.exit_code == 0, result.output
    assert asked == [
        {"scheduler": None, "n_workers": 3, "timeout": 20.0},
        {"scheduler": None, "n_workers": os.cpu_count(), "timeout": 20.0},
    ]


def test_cli_cluster_errors(study: Path) -> None:
    runner = CliRunner()
    args = ["autocode", "--project", str(study)]
    result = runner.invoke(cli, [*args, "--scheduler", "tcp://127.0.0.1:1", "--timeout", "0.5"])
    assert result.exit_code == 1
    assert "Error: cannot reach the Dask scheduler at tcp://127.0.0.1:1" in result.output
    assert "dask scheduler" in result.output
    result = runner.invoke(cli, [*args, "--scheduler", "tcp://127.0.0.1:1", "--cluster", "local"])
    assert result.exit_code == 2
    assert "use --scheduler ADDRESS or --cluster local, not both" in result.output
    result = runner.invoke(cli, [*args, "--scheduler", "tcp://127.0.0.1:1", "--workers", "2"])
    assert result.exit_code == 2
    con = sqlite3.connect(study / "casekit.db")
    assert con.execute("SELECT COUNT(*) FROM codings").fetchone()[0] == 0
    con.close()

"""Co-occurrence counted per partition on a real LocalCluster equals the single-process table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from casekit.analysis.cooccurrence import code_cooccurrence
from casekit.analysis.matrix import segment_code_matrix
from casekit.cli import cli
from casekit.distributed.cooccurrence import (
    CooccurrenceCounts,
    code_cooccurrence_on_cluster,
    cooccurrence_counts,
    cooccurrence_counts_on_cluster,
    cooccurrence_from_counts,
    partition_cooccurrence_counts,
    split_by_document,
)
from casekit.errors import CasekitError
from casekit.project import open_project
from casekit.selection import codings_frame, segments_frame

ROWS = [{}, {"window": 3}, {"by_document": True}]


@pytest.fixture(scope="module")
def frames(coded_study: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    with open_project(coded_study) as project:
        return (
            codings_frame(project.store, unit="sentence"),
            segments_frame(project.store, unit="sentence"),
        )


@pytest.mark.parametrize("rows", ROWS, ids=["segment", "window", "document"])
def test_cluster_table_equals_single_process(client, frames, rows: dict) -> None:
    codings, segments = frames
    expected = code_cooccurrence(segment_code_matrix(codings, segments, **rows), min_count=2)
    got = code_cooccurrence_on_cluster(client, codings, segments, min_count=2, **rows)
    assert len(expected) > 100
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


@pytest.mark.parametrize("rows", ROWS, ids=["segment", "window", "document"])
def test_partition_counts_add_up_to_the_whole(frames, rows: dict) -> None:
    codings, segments = frames
    whole = segment_code_matrix(codings, segments, **rows)
    codes = whole.codes
    parts = list(split_by_document(codings, segments, 5))
    assert len(parts) == 5
    summed = sum(
        (partition_cooccurrence_counts(c, s, codes=codes, **rows) for c, s in parts[1:]),
        start=partition_cooccurrence_counts(*parts[0], codes=codes, **rows),
    )
    expected = cooccurrence_counts(whole)
    assert summed.n_rows == expected.n_rows and summed.codes == expected.codes
    assert (summed.gram != expected.gram).nnz == 0
    np.testing.assert_array_equal(summed.sizes, expected.sizes)
    assert summed.code_counts() == whole.code_counts()
    pd.testing.assert_frame_equal(
        cooccurrence_from_counts(summed), code_cooccurrence(whole), check_exact=True
    )


def test_split_keeps_documents_whole_and_leaves_text_behind(frames) -> None:
    codings, segments = frames
    parts = list(split_by_document(codings, segments, 4))
    docs = [set(s["document"]) for _, s in parts]
    assert set().union(*docs) == set(segments["document"])
    assert sum(len(d) for d in docs) == segments["document"].nunique()
    for c, s in parts:
        assert set(c["segment_id"]) <= set(s["segment_id"])
        assert list(s.columns) == ["segment_id", "segment", "document", "unit"]
        assert list(c.columns) == ["segment_id", "code", "unit"]
    assert sum(len(c) for c, _ in parts) == len(codings)
    assert sum(len(s) for _, s in parts) == len(segments)


def test_counts_stream_from_a_generator(client, frames) -> None:
    codings, segments = frames
    taken = []

    def partitions():
        for part in split_by_document(codings, segments, 12):
            taken.append(len(part[1]))
            yield part

    codes = sorted(codings["code"].unique())
    counts = cooccurrence_counts_on_cluster(client, partitions(), codes=codes, max_in_flight=2)
    assert len(taken) == 12 and sum(taken) == len(segments)
    whole = cooccurrence_counts(segment_code_matrix(codings, segments))
    assert counts.n_rows == whole.n_rows and (counts.gram != whole.gram).nnz == 0


def test_counts_over_other_codes_do_not_add() -> None:
    import scipy.sparse as sp

    a = CooccurrenceCounts(sp.csr_array((1, 1), dtype=np.int64), np.zeros(1), 0, ("A",))
    b = CooccurrenceCounts(sp.csr_array((1, 1), dtype=np.int64), np.zeros(1), 0, ("B",))
    with pytest.raises(CasekitError, match="different codes"):
        a + b
    with pytest.raises(CasekitError, match="min_count must be at least 1, not 0"):
        cooccurrence_from_counts(a, min_count=0)


@pytest.mark.parametrize("rows", [[], ["--window", "3"], ["--unit", "document"]])
def test_cli_cooccur_on_a_scheduler_prints_the_same_table(
    client, coded_study: Path, rows: list[str]
) -> None:
    args = ["analyze", "cooccur", "--format", "csv", "--project", str(coded_study), *rows]
    local = CliRunner().invoke(cli, args)
    assert local.exit_code == 0, local.output
    remote = CliRunner().invoke(cli, [*args, "--scheduler", client.scheduler.address])
    assert remote.exit_code == 0, remote.output
    assert remote.stdout == local.stdout
    assert remote.stdout.count("\n") > 50


def test_cli_cooccur_refuses_two_clusters(coded_study: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "analyze",
            "cooccur",
            "--project",
            str(coded_study),
            "--scheduler",
            "tcp://127.0.0.1:1",
            "--cluster",
            "local",
        ],
    )
    assert result.exit_code == 2
    assert "use --scheduler ADDRESS or --cluster local, not both" in result.output

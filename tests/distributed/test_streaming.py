"""Without a cluster, ingest and auto-coding hold one document at a time: memory stays flat."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.distributed.memory_probe import document_text

DOC_CHARS = 20_000
SMALL, LARGE = 5, 40


@pytest.mark.slow
@pytest.mark.skipif(
    not Path("/proc/self/clear_refs").exists(), reason="measures peak RSS through Linux /proc"
)
def test_memory_does_not_grow_with_the_corpus(tmp_path: Path) -> None:
    # Two fresh processes side by side: a corpus of 5 documents and one of 40 (each document,
    # about 57 kB, is one batch). Holding the corpus would add ~35 MB to the larger run's peak
    # (measured before ingest streamed); streaming adds only per-document bookkeeping.
    runs = {
        n: subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.distributed.memory_probe",
                str(tmp_path / f"n{n}"),
                str(n),
                str(DOC_CHARS),
            ],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in (SMALL, LARGE)
    }
    growth = {}
    for n, run in runs.items():
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        growth[n] = json.loads(out)
    assert growth[LARGE]["documents"] == LARGE + 1  # and the warm-up document
    extra_text = (LARGE - SMALL) * len(document_text(0, DOC_CHARS).encode("utf-8"))
    for step in ("ingest", "autocode"):
        assert growth[LARGE][step] - growth[SMALL][step] < extra_text / 2, (step, growth)

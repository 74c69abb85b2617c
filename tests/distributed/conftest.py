"""Fixtures: one real 2-worker LocalCluster per session, and the sample study coded in-process."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from casekit.coding.autocode import autocode_project
from casekit.ingest import ingest_corpus
from casekit.project import init_project, open_project
from tests.conftest import REPO_ROOT

pytest.importorskip("distributed", reason="needs the dask extra: pip install 'casekit[dask]'")

# Every column of a coding but its id and time: two runs agree when these rows are equal, in
# this order (which is the order the codings were inserted).
CODING_ROWS = (
    "SELECT d.name, s.key, c.code, c.start, c.end, c.rule, c.matched_text, c.source, c.coder, "
    "c.codebook_version FROM codings c JOIN segments s ON s.id = c.segment_id "
    "JOIN documents d ON d.id = s.document_id WHERE c.deleted_at IS NULL ORDER BY c.id"
)
STATE_ROWS = (
    "SELECT d.name, a.codebook, a.codebook_version, a.unit, a.sha256, a.n_codings "
    "FROM autocode_state a JOIN documents d ON d.id = a.document_id ORDER BY d.name"
)


def store_rows(db: Path) -> tuple[list[tuple], list[tuple]]:
    """The codings (in insertion order) and the autocode state of a project store."""
    con = sqlite3.connect(db)
    try:
        return con.execute(CODING_ROWS).fetchall(), con.execute(STATE_ROWS).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="session")
def client() -> Iterator[object]:
    from casekit.distributed.cluster import dask_client

    with dask_client(n_workers=2) as c:
        yield c


@pytest.fixture(scope="session")
def sample_study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's sample study and shipped codebook, ingested, not yet coded."""
    root = tmp_path_factory.mktemp("sample") / "study"
    project = init_project(root, name="sample study")
    shutil.copytree(REPO_ROOT / "corpus", project.corpus_dir, dirs_exist_ok=True)
    shutil.copy(REPO_ROOT / "codebooks" / "technology-structuring.yaml", project.codebook_path)
    ingest_corpus(project)
    project.close()
    return root


@pytest.fixture(scope="session")
def coded_study(sample_study: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample study auto-coded in this process (do not change it)."""
    root = tmp_path_factory.mktemp("reference") / "study"
    shutil.copytree(sample_study, root)
    with open_project(root) as project:
        autocode_project(project)
    return root


@pytest.fixture(scope="session")
def reference(coded_study: Path) -> tuple:
    """Codings and state of the sample study auto-coded in this process."""
    return store_rows(coded_study / "casekit.db")


@pytest.fixture
def study(sample_study: Path, tmp_path: Path) -> Path:
    """A fresh copy of the ingested sample study."""
    root = tmp_path / "study"
    shutil.copytree(sample_study, root)
    return root

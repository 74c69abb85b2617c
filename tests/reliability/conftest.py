"""Fixtures of the reliability suite: an ingested project built once, example counters."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from casekit.project import Project, open_project
from tests.reliability.harness import build_project, copy_project, record


@pytest.fixture(scope="session")
def ingested_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The suite's project, ingested and with its codes synced (closed; copy before use)."""
    from casekit.coding.manual import ensure_codes
    from casekit.ingest import ingest_corpus

    root = build_project(tmp_path_factory.mktemp("reliability") / "template")
    with open_project(root) as project:
        ingest_corpus(project)
        ensure_codes(project)
    return root


@pytest.fixture
def ingested(ingested_template: Path, tmp_path: Path) -> Iterator[Project]:
    """A fresh copy of the ingested project, open."""
    project = open_project(copy_project(ingested_template, tmp_path / "study"))
    yield project
    project.close()


class Examples:
    """Counts the examples a property test ran, for the figures."""

    def __init__(self) -> None:
        self.n = 0

    def tick(self) -> None:
        self.n += 1


@pytest.fixture
def examples(request: pytest.FixtureRequest) -> Iterator[Examples]:
    counter = Examples()
    yield counter
    module = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_fuzz_")
    name = request.node.name.removeprefix("test_").replace("_", " ")
    record("fuzz", f"{module}: {name}", {"examples": counter.n})

"""Fixtures for the REFI-QDA tests: a coded project, built once and copied per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from casekit.project import Project, open_project
from tests.refi.builders import build_project


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("template") / "study"
    build_project(root).close()
    return root


@pytest.fixture
def project(built_project: Path, tmp_path: Path) -> Iterator[Project]:
    root = tmp_path / "study"
    shutil.copytree(built_project, root)
    proj = open_project(root)
    yield proj
    proj.close()

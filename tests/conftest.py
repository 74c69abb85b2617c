"""Shared fixtures: a file-backed project in tmp_path and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from casekit.project import Project, init_project

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    proj = init_project(tmp_path / "study", name="test study")
    yield proj
    proj.close()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path

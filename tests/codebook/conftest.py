"""Fixtures for the codebook tests: the fixture folder and the small valid codebook."""

from __future__ import annotations

from pathlib import Path

import pytest

from casekit.codebook import Codebook, load_codebook

DATA = Path(__file__).resolve().parents[1] / "data" / "codebooks"
VALID_SMALL = DATA / "valid-small.yaml"


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def small() -> Codebook:
    return load_codebook(VALID_SMALL)

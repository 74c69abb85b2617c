"""Fixtures for the rule-engine tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from casekit.codebook.loader import load_codebook
from casekit.codebook.model import Codebook

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "coding" / "codebook.yaml"


@pytest.fixture(scope="session")
def fixture_codebook() -> Codebook:
    return load_codebook(FIXTURE)

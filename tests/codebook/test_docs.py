"""docs/codebook.md: its example is the valid-small fixture and it documents every key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casekit.codebook import loads_codebook
from casekit.codebook.loader import CODE_KEYS, CODEBOOK_KEYS, RULE_KEYS

from .conftest import VALID_SMALL

DOC = Path(__file__).resolve().parents[2] / "docs" / "codebook.md"


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def test_example_is_the_valid_small_fixture(doc: str) -> None:
    example = re.search(r"```yaml\n(.*?)```", doc, re.S)
    assert example is not None
    fixture = VALID_SMALL.read_text(encoding="utf-8")
    assert example.group(1) == fixture[fixture.index("\ncodebook:") + 1 :]
    assert len(loads_codebook(example.group(1))) == 7


def test_every_key_is_documented(doc: str) -> None:
    assert "| `zh`, `en` |" in doc  # the name keys
    for key in (*CODEBOOK_KEYS, *CODE_KEYS, *RULE_KEYS):
        assert f"| `{key}` |" in doc, key

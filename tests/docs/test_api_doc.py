"""docs/api.md: every code block runs, in order, and prints what the page shows."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from tests.conftest import REPO_ROOT
from tests.docs.runner import TutorialRunner
from tests.docs.steps import PythonCode, read_steps

PAGE = REPO_ROOT / "docs" / "api.md"


@pytest.mark.slow
def test_api_example_runs_and_returns_frames_and_graphs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAMPLE", str(REPO_ROOT))
    steps = read_steps(PAGE.read_text(encoding="utf-8"))
    assert steps and all(isinstance(step, PythonCode) for step in steps)
    assert all(step.expected for step in steps), "every code block shows its output"
    runner = TutorialRunner(tmp_path, sample=REPO_ROOT, source="docs/api.md")
    for step in steps:
        runner.run(step)
    ns = runner.namespace
    assert isinstance(ns["codings"], pd.DataFrame)
    assert isinstance(ns["cooc"], pd.DataFrame)
    assert isinstance(ns["G"], nx.Graph)
    assert (tmp_path / "api-study" / "outputs" / "code-network-wang.png").stat().st_size > 0
    ns["project"].close()

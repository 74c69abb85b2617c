"""Every command of both tutorials runs, in order, in a fresh folder and prints what the page shows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.docs.runner import TutorialRunner
from tests.docs.steps import Command, read_steps

DOCS = REPO_ROOT / "docs"
TUTORIALS = ["tutorial.md", "zh/tutorial.md"]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bash") is None, reason="the tutorials' shell commands need bash")
@pytest.mark.parametrize("name", TUTORIALS)
def test_tutorial_runs_as_written(name: str, tmp_path: Path) -> None:
    page = DOCS / name
    steps = read_steps(page.read_text(encoding="utf-8"))
    runner = TutorialRunner(tmp_path, sample=REPO_ROOT, source=f"docs/{name}")
    for step in steps:
        runner.run(step)
    # The promised end products exist: a thesis figure, the report and the NVivo project.
    study = tmp_path / "guizhou-study"
    assert (study / "outputs" / "figures" / "code-network.png").stat().st_size > 0
    assert (study / "outputs" / "report.html").stat().st_size > 0
    assert (study / "outputs" / "guizhou-study.qdpx").stat().st_size > 0


@pytest.mark.parametrize("name", TUTORIALS)
def test_tutorial_covers_the_whole_workflow(name: str) -> None:
    commands = [
        step.text
        for step in read_steps((DOCS / name).read_text(encoding="utf-8"))
        if isinstance(step, Command)
    ]
    used = {" ".join(text.split()[:2]) for text in commands if text.startswith("casekit ")}
    assert {
        "casekit init",
        "casekit ingest",
        "casekit codebook",
        "casekit autocode",
        "casekit explain",
        "casekit code",
        "casekit import",
        "casekit agree",
        "casekit reconcile",
        "casekit evaluate",
        "casekit analyze",
        "casekit run",
        "casekit export",
    } <= used
    subcommands = {" ".join(text.split()[:3]) for text in commands}
    assert {
        "casekit codebook validate",
        "casekit codebook show",
        "casekit codebook test",
        "casekit codebook diff",
        "casekit code session",
        "casekit analyze patterns",
        "casekit export qdpx",
    } <= subcommands

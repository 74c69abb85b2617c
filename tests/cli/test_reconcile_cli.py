"""``casekit reconcile`` through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from casekit.cli import cli
from casekit.coding.manual import add_coding
from casekit.project import Project
from casekit.store.manual import coding_rows
from tests.coding.manual_helpers import build_project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    proj = build_project(tmp_path / "study")
    add_coding(proj.store, "gz-county-07/t2", "DIL.DATA_QUALITY", coder="li")
    add_coding(proj.store, "gz-county-07/t2", "DIL.DATA_QUALITY", coder="wang")
    add_coding(proj.store, "gz-county-07/t2", "DIL.REPEATED_PROOFS", coder="li")
    add_coding(proj.store, "gz-county-07/t4", "TECH.SYSTEMS", coder="wang")
    yield proj
    proj.close()


def run(project: Project, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, [*args, "--project", str(project.root)], input=input)


def consensus(project: Project) -> list[tuple[str, str]]:
    return [(r["segment"], r["code"]) for r in coding_rows(project.store, coders=["cons"])]


def test_auto_agreed_only(project: Project) -> None:
    result = run(
        project, "reconcile", "--coders", "li", "wang", "--as", "cons", "--auto-agreed-only"
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        "copied 1 agreed coding to cons; 2 segments with disagreements left to decide "
        "('casekit reconcile --coders li wang --as cons')\n"
    )
    assert consensus(project) == [("gz-county-07/t2", "DIL.DATA_QUALITY")]


def test_interactive_decisions(project: Project) -> None:
    result = run(project, "reconcile", "--coders", "li", "wang", "--as", "cons", input="1\n4\n")
    assert result.exit_code == 0, result.output
    assert "disagreement 1/2 · gz-county-07/t2 (turn)" in result.output
    assert "✓ cons decided gz-county-07/t2 (keep li): DIL.REPEATED_PROOFS" in result.output
    assert "✓ cons decided gz-county-07/t4 (neither): none of the disputed codes" in result.output
    assert result.output.rstrip().endswith("reconcile saved: 2 decided, 0 disagreements left")
    assert consensus(project) == [
        ("gz-county-07/t2", "DIL.DATA_QUALITY"),
        ("gz-county-07/t2", "DIL.REPEATED_PROOFS"),
    ]


def test_codes_filter(project: Project) -> None:
    result = run(
        project,
        "reconcile",
        "--coders",
        "li",
        "wang",
        "--as",
        "cons",
        "--codes",
        "TECH",
        "--auto-agreed-only",
    )
    assert result.output.startswith("copied 0 agreed codings to cons; 1 segment with disagreements")


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (
            ["--coders", "li", "zhao", "--as", "cons"],
            "Error: unknown coder 'zhao'; coders in this project: li, wang\n",
            1,
        ),
        (
            ["--coders", "li", "wang", "--as", "li"],
            "Error: the consensus coder must be a new name",
            1,
        ),
        (
            ["--coders", "li", "wang", "--as", "cons", "--codes", "DIL."],
            "Error: code 'DIL.' is ambiguous",
            1,
        ),
        (["--coders", "li", "--as", "cons"], "", 2),
    ],
)
def test_errors(project: Project, args: list[str], message: str, code: int) -> None:
    result = run(project, "reconcile", *args)
    assert result.exit_code == code
    assert result.output.startswith(message)

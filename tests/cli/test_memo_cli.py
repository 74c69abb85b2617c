"""``casekit memo add|list|show|rm`` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from casekit.cli import cli
from casekit.project import Project
from tests.coding.manual_helpers import build_project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    proj = build_project(tmp_path / "study")
    yield proj
    proj.close()


def run(project: Project, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, [*args, "--project", str(project.root)])


def test_memo_add_list_show_rm(project: Project) -> None:
    assert run(project, "memo", "add", "整体印象", "--coder", "li").output == (
        "li wrote memo 1 on the project · event 5\n"
    )
    assert run(project, "memo", "add", "县级", "--coder", "li", "--doc", "gz-county-07").output == (
        "li wrote memo 2 on document gz-county-07 · event 6\n"
    )
    out = run(project, "memo", "add", "边界", "--coder", "wang", "--code", "数据质量").output
    assert out == "wang wrote memo 3 on code DIL.DATA_QUALITY · event 7\n"
    run(project, "memo", "add", "典型", "--coder", "wang", "--segment", "gz-county-07/t2")
    listed = json.loads(
        run(project, "memo", "list", "--doc", "gz-county-07", "--format", "json").output
    )
    assert [(m["id"], m["target_type"], m["target"], m["author"]) for m in listed] == [
        (2, "document", "gz-county-07", "li"),
        (4, "segment", "gz-county-07/t2", "wang"),
    ]
    table = run(project, "memo", "list", "--coder", "li").output.splitlines()
    assert table[0].split() == ["id", "target_type", "target", "author", "created_at", "text"]
    assert len(table) == 4
    shown = run(project, "memo", "show", "3").output.splitlines()
    assert shown[0] == "memo 3 on DIL.DATA_QUALITY (code)"
    assert shown[1].startswith("by wang, ")
    assert shown[3] == "边界"
    refused = run(project, "memo", "rm", "3", "--coder", "li")
    assert refused.exit_code == 1
    assert refused.output == (
        "Error: memo 3 was written by wang: a coder can only remove their own memos\n"
    )
    assert run(project, "memo", "rm", "3", "--coder", "wang").output == (
        "wang removed memo 3 · event 9\n"
    )
    gone = run(project, "memo", "show", "3")
    assert gone.exit_code == 1
    assert gone.output == "Error: no memo 3; 'casekit memo list' shows the memos\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "x", "--coder", "li", "--doc", "nope"], "Error: no document named 'nope'"),
        (["add", "x", "--coder", "li", "--segment", "gz-county-07/t9"], "Error: no segment"),
        (["add", "x", "--coder", "li", "--code", "DIL."], "Error: code 'DIL.' is ambiguous"),
        (
            ["add", "x", "--coder", "li", "--doc", "gz-county-07", "--code", "TECH"],
            "Error: a memo is on one thing",
        ),
        (
            ["list", "--coder", "zhao"],
            "Error: unknown coder 'zhao'; coders in this project: none yet",
        ),
    ],
)
def test_memo_errors(project: Project, args: list[str], message: str) -> None:
    result = run(project, "memo", *args)
    assert result.exit_code == 1
    assert result.output.startswith(message)

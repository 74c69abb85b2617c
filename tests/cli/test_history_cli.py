"""``casekit history`` and ``casekit undo`` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from casekit.cli import cli
from casekit.project import Project
from casekit.store.manual import coding_rows
from tests.coding.manual_helpers import build_project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    proj = build_project(tmp_path / "study")
    yield proj
    proj.close()


def run(project: Project, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, [*args, "--project", str(project.root)])


def codes(project: Project) -> list[tuple[str, str]]:
    return [(r["code"], r["coder"]) for r in coding_rows(project.store)]


def test_undo_redo_and_history(project: Project) -> None:
    run(project, "code", "add", "gz-county-07/t2", "TECH.PLATFORM", "--coder", "li")
    run(project, "code", "add", "gz-county-07/t2", "TECH.SYSTEMS", "--coder", "wang")
    result = run(project, "undo", "--coder", "li")
    assert result.exit_code == 0
    assert result.output == (
        "undo event 5: li coded gz-county-07/t2 (whole segment) with TECH.PLATFORM 共享交换平台"
        " · event 7\n"
    )
    assert codes(project) == [("TECH.SYSTEMS", "wang")]
    result = run(project, "undo", "--coder", "li")
    assert result.exit_code == 1
    assert result.output == "Error: nothing to undo: no change by li is in effect\n"
    assert run(project, "undo", "--redo").output.startswith("redo event 7: undo event 5: li coded")
    assert codes(project) == [("TECH.PLATFORM", "li"), ("TECH.SYSTEMS", "wang")]
    assert run(project, "undo").output.startswith("undo event 6: wang coded")
    assert run(project, "undo", "--event", "9").output.startswith("redo event 9: undo event 6")
    assert len(codes(project)) == 2

    table = run(project, "history", "--limit", "3").output.splitlines()
    assert table[0].split() == ["id", "at", "actor", "action", "state", "summary"]
    assert [line.split()[0] for line in table[2:]] == ["10", "9", "8"]
    events = json.loads(run(project, "history", "--all", "--format", "json").output)
    assert [(e["id"], e["action"], e["state"]) for e in events][:6] == [
        (10, "undo", "in effect"),
        (9, "undo", "undone"),
        (8, "undo", "in effect"),
        (7, "undo", "undone"),
        (6, "coding.add", "in effect"),
        (5, "coding.add", "in effect"),
    ]
    assert events[-1]["action"] == "document.add"
    assert events[0]["payload"]["undoes"] == 9
    only_wang = json.loads(run(project, "history", "--coder", "wang", "--format", "json").output)
    assert {e["actor"] for e in only_wang} == {"wang"}
    adds = json.loads(run(project, "history", "--action", "coding", "--format", "json").output)
    assert [e["id"] for e in adds] == [6, 5]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["undo", "--coder", "zhao"],
            "Error: unknown coder 'zhao'; coders in this project: none yet\n",
        ),
        (["undo"], "Error: nothing to undo: no change is in effect\n"),
        (
            ["undo", "--event", "1"],
            "Error: event 1 (document.add) is not a change that can be undone\n",
        ),
        (["undo", "--event", "99"], "Error: no event 99; 'casekit history' lists the events\n"),
        (["undo", "--redo"], "Error: nothing to redo: no undo is in effect\n"),
        (
            ["history", "--coder", "zhao"],
            "Error: unknown coder 'zhao'; coders in this project: none yet\n",
        ),
    ],
)
def test_errors(project: Project, args: list[str], message: str) -> None:
    result = run(project, *args)
    assert result.exit_code == 1
    assert result.output == message


def test_redo_and_event_together_is_a_usage_error(project: Project) -> None:
    result = run(project, "undo", "--redo", "--event", "3")
    assert result.exit_code == 2
    assert "give --redo or --event, not both" in result.output

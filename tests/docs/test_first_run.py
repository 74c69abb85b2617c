"""First run: the orientation, the version, and what a command run outside a project says."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from casekit import __version__
from casekit.cli import cli
from casekit.cli.reference import iter_commands

FIVE = (
    "casekit init my-study",
    "casekit ingest",
    "casekit autocode",
    "casekit code session --coder ME",
    "casekit run",
)


def _columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def test_orientation_names_the_tutorials_and_five_commands() -> None:
    result = CliRunner().invoke(cli, [])
    assert result.exit_code == 0
    out = result.output
    assert "docs/tutorial.md" in out
    assert "docs/zh/tutorial.md" in out
    assert "The five commands you will use most:" in out
    listed = [
        line.split("  ")[1].strip() for line in out.splitlines() if line.startswith("  casekit")
    ]
    assert tuple(listed) == FIVE
    assert max(_columns(line) for line in out.splitlines()) <= 80


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.output == f"casekit, version {__version__}\n"


def _dummy_arguments(command: click.Command, existing_file: Path) -> list[str]:
    """The smallest command line that passes the command's own checks."""
    args: list[str] = []
    for param in command.params:
        if not param.required or param.name == "project_dir":
            continue
        if isinstance(param.type, click.Choice):
            value = str(param.type.choices[0])
        elif isinstance(param.type, click.Path | click.File):
            value = str(existing_file)
        elif isinstance(param.type, click.types.IntParamType):
            value = "1"
        else:
            value = "x"
        values = [value] * (param.nargs if param.nargs > 1 else 1)
        if isinstance(param, click.Option):
            args += [param.opts[0], *values]
        else:
            args += values
    return args


PROJECT_COMMANDS = [
    (path, command)
    for path, command, _ctx in iter_commands()
    if not isinstance(command, click.Group) and any(p.name == "project_dir" for p in command.params)
]


@pytest.mark.parametrize(
    ("path", "command"), PROJECT_COMMANDS, ids=[" ".join(p) for p, _c in PROJECT_COMMANDS]
)
def test_outside_a_project_every_command_says_how_to_create_one(
    path: tuple[str, ...], command: click.Command, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    existing = tmp_path / "input.csv"
    existing.write_text("original,pseudonym\n", encoding="utf-8")
    args = [*path[1:], *_dummy_arguments(command, existing)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, (args, result.output)
    assert "no casekit project here" in result.output
    assert "create one with 'casekit init DIR'" in result.output


def test_every_command_that_needs_a_project_is_checked() -> None:
    names = {" ".join(p) for p, _c in PROJECT_COMMANDS}
    assert {"casekit ingest", "casekit status", "casekit run", "casekit code session"} <= names
    assert "casekit init" not in names

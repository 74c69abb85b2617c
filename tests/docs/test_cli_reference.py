"""docs/cli.md is generated from the commands' help and must match it; every help has an example."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from casekit.cli import cli
from casekit.cli.reference import iter_commands, render_cli_reference
from tests.conftest import REPO_ROOT

REFERENCE = REPO_ROOT / "docs" / "cli.md"
COMMANDS = [(path, command) for path, command, _ctx in iter_commands()]
IDS = [" ".join(path) for path, _command in COMMANDS]


def test_cli_reference_is_up_to_date() -> None:
    written = REFERENCE.read_text(encoding="utf-8") if REFERENCE.exists() else ""
    assert written == render_cli_reference(), (
        "docs/cli.md is out of date with the commands' --help; regenerate it with\n"
        "    python -m casekit.cli.reference > docs/cli.md"
    )


def test_reference_lists_every_command_once() -> None:
    text = render_cli_reference()
    for name in IDS:
        assert text.count(f"\n## {name}\n") == 1, name
    assert "## casekit export qdpx" in text


def test_reference_does_not_depend_on_the_terminal() -> None:
    probe = "from casekit.cli.reference import render_cli_reference as r; print(r(), end='')"
    narrow = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        check=True,
        env={"COLUMNS": "40", "PATH": ""},
        cwd=REPO_ROOT,
    )
    assert narrow.stdout.decode("utf-8") == render_cli_reference()


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_help_has_one_line_summary_and_example(
    path: tuple[str, ...], command: click.Command
) -> None:
    result = CliRunner().invoke(cli, [*path[1:], "--help"])
    assert result.exit_code == 0, result.output
    summary = (command.help or "").split("\n\n")[0]
    assert summary and "\n" not in summary.strip(), (
        f"{' '.join(path)}: first line of help is not one line"
    )
    assert summary.strip().endswith("."), f"{' '.join(path)}: summary should be a sentence"
    assert "Example" in result.output, f"{' '.join(path)}: help has no 'Example:' block"

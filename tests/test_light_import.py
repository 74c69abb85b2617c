"""`import casekit` and `casekit --help` must not import heavy libraries."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("spacy", "pandas", "sklearn", "matplotlib", "scipy", "networkx", "jieba")

PROBE = """
import sys
import casekit
from click.testing import CliRunner
from casekit.cli import cli
result = CliRunner().invoke(cli, ["--help"])
assert result.exit_code == 0, result.output
print(",".join(m for m in {heavy!r} if m in sys.modules))
"""


def test_import_and_help_stay_light() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == ""


def test_every_command_help_loads() -> None:
    from click.testing import CliRunner

    from casekit.cli import COMMANDS, SUMMARIES, cli

    assert set(COMMANDS) == set(SUMMARIES)
    for name in COMMANDS:
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert "Example" in result.output, name

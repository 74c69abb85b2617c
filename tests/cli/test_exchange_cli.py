"""``casekit import codings`` and ``casekit export codings`` through the CLI."""

from __future__ import annotations

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


def test_import_then_export(project: Project, tmp_path: Path) -> None:
    src = tmp_path / "li.csv"
    src.write_text(
        "document,start,end,code,coder,memo\n"
        "gz-county-07,69,71,TECH.PLATFORM,li,\n"
        'gz-notice-01,21,44,DIL.DATA_QUALITY,wang,"对不上, 核实"\n',
        encoding="utf-8",
    )
    result = run(project, "import", "codings", str(src))
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"imported 2 codings by 2 coders (li, wang) from {src}; 0 already present were skipped"
        " · event 5\n"
    )
    again = run(project, "import", "codings", str(src))
    assert again.output == f"nothing new in {src}: 2 codings skipped, already in the project\n"
    out = run(project, "export", "codings", "--coders", "li,wang")
    lines = out.output.splitlines()
    assert lines[0] == "document,start,end,code,coder,memo,segment,source,rule,created_at"
    assert lines[1].startswith("gz-county-07,69,71,TECH.PLATFORM,li,,gz-county-07/t2,manual,,")
    assert lines[2].startswith(
        'gz-notice-01,21,44,DIL.DATA_QUALITY,wang,"对不上, 核实",gz-notice-01/p2,'
    )
    target = tmp_path / "out.csv"
    written = run(project, "export", "codings", "--coders", "wang", "-o", str(target))
    assert written.output == f"exported 1 coding to {target}\n"
    assert target.read_text(encoding="utf-8").count("\n") == 2
    assert run(project, "export", "codings", "--source", "auto").output.count("\n") == 1


def test_import_reports_bad_rows_and_imports_nothing(project: Project, tmp_path: Path) -> None:
    src = tmp_path / "bad.csv"
    src.write_text(
        "document,start,end,code,coder\n"
        "gz-county-07,69,71,TECH.PLATFORM,li\n"
        "gz-county-07,69,71,NOPE,li\n"
        "gz-county-07,x,71,TECH,li\n",
        encoding="utf-8",
    )
    result = run(project, "import", "codings", str(src))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {src}: 2 bad rows, nothing imported:\n"
        "  row 3: unknown code 'NOPE'\n"
        "  row 4: start 'x' is not an integer\n"
    )
    assert coding_rows(project.store) == []


def test_import_unit_option_and_missing_file(project: Project, tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    src.write_text("document,start,end,code,coder\ngz-county-07,23,97,TECH,li\n", encoding="utf-8")
    assert run(project, "import", "codings", str(src), "--unit", "paragraph").exit_code == 0
    assert [r["segment"] for r in coding_rows(project.store)] == ["gz-county-07/p2"]
    missing = run(project, "import", "codings", str(tmp_path / "none.csv"))
    assert missing.exit_code == 1
    assert missing.output.startswith(f"Error: {tmp_path / 'none.csv'}: cannot read")


def test_export_unknown_coder(project: Project) -> None:
    result = run(project, "export", "codings", "--coders", "zhao")
    assert result.exit_code == 1
    assert result.output == (
        "Error: unknown coder zhao; coders in this project: none yet "
        "(and 'rules' for automatic codings)\n"
    )

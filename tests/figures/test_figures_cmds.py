"""``casekit figures`` and ``casekit report`` on a small coded project."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from casekit.cli import cli
from casekit.project import Project
from tests.figures.helpers import make_project


@pytest.fixture(scope="module")
def coded(tmp_path_factory) -> Project:
    project = make_project(tmp_path_factory.mktemp("cli") / "study")
    yield project
    project.close()


def _run(project: Project, *args: str):
    return CliRunner().invoke(cli, [*args, "--project", str(project.root)])


def test_figures_writes_the_chosen_figures(coded) -> None:
    result = _run(
        coded, "figures", "dilemma-patterns", "code-frequencies", "--lang", "en", "--formats", "png"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "wrote 2 figures (2 files: png) to outputs/figures; labels in English\n"
    )
    assert result.stderr == "note: 2 documents without turn segments counted by paragraph\n"
    figures = coded.outputs_dir / "figures"
    assert sorted(p.name for p in figures.iterdir()) == [
        "code-frequencies.png",
        "dilemma-patterns.png",
    ]


def test_figures_captions_and_output_folder(coded, tmp_path) -> None:
    out = tmp_path / "figs"
    result = _run(
        coded,
        "figures",
        "code-frequencies",
        "--lang",
        "en",
        "--formats",
        "svg,pdf",
        "--source",
        "auto",
        "--unit",
        "paragraph",
        "--captions",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    caption, summary = result.stdout.splitlines()
    assert caption == (
        "code-frequencies: Code frequencies by family: all 4 coded codes; each bar counts the "
        "paragraphs carrying the code. Automatic codings (rules); unit: paragraph; "
        "30 paragraphs in 6 documents."
    )
    assert summary == f"wrote 1 figure (2 files: svg, pdf) to {out}; labels in English"
    assert sorted(p.name for p in out.iterdir()) == ["code-frequencies.pdf", "code-frequencies.svg"]


def test_figures_list() -> None:
    result = CliRunner().invoke(cli, ["figures", "--list"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 8
    assert lines[0] == "code-frequencies      code frequency bars, grouped by family"


def test_figures_errors(coded) -> None:
    result = _run(coded, "figures", "nope")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: unknown figure(s): nope; choose from: code-frequencies, frequencies-by-group"
    )
    result = _run(coded, "figures", "--coder", "bob")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: unknown coder bob; coders in this project: none yet")
    result = _run(coded, "figures", "--formats", "gif")
    assert result.exit_code == 1
    assert result.stderr == "Error: unknown figure format 'gif'; choose from: pdf, svg, png\n"


def test_report_writes_one_file(coded, tmp_path) -> None:
    out = tmp_path / "report.html"
    result = _run(coded, "report", "--lang", "en", "-o", str(out))
    assert result.exit_code == 0, result.output
    size = out.stat().st_size
    shown = f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} kB"
    # Six short documents make no pair significant, so the network has no edges to draw.
    assert result.stdout == f"wrote {out} (6 documents, 7 figures, {shown})\n"
    assert result.stderr.splitlines()[-1] == (
        "warning: figure code-network not drawn: the code network has no edges to draw; "
        "lower the threshold or use more codings"
    )
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert html.count('<figure class="fig"') == 7
    assert "the code network has no edges to draw" in html


@pytest.mark.parametrize("command", ["figures", "report"])
def test_help_has_an_example(command) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output

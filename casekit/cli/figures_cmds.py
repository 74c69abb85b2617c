"""``casekit figures`` and ``casekit report``: thesis figures and the HTML report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from casekit.cli.common import codings_options, pass_project
from casekit.config import UNITS
from casekit.figures.catalog import FIGURE_DESCRIPTIONS, FIGURE_NAMES, check_figure_names
from casekit.project import Project

__all__ = ["figures_cmd", "report_cmd"]

F = TypeVar("F", bound=Callable[..., Any])


def selection_options(func: F) -> F:
    """``--unit --source --coder --lang``: which codings are drawn, and in which language."""
    for option in reversed(
        [
            click.option(
                "--lang",
                type=click.Choice(["zh", "en"]),
                default=None,
                help="Label language (default: [figures] lang in casekit.toml, else zh). "
                "Chinese needs a CJK font; without one labels fall back to English.",
            ),
            click.option(
                "--unit",
                type=click.Choice(UNITS),
                default=None,
                help="Segment unit counted over (default: [analysis] unit in casekit.toml; "
                "documents without it are counted by paragraph).",
            ),
            *codings_options(),
        ]
    ):
        func = option(func)
    return func


def _warn(messages: list[str]) -> None:
    for message in messages:
        click.echo(f"warning: {message}", err=True)


def _figure_list() -> str:
    width = max(len(n) for n in FIGURE_NAMES)
    return "\n".join(f"{n.ljust(width)}  {FIGURE_DESCRIPTIONS[n]}" for n in FIGURE_NAMES)


@click.command("figures")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@selection_options
@click.option(
    "--formats",
    default=None,
    metavar="LIST",
    help="Comma-separated file formats from pdf,svg,png (default: [figures] formats, else all).",
)
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder for the files (default: outputs/figures).",
)
@click.option("--list", "list_only", is_flag=True, help="List the figures and exit.")
@click.option("--captions", is_flag=True, help="Also print each figure's caption line.")
@pass_project
def figures_cmd(
    project: Project,
    names: tuple[str, ...],
    lang: str | None,
    unit: str | None,
    source: str,
    coders: tuple[str, ...],
    formats: str | None,
    out_dir: str | None,
    list_only: bool,
    captions: bool,
) -> None:
    """Draw thesis figures as PDF, SVG and PNG (300 dpi), 16 cm wide, byte-identical on rerun.

    NAME picks figures (default: all); '--list' shows them. Options not given on the command
    line come from [figures] in casekit.toml (see docs/figures.md). Files whose bytes would
    not change are left untouched.

    \b
    Example:
      casekit figures
      casekit figures code-network dilemma-patterns --lang en --formats pdf
      casekit figures --source manual --coder li --unit turn -o outputs/figures-li
    """
    if list_only:
        click.echo(_figure_list())
        return
    check_figure_names(names)
    from casekit.figures.build import FigureOptions, build_figures

    options = FigureOptions.from_config(project.config, lang=lang, formats=formats)
    data = _selection(project, unit, source, coders)
    target = project.outputs_dir / "figures" if out_dir is None else Path(out_dir)
    build = build_figures(data, target, names=list(names) or None, options=options)
    _warn(build.warnings)
    for output in build.outputs:
        if captions:
            click.echo(f"{output.name}: {output.caption}")
    where = _shown(project, target)
    language = "Chinese" if build.lang == "zh" else "English"
    click.echo(
        f"wrote {len(build.outputs)} figure{'s' if len(build.outputs) != 1 else ''} "
        f"({len(build.files)} files: {', '.join(options.formats)}) to {where}; "
        f"labels in {language}"
    )


@click.command("report")
@selection_options
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="HTML file to write (default: outputs/report.html).",
)
@click.option(
    "--anonymize",
    "mapping",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="Replace the names in this mapping CSV (original,pseudonym) everywhere in the report.",
)
@pass_project
def report_cmd(
    project: Project,
    lang: str | None,
    unit: str | None,
    source: str,
    coders: tuple[str, ...],
    output: str | None,
    mapping: str | None,
) -> None:
    """Write the HTML report: one self-contained file to open in any browser, offline.

    It holds a project summary, the codebook with definitions, every figure, the main
    tables, dilemma patterns with exemplar quotes, and each document with its coded
    passages highlighted (filter by code). All text is escaped.

    \b
    Example:
      casekit report
      casekit report --lang en -o outputs/report-en.html
      casekit report --source manual --coder li
      casekit report --anonymize names.csv -o outputs/report-shared.html
    """
    from casekit.figures.build import FigureOptions
    from casekit.report.data import load_report_data
    from casekit.report.html import write_report

    options = FigureOptions.from_config(project.config, lang=lang)
    path = project.outputs_dir / "report.html" if output is None else Path(output)
    if mapping is not None:
        from casekit.report.anonymized import write_anonymized_report

        result = write_anonymized_report(
            project, mapping, path, options=options, unit=unit, source=source, coders=coders
        )
    else:
        data = load_report_data(project, selection=_selection(project, unit, source, coders))
        result = write_report(data, path, options=options)
    _warn(result.warnings)
    click.echo(result.summary().replace(str(result.path), _shown(project, result.path), 1))


def _selection(project: Project, unit: str | None, source: str | None, coders: tuple[str, ...]):
    """The codings ``casekit analyze`` would use with these options, as figure data."""
    from casekit.cli.analyze_cmds import load_selection
    from casekit.figures.build import figure_data_from_frames

    selected = load_selection(project, unit=unit, source=source, coders=coders, level=None)
    settings = project.config["analysis"]
    return figure_data_from_frames(
        selected.codings,
        selected.segments,
        selected.codes,
        unit=selected.unit,
        source=source or settings["source"],
        coders=coders or tuple(settings["coders"]),
    )


def _shown(project: Project, path: Path) -> str:
    """A path relative to the project when it is inside it."""
    try:
        return project.relative(path)
    except ValueError:
        return str(path)

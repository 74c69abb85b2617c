"""``casekit import ...`` and ``casekit export ...``: move codings (and later projects) in and out."""

from __future__ import annotations

import click

from casekit.cli.common import pass_project
from casekit.config import UNITS
from casekit.project import Project

__all__ = ["export_group", "import_group", "split_names"]


def split_names(values: tuple[str, ...]) -> list[str]:
    """Names from a repeatable option that also takes comma-separated lists."""
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


@click.group("import")
def import_group() -> None:
    """Bring work made elsewhere into the project.

    \b
    Example:
      casekit import codings corpus/codings/li.csv
    """


@click.group("export")
def export_group() -> None:
    """Write the project's work out for other tools.

    \b
    Example:
      casekit export codings -o codings.csv
    """


@import_group.command("codings")
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--unit",
    type=click.Choice(UNITS),
    help="Unit whose segment each coding attaches to (default: turns where a document has "
    "them, else paragraphs).",
)
@pass_project
def import_codings_cmd(project: Project, file: str, unit: str | None) -> None:
    """Import manual codings from a CSV: document,start,end,code,coder[,memo].

    Offsets are code points into the stored text, END exclusive. Every row is checked
    first; if any is bad, all problems are listed with row numbers and nothing is
    imported. Codings already present are skipped, so importing twice adds nothing.

    \b
    Example:
      casekit import codings corpus/codings/wang.csv
    """
    from casekit.coding.exchange import import_codings
    from casekit.coding.manual import ensure_codes

    version = ensure_codes(project)
    report = import_codings(project.store, file, unit=unit, codebook_version=version)
    suffix = f" · event {report.event_id}" if report.event_id else ""
    click.echo(report.summary() + suffix)


@export_group.command("codings")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=str),
    help="Write to this file (default: standard output).",
)
@click.option(
    "--coders",
    multiple=True,
    help="Only these coders (repeat, or separate by commas; 'rules' is the automatic coder).",
)
@click.option(
    "--source", type=click.Choice(["manual", "auto", "all"]), default="all", show_default=True
)
@pass_project
def export_codings_cmd(
    project: Project, output: str | None, coders: tuple[str, ...], source: str
) -> None:
    """Export codings as CSV, sorted by document, start, code, coder.

    Columns: document,start,end,code,coder,memo,segment,source,rule,created_at — a file
    'casekit import codings' reads back.

    \b
    Example:
      casekit export codings --coders li,wang --source manual -o manual-codings.csv
    """
    import io

    from casekit.coding.exchange import export_codings, write_codings_csv

    rows = export_codings(
        project.store,
        coders=split_names(coders) or None,
        source=None if source == "all" else source,
    )
    if output is None:
        buf = io.StringIO()
        write_codings_csv(rows, buf)
        click.echo(buf.getvalue(), nl=False)
        return
    with open(output, "w", encoding="utf-8", newline="") as stream:
        write_codings_csv(rows, stream)
    noun = "coding" if len(rows) == 1 else "codings"
    click.echo(f"exported {len(rows):,} {noun} to {output}")

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
    """Import manual codings from a CSV file (document,start,end,code,coder[,memo]).

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


# -- REFI-QDA (.qdpx projects, .qdc codebooks) ----------------------------------------------------
@import_group.command("qdpx")
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--as-coder-prefix",
    "prefix",
    default="",
    metavar="P",
    help="Put P before every user name of the file to make coder names (e.g. 'nvivo-').",
)
@click.option(
    "--skip-missing",
    is_flag=True,
    help="Import the rest when some sources' texts are not in the archive (they are listed).",
)
@pass_project
def import_qdpx_cmd(project: Project, file: str, prefix: str, skip_missing: bool) -> None:
    """Import a REFI-QDA project (.qdpx, or a bare .qde) from NVivo, ATLAS.ti, MAXQDA, QualCoder.

    Text sources become documents, codes keep their hierarchy (codes the project already
    has are matched, not duplicated), selections become codings of the users who made
    them, notes become memos. Offsets are read per source as code points or UTF-16 units,
    with or without CR, whichever puts selections on word boundaries; the report names it.
    Everything is checked first: a hostile or broken file imports nothing.

    \b
    Example:
      casekit import qdpx from-nvivo.qdpx --as-coder-prefix nvivo-
    """
    from casekit.refi.importer import import_qdpx

    report = import_qdpx(project, file, coder_prefix=prefix, skip_missing=skip_missing)
    lines = report.lines()
    if report.event_id:
        lines[0] += f" · event {report.event_id}"
    click.echo("\n".join(lines))


@import_group.command("qdc")
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@pass_project
def import_qdc_cmd(project: Project, file: str) -> None:
    """Import a REFI-QDA codebook (.qdc) into the project's codes.

    Codes the project already has are matched (by GUID, or by the 'ID:' line casekit
    writes into descriptions); the others are added with their hierarchy.

    \b
    Example:
      casekit import qdc supervisor-codebook.qdc
    """
    from casekit.refi.codebook_import import import_qdc

    report = import_qdc(project, file)
    lines = report.lines()
    if report.event_id:
        lines[0] += f" · event {report.event_id}"
    click.echo("\n".join(lines))


@export_group.command("qdpx")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=str),
    help="The archive to write [default: outputs/<project folder>.qdpx].",
)
@click.option(
    "--coders",
    multiple=True,
    help="Only codings and memos of these coders (repeat, or separate by commas; 'rules' is "
    "the automatic coder).",
)
@click.option(
    "--source", type=click.Choice(["manual", "auto", "all"]), default="all", show_default=True
)
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="en",
    show_default=True,
    help="Language of code names, as in 'casekit codebook export --format qdc'.",
)
@click.option(
    "--cases", metavar="ATTRIBUTE", help="Make a case of each value of this document attribute."
)
@click.option(
    "--anonymize",
    "mapping",
    type=click.Path(dir_okay=False, path_type=str),
    help="Replace the names in this CSV (original,pseudonym) on the way out.",
)
@pass_project
def export_qdpx_cmd(
    project: Project,
    output: str | None,
    coders: tuple[str, ...],
    source: str,
    lang: str,
    cases: str | None,
    mapping: str | None,
) -> None:
    """Export the project as REFI-QDA (.qdpx) for NVivo, ATLAS.ti, MAXQDA or QualCoder.

    Writes coders as users, the codebook (the same codes as 'casekit codebook export
    --format qdc'), documents with their manifest attributes as variables, every coding
    and memo. Offsets are code points, texts UTF-8 without BOM with LF; GUIDs stay the
    same from one export to the next.

    \b
    Example:
      casekit export qdpx -o outputs/study.qdpx --coders li,wang --source manual
      casekit export qdpx --anonymize names.csv -o outputs/study-shared.qdpx
    """
    from casekit.refi.export import export_qdpx

    name_mapping = None
    if mapping is not None:
        from casekit.refi.pseudonyms import read_mapping

        name_mapping = read_mapping(mapping)
    target = output or str(project.outputs_dir / f"{project.root.name}.qdpx")
    report = export_qdpx(
        project,
        target,
        coders=split_names(coders) or None,
        source=None if source == "all" else source,
        lang=lang,
        cases=cases,
        anonymize=name_mapping,
    )
    click.echo(report.summary())

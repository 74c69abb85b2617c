"""``casekit ingest``, ``casekit docs list|show`` and ``casekit segments``."""

from __future__ import annotations

import json

import click

from casekit.cli.common import pass_project, progress_reporter
from casekit.cli.output import emit, format_option
from casekit.config import UNITS
from casekit.project import Project

__all__ = ["docs_group", "ingest_cmd", "segments_cmd"]


@click.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--force",
    is_flag=True,
    help="Re-ingest changed files that have codings: re-anchor each coding on its text, drop "
    "(and log) those whose text is gone.",
)
@pass_project
def ingest_cmd(project: Project, paths: tuple[str, ...], force: bool) -> None:
    """Read corpus files into the store and segment them (turns, paragraphs, sentences, articles).

    Reads .txt/.md (UTF-8, UTF-8 or UTF-16 with BOM, GB18030/GBK), .docx and .pdf, attaches
    the attributes of corpus/manifest.csv, and skips files that have not changed. Bad input
    stops the run before anything is written.

    \b
    Example:
      casekit ingest                      # the whole corpus/ folder
      casekit ingest corpus/interviews    # one folder
    """
    from casekit.ingest import ingest_corpus

    with progress_reporter("ingesting") as progress:
        report = ingest_corpus(project, paths or None, force=force, progress=progress)
    click.echo(report.summary())


@click.group("docs")
def docs_group() -> None:
    """List or show ingested documents.

    \b
    Example:
      casekit docs list --type interview
      casekit docs show gz-prov-01
    """


@docs_group.command("list")
@click.option("--type", "doc_type", help="Only documents of this doc_type.")
@format_option
@pass_project
def docs_list(project: Project, doc_type: str | None, fmt: str) -> None:
    """List documents with their type, language, size and attributes.

    \b
    Example:
      casekit docs list --format csv > documents.csv
    """
    from casekit.store.queries import list_documents

    rows = list_documents(project.store, doc_type=doc_type)
    for row in rows:
        attrs = row["attributes"]
        row["department"] = attrs.get("department", "")
        row["level"] = attrs.get("level", "")
    columns = ["name", "doc_type", "language", "characters", "department", "level", "path"]
    if fmt == "json":
        columns = [
            "name",
            "path",
            "doc_type",
            "language",
            "characters",
            "sha256",
            "encoding",
            "attributes",
        ]
    emit(rows, columns, fmt)


@docs_group.command("show")
@click.argument("document")
@format_option
@pass_project
def docs_show(project: Project, document: str, fmt: str) -> None:
    """Show one document: attributes, segment counts and its text.

    \b
    Example:
      casekit docs show gz-county-07
    """
    from casekit.store.queries import document_row

    doc = document_row(project.store, document)
    if fmt == "json":
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True))
        return
    if fmt == "csv":
        emit([doc], ["name", "path", "doc_type", "language", "characters", "sha256"], "csv")
        return
    click.echo(
        f"{doc['name']} · {doc['doc_type']} · {doc['language']} · {doc['characters']:,} characters"
    )
    click.echo(f"path: {doc['path']}  sha256: {doc['sha256'][:16]}…  encoding: {doc['encoding']}")
    for key, value in sorted(doc["attributes"].items()):
        click.echo(f"{key}: {value}")
    click.echo("segments: " + ", ".join(f"{u} {n}" for u, n in doc["segments"].items()))
    click.echo("")
    click.echo(doc["text"])


@click.command("segments")
@click.argument("document")
@click.option("--unit", type=click.Choice(UNITS), help="Only segments of this unit.")
@format_option
@pass_project
def segments_cmd(project: Project, document: str, unit: str | None, fmt: str) -> None:
    """List a document's segments with their ids and code-point offsets.

    \b
    Example:
      casekit segments gz-prov-01 --unit turn
    """
    from casekit.store.queries import list_segments

    rows = list_segments(project.store, document, unit=unit)
    emit(rows, ["key", "unit", "idx", "start", "end", "speaker", "label", "text"], fmt)

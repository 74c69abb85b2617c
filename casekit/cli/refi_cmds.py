"""``casekit anonymize``: a pseudonymised copy of the project for sharing."""

from __future__ import annotations

import click

from casekit.cli.common import pass_project
from casekit.project import Project

__all__ = ["anonymize_cmd"]


@click.command("anonymize")
@click.option(
    "--map",
    "mapping",
    required=True,
    type=click.Path(dir_okay=False, path_type=str),
    help="CSV with the header original,pseudonym: one name (person, place, organisation) "
    "and its pseudonym per row.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=str),
    help="New folder for the copy [default: <project>-pseudonymised next to the project].",
)
@pass_project
def anonymize_cmd(project: Project, mapping: str, out: str | None) -> None:
    """Write a pseudonymised copy of the project; the project itself is not changed.

    Every listed name is replaced in document texts and names, segments, codings, memos,
    manifest attributes and the event log; codings are moved so each still covers the same
    words. The longest name wins where names overlap; names starting or ending with a Latin
    letter match whole words only. Codebooks are copied as they are.

    \b
    Example:
      casekit anonymize --map names.csv --out ../study-shared
    """
    from casekit.refi.anonymize import anonymize_project
    from casekit.refi.pseudonyms import read_mapping

    report = anonymize_project(project, read_mapping(mapping), out)
    click.echo(report.summary())

"""``casekit autocode`` and ``casekit explain``."""

from __future__ import annotations

import json

import click

from casekit.cli.common import pass_project, progress_reporter
from casekit.cli.output import emit, format_option
from casekit.config import UNITS
from casekit.errors import CasekitError
from casekit.project import Project

__all__ = ["autocode_cmd", "explain_cmd"]


@click.command("autocode")
@click.option(
    "--codebook",
    "codebook_path",
    type=click.Path(dir_okay=False),
    help="Codebook YAML (default: codebook.file in casekit.toml).",
)
@click.option(
    "--unit",
    type=click.Choice(UNITS),
    help="Unit the rules run on (default: autocode.unit in casekit.toml).",
)
@click.option("--docs", "documents", multiple=True, help="Only these documents (repeatable).")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes on this machine.",
)
@click.option("--force", is_flag=True, help="Recode documents that are already up to date.")
@pass_project
def autocode_cmd(
    project: Project,
    codebook_path: str | None,
    unit: str | None,
    documents: tuple[str, ...],
    workers: int,
    force: bool,
) -> None:
    """Code every segment with the codebook's rules (keywords, patterns, regexes, proximity, polarity).

    Replaces the previous automatic codings of the same codebook, document by document; manual
    codings are never touched. An interrupted run is finished by running it again.

    \b
    Example:
      casekit autocode
      casekit autocode --unit sentence --workers 2
      casekit autocode --docs gz-prov-01 --docs gz-city-03 --force
    """
    from casekit.coding.autocode import autocode_project

    with progress_reporter("coding") as progress:
        report = autocode_project(
            project,
            codebook_path=codebook_path,
            unit=unit,
            documents=list(documents) or None,
            workers=workers,
            force=force,
            progress=progress,
        )
    click.echo(report.summary())


@click.command("explain")
@click.argument("segment")
@click.option(
    "--codebook",
    "codebook_path",
    type=click.Path(dir_okay=False),
    help="Codebook YAML (default: codebook.file in casekit.toml).",
)
@format_option
@pass_project
def explain_cmd(project: Project, segment: str, codebook_path: str | None, fmt: str) -> None:
    """Show which rules fire on a segment, and which nearly did (excluded, negated, too far).

    \b
    Example:
      casekit explain gz-county-07/t14
    """
    from casekit.codebook import load_codebook
    from casekit.coding.rules import compile_codebook, explain

    row = project.store.con.execute(
        "SELECT s.text, d.language FROM segments s JOIN documents d ON d.id = s.document_id WHERE s.key = ?",
        (segment,),
    ).fetchone()
    if row is None:
        raise CasekitError(f"no segment '{segment}'; see 'casekit segments DOC' for segment ids")
    compiled = compile_codebook(load_codebook(codebook_path or project.codebook_path))
    result = explain(compiled, row["text"], row["language"])
    rows = [
        {
            "outcome": "coded",
            "code": h.code,
            "span": f"{h.start}:{h.end}",
            "text": h.matched_text,
            "rule": h.rule_id,
            "why": f"flipped from {h.flipped_from}" if h.flipped_from else h.rule_kind,
        }
        for h in result.hits
    ] + [
        {
            "outcome": m.reason,
            "code": m.code,
            "span": f"{m.start}:{m.end}",
            "text": m.matched_text,
            "rule": m.rule_id,
            "why": m.detail,
        }
        for m in result.near_misses
    ]
    columns = ["outcome", "code", "span", "text", "rule", "why"]
    if fmt == "json":
        click.echo(
            json.dumps(
                {"segment": segment, "text": row["text"], "rules": rows},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if fmt == "table":
        click.echo(f"{segment}: {row['text']}\n")
        if not rows:
            click.echo("no rule fired or nearly fired on this segment")
            return
    emit(rows, columns, fmt)

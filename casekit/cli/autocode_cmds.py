"""``casekit autocode`` and ``casekit explain``."""

from __future__ import annotations

import json
import os

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
    type=click.IntRange(1, 256),
    default=None,
    help="Worker processes on this machine (default 1; with --cluster local, one per CPU).",
)
@click.option(
    "--cluster",
    type=click.Choice(["local"]),
    default=None,
    help="Start a Dask LocalCluster of --workers processes for this run.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Run on the Dask cluster whose scheduler is at ADDRESS (e.g. tcp://10.0.0.5:8786).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=20.0,
    show_default=True,
    help="Seconds to wait for the Dask scheduler and a first worker.",
)
@click.option("--force", is_flag=True, help="Recode documents that are already up to date.")
@pass_project
def autocode_cmd(
    project: Project,
    codebook_path: str | None,
    unit: str | None,
    documents: tuple[str, ...],
    workers: int | None,
    cluster: str | None,
    scheduler: str | None,
    timeout: float,
    force: bool,
) -> None:
    """Code every segment with the codebook's rules (keywords, patterns, regexes, proximity, polarity).

    Replaces the previous automatic codings of the same codebook, document by document; manual
    codings are never touched. An interrupted run is finished by running it again. On a Dask
    cluster (--scheduler, or --cluster local) workers receive the codebook file and batches
    of segment text, and the results are merged here: the codings are the same.

    \b
    Example:
      casekit autocode
      casekit autocode --unit sentence --workers 2
      casekit autocode --docs gz-prov-01 --docs gz-city-03 --force
      casekit autocode --cluster local --workers 4
      casekit autocode --scheduler tcp://10.0.0.5:8786
    """
    from casekit.coding.autocode import autocode_project

    if scheduler and cluster:
        raise click.UsageError("use --scheduler ADDRESS or --cluster local, not both")
    if scheduler and workers:
        raise click.UsageError(
            "--workers sets the size of a local cluster; a scheduler has its own"
        )
    docs = list(documents) or None
    with progress_reporter("coding") as progress:
        if scheduler or cluster:
            from casekit.distributed.autocode import autocode_on_cluster
            from casekit.distributed.cluster import dask_client

            n_workers = workers or os.cpu_count() or 1
            with dask_client(scheduler=scheduler, n_workers=n_workers, timeout=timeout) as client:
                report = autocode_on_cluster(
                    project,
                    client,
                    codebook_path=codebook_path,
                    unit=unit,
                    documents=docs,
                    force=force,
                    progress=progress,
                )
        else:
            report = autocode_project(
                project,
                codebook_path=codebook_path,
                unit=unit,
                documents=docs,
                workers=workers or 1,
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

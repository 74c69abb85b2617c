"""``casekit init`` and ``casekit status``."""

from __future__ import annotations

import json

import click

from casekit.cli.common import pass_project
from casekit.cli.output import format_option, render_table
from casekit.project import Project, init_project
from casekit.store.queries import project_status

__all__ = ["init_cmd", "status_cmd"]


@click.command("init")
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--name", help="Project name written to casekit.toml (default: the folder name).")
def init_cmd(directory: str, name: str | None) -> None:
    """Create a casekit project: casekit.toml, corpus/, codebooks/, outputs/ and the store.

    \b
    Example:
      casekit init my-study
      cd my-study && cp ~/transcripts/*.txt corpus/ && casekit ingest
    """
    project = init_project(directory, name=name)
    click.echo(
        f"created casekit project in {project.root}: casekit.toml, corpus/, codebooks/, outputs/, casekit.db"
    )
    click.echo(
        "next: put transcripts and documents in corpus/ (with manifest.csv), then run 'casekit ingest'"
    )
    project.close()


@click.command("status")
@format_option
@pass_project
def status_cmd(project: Project, fmt: str) -> None:
    """Show what the project holds: documents, segments per unit, codes, codings, coders.

    \b
    Example:
      casekit status
      casekit status --format json
    """
    status = project_status(project.store)
    status["project"] = str(project.root)
    status["name"] = project.config["project"]["name"]
    if fmt == "json":
        click.echo(json.dumps(status, ensure_ascii=False, indent=2, sort_keys=True))
        return
    rows = [
        {
            "item": "documents",
            "count": status["documents"],
            "detail": ", ".join(f"{k} {v}" for k, v in status["documents_by_type"].items()),
        },
        {
            "item": "languages",
            "count": len(status["documents_by_language"]),
            "detail": ", ".join(f"{k} {v}" for k, v in status["documents_by_language"].items()),
        },
        {"item": "characters", "count": status["characters"], "detail": ""},
        {
            "item": "segments",
            "count": sum(status["segments"].values()),
            "detail": ", ".join(f"{k} {v}" for k, v in status["segments"].items()),
        },
        {"item": "codes", "count": status["codes"], "detail": ""},
        {
            "item": "codings",
            "count": sum(status["codings"].values()),
            "detail": f"manual {status['codings']['manual']}, auto {status['codings']['auto']}",
        },
        {"item": "coders", "count": len(status["coders"]), "detail": ", ".join(status["coders"])},
        {"item": "memos", "count": status["memos"], "detail": ""},
    ]
    if fmt == "csv":
        from casekit.cli.output import emit

        emit(rows, ["item", "count", "detail"], "csv")
        return
    click.echo(f"{status['name']}  ({project.root})")
    click.echo(render_table(rows, ["item", "count", "detail"], max_width=80))

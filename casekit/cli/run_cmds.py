"""``casekit run`` and ``casekit verify``."""

from __future__ import annotations

import click

from casekit.cli.common import pass_project
from casekit.errors import CasekitError
from casekit.project import Project

__all__ = ["run_cmd", "verify_cmd"]

STEP_NAMES = ("ingest", "import", "autocode", "tables", "figures", "report")


@click.command("run")
@click.option(
    "--force", is_flag=True, help="Redo every step, even those whose inputs did not change."
)
@click.option(
    "--step",
    "steps",
    multiple=True,
    type=click.Choice(STEP_NAMES),
    help="Run only these steps (repeatable; default: [run] steps in casekit.toml).",
)
@pass_project
def run_cmd(project: Project, force: bool, steps: tuple[str, ...]) -> None:
    """Rebuild everything: ingest, import codings, autocode, tables, figures, report.

    Steps whose inputs (documents, codebook, codings, settings) and outputs are unchanged are
    skipped. outputs/manifest.json lists every output with its hash, the step and parameters
    that made it, the inputs' hashes and package versions; the same inputs give the same bytes.

    \b
    Example:
      casekit run
      casekit run --force
      casekit run --step tables --step figures
    """
    from casekit.pipeline.run import run_project

    report = run_project(
        project, force=force, steps=steps or None, say=lambda line: click.echo(line, err=True)
    )
    summary = report.summary()
    if report.manifest_path is not None:
        summary = summary.replace(str(report.manifest_path), project.relative(report.manifest_path))
    click.echo(summary)
    report_path = project.outputs_dir / "report.html"
    if report_path.is_file():
        click.echo(f"report: {report_path}")


@click.command("verify")
@pass_project
def verify_cmd(project: Project) -> None:
    """Rebuild tables, figures and report in a temporary folder and compare them with the manifest.

    Exits 1, listing them, when a rebuilt output's bytes differ from outputs/manifest.json, or
    an output in outputs/ was changed or removed since the run.

    \b
    Example:
      casekit run && casekit verify
    """
    from casekit.pipeline.run import verify_outputs

    result = verify_outputs(project)
    if not result.ok:
        lines = result.problems()
        raise CasekitError(
            f"{len(lines)} problems with {result.n_checked} recorded outputs:\n  "
            + "\n  ".join(lines)
            + "\n(run 'casekit run' to rebuild changed or missing outputs)"
        )
    click.echo(f"ok: all {result.n_checked} outputs rebuild byte for byte")

"""``casekit doctor [--fix]``: check the project store and files; repair what is safe."""

from __future__ import annotations

import json

import click

from casekit.cli.common import pass_project
from casekit.project import Project

__all__ = ["doctor_cmd"]


@click.command("doctor")
@click.option(
    "--fix",
    is_flag=True,
    help="Repair what is safe: migrate the schema, remove stale automatic codings (autocode "
    "recreates them), remove memos on things that no longer exist. Each repair is logged.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Findings for people, or json for scripts.",
)
@pass_project
def doctor_cmd(project: Project, fix: bool, fmt: str) -> None:
    """Check the project for damage and drift; --fix repairs what is safe to repair.

    Checks store integrity, the schema version, codings against their segments, text and
    codebook, automatic coding batches, corpus files changed since ingest, and memos on
    things that no longer exist. Prints each problem with how to fix it, and exits with
    status 1 when any is found. Manual codings and changed files are only reported;
    deciding about them is yours.

    \b
    Example:
      casekit doctor
      casekit doctor --fix && casekit autocode
    """
    from casekit.doctor import doctor_project

    report = doctor_project(project, fix=fix)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "store": report.path,
                    "schema_version": report.schema_version,
                    "checks": list(report.checked),
                    "ok": report.ok,
                    "repairs": report.repairs,
                    "findings": [f.as_dict() for f in report.findings],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        click.echo(_text(report))
    if not report.ok:
        raise SystemExit(1)


def _text(report: object) -> str:
    from casekit.doctor import DoctorReport

    assert isinstance(report, DoctorReport)
    version = "" if report.schema_version is None else f" (schema {report.schema_version})"
    lines = [f"casekit doctor: {report.path}{version}"]
    lines += [f"repaired: {repair}" for repair in report.repairs]
    for finding in report.findings:
        mark = "error" if finding.severity == "error" else "warning"
        lines.append(f"{mark} [{finding.check}] {finding.message}")
        lines += [f"    e.g. {example}" for example in finding.examples]
        lines.append(f"    fix: {finding.fix}")
    if report.ok:
        lines.append(f"ok: {len(report.checked)} checks, no problems")
    else:
        fixable = sum(f.fixable for f in report.findings)
        hint = f"; 'casekit doctor --fix' repairs {fixable} of them" if fixable else ""
        n = len(report.findings)
        lines.append(f"{n} problem{'s' if n != 1 else ''} found{hint}")
    return "\n".join(lines)

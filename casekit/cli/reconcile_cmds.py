"""``casekit reconcile``: adjudicate two coders' codings into a consensus coder."""

from __future__ import annotations

import click

from casekit.cli.code_cmds import read_line
from casekit.cli.common import pass_project
from casekit.cli.exchange_cmds import split_names
from casekit.config import UNITS
from casekit.project import Project

__all__ = ["reconcile_cmd"]


@click.command("reconcile")
@click.option("--coders", nargs=2, required=True, help="The two coders to reconcile: --coders A B.")
@click.option("--as", "name", required=True, help="Name of the consensus coder to record.")
@click.option(
    "--unit",
    type=click.Choice(UNITS),
    help="Compare per segment of this unit (default: turns where a document has them, else "
    "paragraphs).",
)
@click.option(
    "--codes",
    multiple=True,
    help="Only these codes and those below them (repeat or comma-separate).",
)
@click.option(
    "--auto-agreed-only",
    is_flag=True,
    help="Only copy what both coders agree on; ask nothing.",
)
@pass_project
def reconcile_cmd(
    project: Project,
    coders: tuple[str, str],
    name: str,
    unit: str | None,
    codes: tuple[str, ...],
    auto_agreed_only: bool,
) -> None:
    """Record a consensus coder from two coders: agreements are copied, disagreements decided.

    For each segment where the coders differ (a code one gave and the other did not) you
    choose: keep A, keep B, both, neither, or custom (code by code). Every decision is an
    event of the consensus coder (undoable); rerunning asks only what is still undecided.

    \b
    Example:
      casekit reconcile --coders li wang --as consensus
      casekit agree --coders li consensus
    """
    from casekit.coding.manual import ensure_codes
    from casekit.coding.reconcile import run_reconcile

    ensure_codes(project)
    interactive = not auto_agreed_only
    summary = run_reconcile(
        project.store,
        coders=list(coders),
        name=name,
        unit=unit,
        codes=split_names(codes) or None,
        read_line=read_line if interactive else None,
        write=click.echo if interactive else None,
    )
    if auto_agreed_only:
        copied = summary.n_agreed_copied
        left = summary.n_remaining
        click.echo(
            f"copied {copied:,} agreed coding{'' if copied == 1 else 's'} to {name}; "
            f"{left:,} segment{'' if left == 1 else 's'} with disagreements left to decide"
            + (
                f" ('casekit reconcile --coders {coders[0]} {coders[1]} --as {name}')"
                if left
                else ""
            )
        )

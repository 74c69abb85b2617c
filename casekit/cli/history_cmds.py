"""``casekit history`` and ``casekit undo``: the append-only event log, and reverting changes."""

from __future__ import annotations

import click

from casekit.cli.common import pass_project
from casekit.cli.output import emit, format_option
from casekit.project import Project

__all__ = ["history_cmd", "undo_cmd"]


@click.command("history")
@click.option("--coder", help="Only events by this coder (or actor: ingest, import, codebook).")
@click.option("--action", help="Only events of this action or family, e.g. coding, memo.add, undo.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--all", "show_all", is_flag=True, help="Every event (overrides --limit).")
@format_option
@pass_project
def history_cmd(
    project: Project,
    coder: str | None,
    action: str | None,
    limit: int,
    show_all: bool,
    fmt: str,
) -> None:
    """List the event log, newest first: every change, who made it, and whether it is undone.

    \b
    Example:
      casekit history --coder li --limit 5
      casekit history --all --format json > events.json
    """
    from casekit.coding.manual import history

    rows = history(project.store, actor=coder, action=action, limit=None if show_all else limit)
    columns = ["id", "at", "actor", "action", "state", "summary"]
    emit(rows, columns + (["payload"] if fmt == "json" else []), fmt)


@click.command("undo")
@click.option("--coder", help="Undo this coder's latest change (default: anyone's).")
@click.option("--event", "event_id", type=int, help="Undo this event (an undo event: redo it).")
@click.option("--redo", is_flag=True, help="Revert the latest undo instead.")
@pass_project
def undo_cmd(project: Project, coder: str | None, event_id: int | None, redo: bool) -> None:
    """Revert the latest change still in effect; the undo is itself logged.

    Repeated undos walk back one change at a time. --redo (or undoing an undo event by
    its id) makes the change again. A change that later changes touched is refused.

    \b
    Example:
      casekit undo --coder li
      casekit undo --redo --coder li
    """
    from casekit.coding.manual import redo as redo_change
    from casekit.coding.manual import undo

    if redo and event_id is not None:
        raise click.UsageError("give --redo or --event, not both")
    if redo:
        change = redo_change(project.store, coder=coder)
    else:
        change = undo(project.store, coder=coder, event_id=event_id)
    click.echo(f"{change.summary} · event {change.event_id}")

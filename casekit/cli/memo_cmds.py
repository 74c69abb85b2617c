"""``casekit memo add|list|show|rm``: memos on the project, a document, a code or a segment."""

from __future__ import annotations

import json

import click

from casekit.cli.code_cmds import coder_option
from casekit.cli.common import pass_project
from casekit.cli.output import emit, format_option
from casekit.project import Project

__all__ = ["memo_group"]

MEMO_COLUMNS = ["id", "target_type", "target", "author", "created_at", "text"]


@click.group("memo")
def memo_group() -> None:
    """Write and read memos on the project, a document, a code or a segment.

    \b
    Example:
      casekit memo add "窗口人员反复提到证明材料" --coder li --doc gz-county-07
      casekit memo list --doc gz-county-07
    """


def _target_options(func):  # type: ignore[no-untyped-def]
    func = click.option("--segment", help="A segment key, e.g. gz-county-07/t2.")(func)
    func = click.option("--code", help="A code (id, prefix or name).")(func)
    return click.option("--doc", "document", help="A document name.")(func)


@memo_group.command("add")
@click.argument("text")
@coder_option
@_target_options
@pass_project
def memo_add(
    project: Project,
    text: str,
    coder: str,
    document: str | None,
    code: str | None,
    segment: str | None,
) -> None:
    """Write a memo; without --doc, --code or --segment it is on the project.

    \b
    Example:
      casekit memo add "编码规则：要群众开证明的都编 DIL.MGMT.PROCESS_MISFIT" --coder li --code DIL
    """
    from casekit.coding.manual import add_memo, ensure_codes

    if code:
        ensure_codes(project)
    change = add_memo(
        project.store, text, author=coder, document=document, code=code, segment=segment
    )
    click.echo(f"{change.summary} · event {change.event_id}")


@memo_group.command("list")
@_target_options
@click.option("--coder", help="Only memos by this coder.")
@format_option
@pass_project
def memo_list(
    project: Project,
    document: str | None,
    code: str | None,
    segment: str | None,
    coder: str | None,
    fmt: str,
) -> None:
    """List memos, oldest first; --doc includes the memos on its segments.

    \b
    Example:
      casekit memo list --coder li --format json
    """
    from casekit.coding.manual import ensure_codes, memos

    if code:
        ensure_codes(project)
    rows = memos(project.store, document=document, code=code, segment=segment, author=coder)
    emit(rows, MEMO_COLUMNS, fmt)


@memo_group.command("show")
@click.argument("memo_id", type=int)
@format_option
@pass_project
def memo_show(project: Project, memo_id: int, fmt: str) -> None:
    """Show one memo in full.

    \b
    Example:
      casekit memo show 3
    """
    from casekit.coding.manual import show_memo

    memo = show_memo(project.store, memo_id)
    if fmt == "json":
        click.echo(json.dumps(memo, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        emit([memo], MEMO_COLUMNS, "csv")
    else:
        on = "the project" if memo["target_type"] == "project" else memo["target"]
        click.echo(f"memo {memo['id']} on {on} ({memo['target_type']})")
        click.echo(f"by {memo['author']}, {memo['created_at']}")
        click.echo("")
        click.echo(memo["text"])


@memo_group.command("rm")
@click.argument("memo_id", type=int)
@coder_option
@pass_project
def memo_rm(project: Project, memo_id: int, coder: str) -> None:
    """Remove one of your memos (soft delete, logged, undoable).

    \b
    Example:
      casekit memo rm 3 --coder li
    """
    from casekit.coding.manual import remove_memo

    change = remove_memo(project.store, memo_id, author=coder)
    click.echo(f"{change.summary} · event {change.event_id}")

"""docs/cli.md: the command reference, rendered from every command's ``--help``."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import click

__all__ = ["HELP_WIDTH", "iter_commands", "render_cli_reference"]

# A fixed width keeps the reference the same on every machine, whatever the terminal.
HELP_WIDTH = 88

REGENERATE = "python -m casekit.cli.reference > docs/cli.md"

HEADER = f"""\
# Command reference

Every casekit command with its `--help`. This page is generated from the commands
themselves; do not edit it, regenerate it with `{REGENERATE}`
(a test fails when it is out of date).

New to casekit? Start with the [tutorial](tutorial.md) ([中文教程](zh/tutorial.md)).
Settings in `casekit.toml`: [config.md](config.md).
"""


def iter_commands(
    command: click.Command | None = None,
    ctx: click.Context | None = None,
    path: tuple[str, ...] = ("casekit",),
) -> Iterator[tuple[tuple[str, ...], click.Command, click.Context]]:
    """Walk the command tree depth first, groups before their subcommands, names sorted.

    Yields ``(path, command, context)`` where ``path`` is the words typed, e.g.
    ``("casekit", "code", "add")``, and ``context`` renders the command's help at
    :data:`HELP_WIDTH` columns.
    """
    if command is None:
        from casekit.cli import cli

        command = cli
    if ctx is None:
        settings = {
            **command.context_settings,
            "terminal_width": HELP_WIDTH,
            "max_content_width": HELP_WIDTH,
        }
        ctx = click.Context(command, info_name=path[-1], **settings)
    yield path, command, ctx
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            sub_ctx = click.Context(sub, info_name=name, parent=ctx)
            yield from iter_commands(sub, sub_ctx, (*path, name))


def _anchor(path: tuple[str, ...]) -> str:
    # GitHub's heading anchors: lower case, spaces become hyphens.
    return "-".join(path).lower()


def _summary(command: click.Command, limit: int = 200) -> str:
    return command.get_short_help_str(limit=limit).replace("|", "\\|")


def render_cli_reference() -> str:
    """The Markdown of docs/cli.md: a table of contents, then each command's ``--help``.

    The output depends only on the commands' definitions (fixed width, sorted names), so
    a test can compare it with the committed file.
    """
    commands = list(iter_commands())
    lines = [HEADER, "| command | what it does |", "|---|---|"]
    for path, command, _ctx in commands[1:]:
        name = " ".join(path)
        lines.append(f"| [`{name}`](#{_anchor(path)}) | {_summary(command)} |")
    for path, command, ctx in commands:
        lines += ["", f"## {' '.join(path)}", "", "```text", command.get_help(ctx), "```"]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Print the reference (``python -m casekit.cli.reference > docs/cli.md``)."""
    text = render_cli_reference()
    # Write bytes so the file is UTF-8 with LF whatever the platform's console encoding.
    sys.stdout.buffer.write(text.encode("utf-8"))


if __name__ == "__main__":
    main()

"""Options and helpers shared by commands: finding the project, progress on stderr."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from casekit.project import open_project

__all__ = ["codings_options", "pass_project", "progress_reporter"]

F = TypeVar("F", bound=Callable[..., Any])


def pass_project(func: F) -> F:
    """Add ``--project DIR`` and pass the opened :class:`Project` as the first argument.

    Without ``--project`` the project is found like git finds a repository: the current
    folder or the nearest parent with ``casekit.toml``.
    """

    @click.option(
        "--project",
        "project_dir",
        type=click.Path(file_okay=False, path_type=str),
        default=None,
        help="Project folder (default: the current folder or the nearest parent with casekit.toml).",
    )
    @functools.wraps(func)
    def wrapper(*args: Any, project_dir: str | None, **kwargs: Any) -> Any:
        project = open_project(project_dir)
        try:
            return func(project, *args, **kwargs)
        finally:
            project.close()

    return wrapper  # type: ignore[return-value]


@contextmanager
def progress_reporter(label: str) -> Iterator[Callable[[int, int, str], None] | None]:
    """A ``progress(done, total, item)`` callback drawing a bar on stderr, or None off a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    bar: Any = None

    def update(done: int, total: int, item: str) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(
                length=total, label=label, file=sys.stderr, show_eta=True, show_pos=True
            ).__enter__()
        bar.update(done - bar.pos, item)

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def codings_options() -> list[Callable[[F], F]]:
    """``--source`` and ``--coder``: whose codings an analysis, figure or report uses."""
    return [
        click.option(
            "--source",
            type=click.Choice(["auto", "manual", "all"]),
            default=None,
            help="Automatic codings, manual ones, or both (default: [analysis] source).",
        ),
        click.option(
            "--coder",
            "coders",
            multiple=True,
            metavar="NAME",
            help="Only this coder's codings ('rules' for automatic ones); repeatable "
            "(default: [analysis] coders).",
        ),
    ]

"""Rendering command results as a table for people, or CSV / JSON for scripts."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

__all__ = ["display_width", "emit", "format_option", "render_table"]

F = TypeVar("F", bound=Callable[..., Any])


def format_option(func: F) -> F:
    """``--format table|csv|json`` (json is stable and meant for scripts)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "csv", "json"]),
        default="table",
        show_default=True,
        help="Output format: aligned table for people, csv or json for scripts.",
    )(func)


def display_width(text: str) -> int:
    """Terminal columns taken by ``text``: Chinese characters are two columns wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value).replace("\n", " ")


def _clip(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def render_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], *, max_width: int = 60
) -> str:
    """An aligned plain-text table; long cells are clipped with an ellipsis."""
    cells = [[_clip(_cell(row.get(c)), max_width) for c in columns] for row in rows]
    widths = [
        max([display_width(c)] + [display_width(r[i]) for r in cells])
        for i, c in enumerate(columns)
    ]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v + " " * (w - display_width(v)) for v, w in zip(values, widths, strict=True)
        ).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    return "\n".join(out)


def emit(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str) -> None:
    """Print ``rows`` restricted to ``columns`` in the chosen format."""
    if fmt == "json":
        click.echo(
            json.dumps(
                [{c: row.get(c) for c in columns} for row in rows], ensure_ascii=False, indent=2
            )
        )
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
        click.echo(buf.getvalue(), nl=False)
    else:
        click.echo(render_table(rows, columns))

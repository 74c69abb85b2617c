"""DataFrames as escaped HTML tables with chosen columns, headers and number formats."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape
from typing import Any

import pandas as pd

__all__ = ["Column", "fixed", "html_table", "integer", "percent", "q_value"]

Formatter = Callable[[Any], str]
# (column, header, formatter or None for plain text, numeric alignment)
Column = tuple[str, str, Formatter | None, bool]


def integer(value: Any) -> str:
    return f"{int(value):,}"


def fixed(digits: int) -> Formatter:
    def format_value(value: Any) -> str:
        number = float(value)
        return "" if math.isnan(number) else f"{number:.{digits}f}"

    return format_value


def percent(value: Any) -> str:
    return f"{100 * float(value):.1f}%"


def q_value(value: Any) -> str:
    q = float(value)
    return "< .001" if q < 0.001 else f"{q:.3f}".lstrip("0") if q < 1 else "1"


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def html_table(frame: pd.DataFrame, columns: Sequence[Column], *, caption: str = "") -> str:
    """``<table>`` of ``frame`` restricted to ``columns``; every cell and header escaped."""
    head = "".join(f"<th>{escape(header)}</th>" for _, header, _, _ in columns)
    body = []
    for record in frame.to_dict("records"):
        cells = []
        for name, _, formatter, numeric in columns:
            value = record.get(name)
            text = formatter(value) if formatter is not None and value is not None else _text(value)
            cls = ' class="num"' if numeric else ""
            cells.append(f"<td{cls}>{escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f'<caption class="note">{escape(caption)}</caption>' if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"

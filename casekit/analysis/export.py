"""Writing analysis tables as CSV, JSON, LaTeX (booktabs) and XLSX, byte-identical on every run."""

from __future__ import annotations

import io
import json
import math
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from casekit.errors import CasekitError

__all__ = [
    "FILE_FORMATS",
    "display_records",
    "format_for_path",
    "format_number",
    "plain_records",
    "tables_to_csv",
    "tables_to_json",
    "tables_to_latex",
    "write_tables",
    "write_xlsx",
]

FILE_FORMATS = ("csv", "json", "xlsx", "latex")
SUFFIXES = {".csv": "csv", ".json": "json", ".xlsx": "xlsx", ".tex": "latex"}

# A fixed timestamp for XLSX metadata and zip entries, so the same tables give the same bytes.
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FIXED_XML_TIME = "1980-01-01T00:00:00Z"

Tables = Mapping[str, pd.DataFrame]


def _plain(value: Any, *, join_tuples: bool) -> Any:
    """A JSON-ready Python value: numpy scalars unwrapped, NaN/inf as None, tuples as lists."""
    if isinstance(value, tuple | list):
        items = [_plain(v, join_tuples=join_tuples) for v in value]
        return " + ".join(str(v) for v in items) if join_tuples else items
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def plain_records(frame: pd.DataFrame, *, join_tuples: bool = False) -> list[dict[str, Any]]:
    """Rows as dicts of plain Python values (what JSON output holds)."""
    columns = [str(c) for c in frame.columns]
    return [
        {c: _plain(v, join_tuples=join_tuples) for c, v in zip(columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


def format_number(value: Any) -> Any:
    """Floats for people: 3 decimals, 1 above 100, scientific below 0.001; others unchanged."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, float):
        return value
    if not math.isfinite(value):
        return "" if math.isnan(value) else str(value)
    if value == 0 or 0.001 <= abs(value) < 100:
        return f"{value:.3f}"
    if abs(value) >= 100:
        return f"{value:.1f}"
    return f"{value:.1e}"


def display_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows with floats rounded by :func:`format_number` and code sets joined with ``+``."""
    return [
        {k: format_number(v) for k, v in row.items()}
        for row in plain_records(frame, join_tuples=True)
    ]


def tables_to_json(tables: Tables) -> str:
    """One table: a JSON list of row objects. Several: an object of such lists, by table name."""
    if len(tables) == 1:
        payload: Any = plain_records(next(iter(tables.values())))
    else:
        payload = {name: plain_records(frame) for name, frame in tables.items()}
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(plain_records(frame, join_tuples=True), columns=frame.columns)


def tables_to_csv(frame: pd.DataFrame) -> str:
    """One table as CSV (full precision, ``\\n`` line ends, code sets joined with ``+``)."""
    return _flat(frame).to_csv(index=False, lineterminator="\n")


def tables_to_latex(tables: Tables) -> str:
    """Each table as a booktabs ``tabular`` (needs ``\\usepackage{booktabs}``), preceded by a
    ``% table: NAME`` comment; numbers rounded as for people."""
    parts = []
    for name, frame in tables.items():
        shown = pd.DataFrame(display_records(frame), columns=[str(c) for c in frame.columns])
        body = shown.to_latex(index=False, escape=True, na_rep="")
        parts.append(f"% table: {name}\n{body}")
    return "\n".join(parts)


def write_xlsx(tables: Tables, path: str | Path) -> Path:
    """Write one sheet per table (sheet names cut to Excel's 31 characters)."""
    from openpyxl import Workbook

    path = Path(path)
    book = Workbook()
    book.remove(book.active)
    for name, frame in tables.items():
        sheet = book.create_sheet(title=_sheet_name(name))
        sheet.append([str(c) for c in frame.columns])
        for row in plain_records(frame, join_tuples=True):
            sheet.append(list(row.values()))
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(_normalise_zip(buffer.getvalue()))
    return path


def write_tables(tables: Tables, path: str | Path, fmt: str) -> list[Path]:
    """Write ``tables`` to ``path`` in ``fmt`` and return the files written.

    CSV holds one table per file: with several tables, each goes to ``<stem>-<name>.csv`` next
    to ``path``.
    """
    path = Path(path)
    if fmt not in FILE_FORMATS:
        raise CasekitError(f"cannot write format '{fmt}'; choose one of: {', '.join(FILE_FORMATS)}")
    if not path.parent.exists():
        raise CasekitError(f"{path.parent}: no such folder; create it first")
    if fmt == "xlsx":
        return [write_xlsx(tables, path)]
    if fmt == "json":
        path.write_text(tables_to_json(tables), encoding="utf-8")
        return [path]
    if fmt == "latex":
        path.write_text(tables_to_latex(tables), encoding="utf-8")
        return [path]
    if len(tables) == 1:
        path.write_text(tables_to_csv(next(iter(tables.values()))), encoding="utf-8")
        return [path]
    written = []
    for name, frame in tables.items():
        target = path.with_name(f"{path.stem}-{name}{path.suffix or '.csv'}")
        target.write_text(tables_to_csv(frame), encoding="utf-8")
        written.append(target)
    return written


def format_for_path(path: str | Path) -> str | None:
    """The file format a suffix implies (``.csv .json .xlsx .tex``), or None."""
    return SUFFIXES.get(Path(path).suffix.lower())


def _sheet_name(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "_", name)[:31]


def _normalise_zip(data: bytes) -> bytes:
    """Re-pack an OOXML zip with fixed timestamps (entries and document properties)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + _FIXED_XML_TIME.encode() + rb"\g<2>",
                    content,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, content)
    return out.getvalue()

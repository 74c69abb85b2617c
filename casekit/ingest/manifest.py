"""``corpus/manifest.csv``: per-document attributes (document type, department, level, ...)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from casekit.errors import IngestError

__all__ = ["MANIFEST_COLUMNS", "Manifest", "read_manifest"]

# Documented columns; ``file`` is required, the others optional, and extra columns become
# attributes too.
MANIFEST_COLUMNS = ("file", "doc_type", "department", "level", "role", "date", "language")
LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class Manifest:
    """Attributes per file (path relative to the corpus folder, forward slashes)."""

    path: Path
    rows: dict[str, dict[str, str]]
    row_numbers: dict[str, int]


def read_manifest(path: str | Path) -> Manifest:
    """Parse and check the manifest; every problem names the file and the row's line number."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path}: cannot read the manifest: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise IngestError(
            f"{path}:{line}: the manifest is not UTF-8; save it as UTF-8 CSV"
        ) from exc
    reader = csv.DictReader(text.splitlines(), strict=True)
    try:
        header = reader.fieldnames
    except csv.Error as exc:
        raise IngestError(f"{path}:1: malformed CSV header: {exc}") from exc
    if not header or "file" not in [h.strip() for h in header]:
        raise IngestError(
            f"{path}:1: the manifest needs a 'file' column (columns: {', '.join(MANIFEST_COLUMNS)})"
        )
    if len(set(header)) != len(header):
        raise IngestError(f"{path}:1: duplicate column names in the header")
    rows: dict[str, dict[str, str]] = {}
    row_numbers: dict[str, int] = {}
    try:
        for record in reader:
            line = reader.line_num
            if None in record or any(v is None for v in record.values()):
                raise IngestError(
                    f"{path}:{line}: expected {len(header)} fields, found a different number"
                )
            values = {k.strip(): (v or "").strip() for k, v in record.items()}
            if not any(values.values()):
                continue
            name = values.pop("file").replace("\\", "/")
            if not name:
                raise IngestError(f"{path}:{line}: empty 'file' value")
            if name in rows:
                raise IngestError(
                    f"{path}:{line}: '{name}' is listed twice (first at line {row_numbers[name]})"
                )
            language = values.get("language", "")
            if language and language not in LANGUAGES:
                raise IngestError(
                    f"{path}:{line}: language '{language}' is not one of {', '.join(LANGUAGES)}"
                )
            rows[name] = values
            row_numbers[name] = line
    except csv.Error as exc:
        raise IngestError(f"{path}:{reader.line_num}: malformed CSV: {exc}") from exc
    return Manifest(path=path, rows=rows, row_numbers=row_numbers)

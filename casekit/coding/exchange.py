"""The codings exchange CSV: import codings made elsewhere, export the project's codings.

Columns ``document,start,end,code,coder[,memo]``: ``start``/``end`` are code-point offsets
into the stored document text, ``end`` exclusive. See docs/coding.md ("the codings exchange
format") for the full rules.
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from casekit.coding.manual import check_coder_name, code_infos, default_unit
from casekit.errors import CodingError
from casekit.store import Store
from casekit.store.codings import AUTO_CODER, NewCoding
from casekit.store.manual import (
    DocumentRow,
    SegmentRow,
    coding_rows,
    document_segments,
    insert_codings,
    known_coders,
    list_documents,
    manual_coding_keys,
    units_of_document,
)

__all__ = [
    "EXPORT_COLUMNS",
    "IMPORT_COLUMNS",
    "REQUIRED_COLUMNS",
    "ImportReport",
    "export_codings",
    "import_codings",
    "write_codings_csv",
]

REQUIRED_COLUMNS = ("document", "start", "end", "code", "coder")
# Columns an import accepts: the required ones, memo, and what an export adds.
IMPORT_COLUMNS = (*REQUIRED_COLUMNS, "memo", "segment", "source", "rule", "created_at")
EXPORT_COLUMNS = IMPORT_COLUMNS
# Whitespace trimmed from the edges of an imported span before it is placed in a segment.
_EDGE_WS = " \t\n\r\f\v\u3000\u00a0\ufeff"
MAX_LISTED = 50  # problems listed in one error; the rest are counted


@dataclass
class ImportReport:
    """What an import did."""

    path: str
    n_rows: int = 0
    n_imported: int = 0
    n_skipped: int = 0
    coders: list[str] = field(default_factory=list)
    n_auto_ignored: int = 0
    event_id: int | None = None

    def summary(self) -> str:
        auto = (
            f"; {_n(self.n_auto_ignored, 'automatic coding')} ignored ('casekit autocode' "
            "makes those)"
            if self.n_auto_ignored
            else ""
        )
        if not self.n_rows:
            return f"no manual codings in {self.path}{auto}"
        if not self.n_imported:
            return (
                f"nothing new in {self.path}: {_n(self.n_skipped, 'coding')} skipped, "
                f"already in the project{auto}"
            )
        who = f"{_n(len(self.coders), 'coder')} ({', '.join(self.coders)})"
        return (
            f"imported {_n(self.n_imported, 'coding')} by {who} from {self.path}; "
            f"{self.n_skipped:,} already present were skipped{auto}"
        )


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class _Row:
    number: int
    document: DocumentRow
    segment: SegmentRow
    code: str
    coder: str
    start: int
    end: int
    memo: str | None
    rule: str | None


def _read_records(path: Path) -> list[tuple[int, list[str]]]:
    """Records of the file with their row numbers (the header is row 1); blank rows dropped."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CodingError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CodingError(
            f"{path}:{line}: not UTF-8 text; save the file as UTF-8 (CSV UTF-8 in a spreadsheet)"
        ) from exc
    records = []
    try:
        for number, record in enumerate(csv.reader(io.StringIO(text, newline="")), 1):
            if record and any(cell.strip() for cell in record):
                records.append((number, record))
    except csv.Error as exc:
        raise CodingError(f"{path}: not a readable CSV file: {exc}") from exc
    if not records:
        raise CodingError(
            f"{path}: empty; the first row must be the header {','.join(REQUIRED_COLUMNS)}[,memo]"
        )
    return records


def _header(path: Path, record: list[str]) -> list[str]:
    names = [cell.strip().lower() for cell in record]
    problems = []
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        problems.append(f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    unknown = [n for n in names if n not in IMPORT_COLUMNS]
    if unknown:
        problems.append(
            f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(repr(u) for u in unknown)} "
            f"(allowed: {', '.join(IMPORT_COLUMNS)})"
        )
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        problems.append(f"column{'s' if len(twice) > 1 else ''} {', '.join(twice)} given twice")
    if problems:
        raise CodingError(
            f"{path}: row 1 must be the header {','.join(REQUIRED_COLUMNS)}[,memo]: "
            + "; ".join(problems)
            + "; nothing imported"
        )
    return names


class _Locator:
    """Finds the segment of the import unit that holds a span, per document (cached)."""

    def __init__(self, store: Store, unit: str | None) -> None:
        self.store = store
        self.unit = unit
        self.cache: dict[int, tuple[str, list[SegmentRow], list[int]]] = {}

    def segments(self, doc: DocumentRow) -> tuple[str, list[SegmentRow], list[int]]:
        if doc.id not in self.cache:
            unit = self.unit or default_unit(units_of_document(self.store, doc.id))
            segs = document_segments(self.store, doc.id, unit)
            self.cache[doc.id] = (unit, segs, [s.start for s in segs])
        return self.cache[doc.id]

    def locate(self, doc: DocumentRow, start: int, end: int) -> tuple[SegmentRow | None, str]:
        """The one segment the span overlaps, or None and the reason."""
        unit, segs, starts = self.segments(doc)
        if not segs:
            return None, f"document {doc.name} has no {unit} segments; choose another --unit"
        i = max(bisect.bisect_right(starts, start) - 1, 0)
        hit = []
        while i < len(segs) and segs[i].start < end:
            if segs[i].end > start:
                hit.append(segs[i])
            i += 1
        if len(hit) == 1:
            return hit[0], ""
        if not hit:
            return None, f"span {start}:{end} is not inside any {unit} segment of {doc.name}"
        keys = ", ".join(s.key for s in hit[:4]) + (" …" if len(hit) > 4 else "")
        return None, (
            f"span {start}:{end} crosses {len(hit)} {unit} segments ({keys}); "
            "split it into one row per segment"
        )


def _check_row(
    number: int,
    cells: dict[str, str],
    docs: dict[str, DocumentRow],
    codes: set[str],
    locator: _Locator,
) -> tuple[_Row | None, list[str]]:
    problems = []
    doc = docs.get(cells["document"])
    if not cells["document"]:
        problems.append("document is empty")
    elif doc is None:
        problems.append(f"unknown document '{cells['document']}'")
    if not cells["code"]:
        problems.append("code is empty")
    elif cells["code"] not in codes:
        problems.append(f"unknown code '{cells['code']}'")
    coder = cells["coder"]
    try:
        coder = check_coder_name(coder)
    except CodingError as exc:
        problems.append(str(exc).replace("pass --coder NAME", "fill the coder column"))
    source = cells.get("source", "")
    if source not in ("", "manual"):
        problems.append(f"source is '{source}'; it must be empty or 'manual'")
    bounds = []
    for key in ("start", "end"):
        value = cells[key]
        try:
            bounds.append(int(value))
        except ValueError:
            problems.append(f"{key} '{value}' is not an integer")
    if doc is None or len(bounds) != 2:
        return None, problems
    start, end = bounds
    if not 0 <= start < end <= len(doc.text):
        problems.append(
            f"span {start}:{end} is outside the text of {doc.name} "
            f"(0 <= start < end <= {len(doc.text)})"
        )
        return None, problems
    # Spreadsheets and other tools often include the whitespace around a passage.
    while start < end and doc.text[start] in _EDGE_WS:
        start += 1
    while end > start and doc.text[end - 1] in _EDGE_WS:
        end -= 1
    if start == end:
        return None, [*problems, f"span {bounds[0]}:{bounds[1]} covers only whitespace"]
    segment, reason = locator.locate(doc, start, end)
    if segment is None:
        return None, [*problems, reason]
    if problems:
        return None, problems
    # Parts outside the segment (speaker labels, blank lines) are not part of the coding.
    start, end = max(start, segment.start), min(end, segment.end)
    return (
        _Row(
            number,
            doc,
            segment,
            cells["code"],
            coder,
            start,
            end,
            cells.get("memo") or None,
            cells.get("rule") or None,
        ),
        [],
    )


def import_codings(
    store: Store,
    path: str | Path,
    *,
    unit: str | None = None,
    codebook_version: str = "",
    actor: str = "import",
) -> ImportReport:
    """Import manual codings from an exchange CSV: all rows or none.

    Every row is checked before anything is written (unknown document or code, bad coder,
    non-integer or out-of-range offsets, spans crossing segments of ``unit``); any problem
    aborts the import with one error listing every bad row. A coding identical to one
    already standing (document, start, end, code, coder) is skipped, so importing a file
    twice adds nothing the second time. The import is one transaction and one event.

    Parameters
    ----------
    path
        The CSV file (UTF-8, header row required).
    unit
        The unit whose segment each coding attaches to; default per document: turns if
        it has them, else paragraphs.
    codebook_version
        Recorded on each imported coding.

    Raises
    ------
    CodingError
        Listing ``row N: problem`` for every bad row; nothing was imported.
    """
    path = Path(path)
    records = _read_records(path)
    names = _header(path, records[0][1])
    docs = {d.name: d for d in list_documents(store)}
    codes = {c.id for c in code_infos(store)}
    locator = _Locator(store, unit)
    rows: list[_Row] = []
    problems: list[str] = []
    report = ImportReport(str(path))
    for number, record in records[1:]:
        if len(record) != len(names):
            problems.append(f"row {number}: has {len(record)} fields, the header has {len(names)}")
            continue
        cells = {n: v.strip() for n, v in zip(names, record, strict=True)}
        if cells.get("source") == "auto":
            # Rows of a full export: automatic codings are remade by 'casekit autocode'.
            report.n_auto_ignored += 1
            continue
        row, found = _check_row(number, cells, docs, codes, locator)
        if found:
            problems.append(f"row {number}: " + "; ".join(found))
        elif row is not None:
            rows.append(row)
    if problems:
        listed = problems[:MAX_LISTED]
        more = len(problems) - len(listed)
        raise CodingError(
            f"{path}: {len(problems)} bad row{'s' if len(problems) != 1 else ''}, nothing imported:\n  "
            + "\n  ".join(listed)
            + (f"\n  … and {more} more" if more else "")
        )
    report.n_rows = len(rows)
    with store.transaction() as con:
        existing = manual_coding_keys(con, {r.document.id for r in rows})
        fresh: dict[str, list[NewCoding]] = {}
        for row in rows:
            key = (row.document.id, row.start, row.end, row.code, row.coder)
            if key in existing:
                report.n_skipped += 1
                continue
            existing.add(key)
            fresh.setdefault(row.coder, []).append(
                NewCoding(
                    row.segment.id,
                    row.code,
                    row.start,
                    row.end,
                    rule=row.rule,
                    matched_text=row.document.text[row.start : row.end],
                    memo=row.memo,
                )
            )
        ids: list[int] = []
        for coder, codings in sorted(fresh.items()):
            ids += insert_codings(con, codings, coder=coder, codebook_version=codebook_version)
        report.n_imported = len(ids)
        report.coders = sorted(fresh)
        if ids:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            report.event_id = Store.log_event(
                con,
                actor,
                "codings.import",
                {
                    "summary": report.summary(),
                    "file": path.name,
                    "sha256": digest,
                    "unit": unit,
                    "coders": report.coders,
                    "skipped": report.n_skipped,
                    "effect": {"codings": {"added": ids, "removed": []}},
                },
            )
    return report


def export_codings(
    store: Store,
    *,
    coders: Sequence[str] | None = None,
    source: str | None = None,
) -> list[dict[str, Any]]:
    """Standing codings as exchange rows (:data:`EXPORT_COLUMNS`), sorted by document,
    start, code, coder.

    Raises
    ------
    CodingError
        A coder in ``coders`` is unknown (the message lists the known ones).
    """
    if coders:
        known = set(known_coders(store)) | {AUTO_CODER}
        unknown = [c for c in coders if c not in known]
        if unknown:
            listed = ", ".join(sorted(known - {AUTO_CODER})) or "none yet"
            raise CodingError(
                f"unknown coder{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
                f"coders in this project: {listed} (and '{AUTO_CODER}' for automatic codings)"
            )
    rows = coding_rows(store, coders=list(coders) if coders else None, source=source)
    return [
        {
            "document": r["document"],
            "start": r["start"],
            "end": r["end"],
            "code": r["code"],
            "coder": r["coder"],
            "memo": r["memo"] or "",
            "segment": r["segment"],
            "source": r["source"],
            "rule": r["rule"] or "",
            "created_at": r["created_at"],
        }
        for r in rows
    ]


def write_codings_csv(rows: Sequence[dict[str, Any]], stream: IO[str]) -> None:
    """Write exchange rows as CSV with a header and ``\\n`` line ends."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow([row.get(c, "") for c in EXPORT_COLUMNS])

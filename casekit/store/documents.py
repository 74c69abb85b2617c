"""Writing documents and their segments to the store."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from casekit.segmentation import Segment, segment_key
from casekit.store.db import Store, utc_now

__all__ = [
    "DocumentRecord",
    "count_document_codings",
    "document_by_name",
    "document_by_path",
    "insert_document",
    "replace_document",
    "replace_segments",
    "update_document_attributes",
]


def document_by_path(store: Store, path: str) -> sqlite3.Row | None:
    return store.con.execute("SELECT * FROM documents WHERE path = ?", (path,)).fetchone()


def document_by_name(store: Store, name: str) -> sqlite3.Row | None:
    return store.con.execute("SELECT * FROM documents WHERE name = ?", (name,)).fetchone()


def count_document_codings(store: Store, document_id: int) -> int:
    """Manual codings (not deleted) pointing into a document; automatic ones are regenerated."""
    return int(
        store.scalar(
            "SELECT COUNT(*) FROM codings c JOIN segments s ON s.id = c.segment_id "
            "WHERE s.document_id = ? AND c.deleted_at IS NULL AND c.source = 'manual'",
            (document_id,),
        )
    )


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True)


def replace_segments(
    con: sqlite3.Connection, document_id: int, name: str, segments: Iterable[Segment]
) -> None:
    """Inside the caller's transaction: delete a document's segments and insert ``segments``.

    Codings still pointing at deleted segments must be re-pointed in the same transaction
    (``PRAGMA defer_foreign_keys = ON``), or the commit fails.
    """
    con.execute("DELETE FROM segments WHERE document_id = ?", (document_id,))
    con.executemany(
        "INSERT INTO segments(document_id, key, unit, idx, start, end, speaker, label, text) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                document_id,
                segment_key(name, s.unit, s.idx),
                s.unit,
                s.idx,
                s.start,
                s.end,
                s.speaker,
                s.label,
                s.text,
            )
            for s in segments
        ],
    )


@dataclass(frozen=True)
class DocumentRecord:
    """A document as the store keeps it: normalised text, its segments and its attributes."""

    name: str
    path: str
    sha256: str
    text: str
    language: str
    doc_type: str
    encoding: str
    attributes: dict[str, Any]
    segments: Sequence[Segment]
    cr_positions: Sequence[int] = ()

    def columns(self) -> tuple[Any, ...]:
        """``sha256, text, language, doc_type, encoding, cr_positions, attributes, ingested_at``."""
        return (
            self.sha256,
            self.text,
            self.language,
            self.doc_type,
            self.encoding,
            json.dumps(list(self.cr_positions)),
            _dumps(self.attributes),
            utc_now(),
        )


def insert_document(
    con: sqlite3.Connection, record: DocumentRecord, *, actor: str = "ingest"
) -> int:
    """Inside the caller's transaction: add a document with its segments; returns its id."""
    cur = con.execute(
        "INSERT INTO documents(name, path, sha256, text, language, doc_type, encoding, "
        "cr_positions, attributes, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (record.name, record.path, *record.columns()),
    )
    document_id = int(cur.lastrowid or 0)
    replace_segments(con, document_id, record.name, record.segments)
    Store.log_event(con, actor, "document.add", {"document": record.name, "path": record.path})
    return document_id


def update_document_attributes(
    con: sqlite3.Connection,
    document_id: int,
    name: str,
    *,
    attributes: dict[str, Any],
    doc_type: str,
    language: str,
    actor: str = "ingest",
) -> None:
    """Inside the caller's transaction: change a document's manifest attributes."""
    con.execute(
        "UPDATE documents SET attributes = ?, doc_type = ?, language = ? WHERE id = ?",
        (_dumps(attributes), doc_type, language, document_id),
    )
    Store.log_event(con, actor, "document.attributes", {"document": name})


def _nearest(haystack: str, needle: str, near: int) -> int | None:
    best, pos = None, haystack.find(needle)
    while pos != -1:
        if best is None or abs(pos - near) < abs(best - near):
            best = pos
        pos = haystack.find(needle, pos + 1)
    return best


def replace_document(
    con: sqlite3.Connection, document_id: int, record: DocumentRecord, *, actor: str = "ingest"
) -> tuple[int, int]:
    """Inside the caller's transaction: give a document new text and segments.

    Each coding is re-anchored on its text: the occurrence nearest its old position, inside
    a new segment of the same unit. Codings whose text is gone are deleted, each with an
    event holding the whole coding, so nothing is lost without a trace.

    Returns
    -------
    (kept, dropped)
        Numbers of codings re-anchored and dropped.
    """
    con.execute("PRAGMA defer_foreign_keys = ON")
    old_text = con.execute("SELECT text FROM documents WHERE id = ?", (document_id,)).fetchone()[0]
    codings = con.execute(
        "SELECT c.*, s.unit AS seg_unit FROM codings c JOIN segments s ON s.id = c.segment_id "
        "WHERE s.document_id = ?",
        (document_id,),
    ).fetchall()
    con.execute(
        "UPDATE documents SET sha256 = ?, text = ?, language = ?, doc_type = ?, encoding = ?, "
        "cr_positions = ?, attributes = ?, ingested_at = ? WHERE id = ?",
        (*record.columns(), document_id),
    )
    name, path, text = record.name, record.path, record.text
    replace_segments(con, document_id, name, record.segments)
    new_segments = con.execute(
        "SELECT id, unit, start, end FROM segments WHERE document_id = ?", (document_id,)
    ).fetchall()
    kept = dropped = 0
    for coding in codings:
        quoted = old_text[coding["start"] : coding["end"]]
        pos = _nearest(text, quoted, coding["start"]) if quoted else None
        target = None
        if pos is not None:  # found: the new segment of the same unit that holds it
            end = pos + len(quoted)
            target = next(
                (
                    s
                    for s in new_segments
                    if s["unit"] == coding["seg_unit"] and s["start"] <= pos and end <= s["end"]
                ),
                None,
            )
        if target is None or pos is None:
            con.execute("DELETE FROM codings WHERE id = ?", (coding["id"],))
            Store.log_event(
                con,
                actor,
                "coding.drop",
                {"document": name, "reason": "text changed", "coding": dict(coding)},
            )
            dropped += 1
        else:
            con.execute(
                "UPDATE codings SET segment_id = ?, start = ?, end = ? WHERE id = ?",
                (target["id"], pos, pos + len(quoted), coding["id"]),
            )
            kept += 1
    Store.log_event(
        con,
        actor,
        "document.update",
        {"document": name, "path": path, "codings_kept": kept, "codings_dropped": dropped},
    )
    return kept, dropped

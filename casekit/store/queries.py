"""Read-only queries over the store that commands and analyses share."""

from __future__ import annotations

import json
from typing import Any

from casekit.errors import CasekitError
from casekit.store.db import Store

__all__ = ["document_row", "list_documents", "list_segments", "project_status"]


def project_status(store: Store) -> dict[str, Any]:
    """Counts of what the store holds.

    Keys: ``documents``, ``documents_by_type`` (type -> n), ``documents_by_language``,
    ``characters``, ``segments`` (unit -> n), ``codes``, ``codings`` (``manual``, ``auto``),
    ``coders`` (sorted names of manual coders), ``memos``, ``events``, ``schema_version``.
    """

    def grouped(sql: str) -> dict[str, int]:
        return {row[0]: row[1] for row in store.query(sql)}

    return {
        "documents": store.scalar("SELECT COUNT(*) FROM documents"),
        "documents_by_type": grouped(
            "SELECT doc_type, COUNT(*) FROM documents GROUP BY doc_type ORDER BY doc_type"
        ),
        "documents_by_language": grouped(
            "SELECT language, COUNT(*) FROM documents GROUP BY language ORDER BY language"
        ),
        "characters": store.scalar("SELECT COALESCE(SUM(LENGTH(text)), 0) FROM documents"),
        "segments": grouped("SELECT unit, COUNT(*) FROM segments GROUP BY unit ORDER BY unit"),
        "codes": store.scalar("SELECT COUNT(*) FROM codes"),
        "codings": {
            "manual": store.scalar(
                "SELECT COUNT(*) FROM codings WHERE source = 'manual' AND deleted_at IS NULL"
            ),
            "auto": store.scalar(
                "SELECT COUNT(*) FROM codings WHERE source = 'auto' AND deleted_at IS NULL"
            ),
        },
        "coders": [
            row[0]
            for row in store.query(
                "SELECT DISTINCT coder FROM codings WHERE source = 'manual' AND deleted_at IS NULL "
                "ORDER BY coder"
            )
        ],
        "memos": store.scalar("SELECT COUNT(*) FROM memos WHERE deleted_at IS NULL"),
        "events": store.scalar("SELECT COUNT(*) FROM events"),
        "schema_version": store.schema_version(),
    }


def _document_dict(row: Any, n_segments: dict[str, int] | None = None) -> dict[str, Any]:
    out = {
        "name": row["name"],
        "path": row["path"],
        "doc_type": row["doc_type"],
        "language": row["language"],
        "characters": row["n_chars"],
        "sha256": row["sha256"],
        "encoding": row["encoding"],
        "attributes": json.loads(row["attributes"]),
        "ingested_at": row["ingested_at"],
    }
    if n_segments is not None:
        out["segments"] = n_segments
    return out


_DOC_COLUMNS = (
    "id, name, path, doc_type, language, LENGTH(text) AS n_chars, sha256, encoding, attributes, "
    "ingested_at"
)


def list_documents(store: Store, *, doc_type: str | None = None) -> list[dict[str, Any]]:
    """Documents sorted by name, without their text."""
    sql = f"SELECT {_DOC_COLUMNS} FROM documents"
    params: tuple[Any, ...] = ()
    if doc_type:
        sql += " WHERE doc_type = ?"
        params = (doc_type,)
    return [_document_dict(row) for row in store.query(sql + " ORDER BY name", params)]


def document_row(store: Store, name: str) -> dict[str, Any]:
    """One document with its text and segment counts per unit."""
    row = store.con.execute(
        f"SELECT {_DOC_COLUMNS}, text FROM documents WHERE name = ?", (name,)
    ).fetchone()
    if row is None:
        raise CasekitError(f"no document named '{name}'; see 'casekit docs list'")
    counts = {
        r[0]: r[1]
        for r in store.query(
            "SELECT unit, COUNT(*) FROM segments WHERE document_id = ? GROUP BY unit ORDER BY unit",
            (row["id"],),
        )
    }
    out = _document_dict(row, counts)
    out["text"] = row["text"]
    return out


def list_segments(store: Store, document: str, *, unit: str | None = None) -> list[dict[str, Any]]:
    """Segments of a document in reading order (by unit, then index)."""
    doc_id = store.scalar("SELECT id FROM documents WHERE name = ?", (document,))
    if doc_id is None:
        raise CasekitError(f"no document named '{document}'; see 'casekit docs list'")
    sql = "SELECT key, unit, idx, start, end, speaker, label, text FROM segments WHERE document_id = ?"
    params: tuple[Any, ...] = (doc_id,)
    if unit:
        sql += " AND unit = ?"
        params += (unit,)
    rows = store.query(sql + " ORDER BY unit, idx", params)
    return [dict(row) for row in rows]

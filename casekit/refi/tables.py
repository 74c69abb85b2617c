"""SQL of the REFI-QDA exchange: the ``refi_objects`` table and the rows export and import touch."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from casekit.store import Store
from casekit.store.codings import CodeRow

__all__ = [
    "Remembered",
    "auto_coding_keys",
    "code_rows",
    "document_rows",
    "guid_keys",
    "insert_coding",
    "insert_memo",
    "last_event_time",
    "memo_keys",
    "remember",
    "remembered",
]


@dataclass(frozen=True)
class Remembered:
    """A row of ``refi_objects``: another tool's GUID (and looks, for codes) of a casekit object."""

    kind: str
    key: str
    guid: str
    name: str | None = None
    color: str | None = None
    description: str | None = None
    origin: str = ""


def remembered(store: Store, kind: str) -> dict[str, Remembered]:
    """``key -> row`` of one kind (code, family, document, user), in the order remembered."""
    rows = store.query(
        "SELECT kind, key, guid, name, color, description, origin FROM refi_objects "
        "WHERE kind = ? ORDER BY rowid",
        (kind,),
    )
    return {r["key"]: Remembered(*tuple(r)) for r in rows}


def guid_keys(store: Store, kind: str) -> dict[str, str]:
    """``guid -> key`` of one kind."""
    return {r.guid: r.key for r in remembered(store, kind).values()}


def remember(con: sqlite3.Connection, rows: Iterable[Remembered]) -> None:
    """Inside the caller's transaction: store rows; an object already remembered keeps its row."""
    con.executemany(
        "INSERT OR IGNORE INTO refi_objects(kind, key, guid, name, color, description, origin) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(r.kind, r.key, r.guid, r.name, r.color, r.description, r.origin) for r in rows],
    )


def code_rows(store: Store) -> list[CodeRow]:
    """Every code of the project store, sorted by id."""
    rows = store.query(
        "SELECT id, parent, family, name_zh, name_en, definition, codebook FROM codes ORDER BY id"
    )
    return [CodeRow(*tuple(r)) for r in rows]


def document_rows(store: Store) -> list[dict[str, Any]]:
    """Every document: ``id, name, path, sha256, text, language, doc_type, attributes (JSON),
    ingested_at``, sorted by name."""
    rows = store.query(
        "SELECT id, name, path, sha256, text, language, doc_type, attributes, ingested_at "
        "FROM documents ORDER BY name"
    )
    return [dict(r) for r in rows]


def last_event_time(store: Store) -> str | None:
    """When the project last changed (the latest event), or None for an empty log."""
    value = store.scalar("SELECT MAX(at) FROM events")
    return None if value is None else str(value)


def insert_coding(
    con: sqlite3.Connection,
    *,
    segment_id: int,
    code: str,
    start: int,
    end: int,
    source: str,
    coder: str,
    matched_text: str,
    codebook_version: str,
    memo: str | None,
    created_at: str,
) -> int:
    """Inside the caller's transaction: add one coding with its original creation time."""
    cur = con.execute(
        "INSERT INTO codings(segment_id, code, start, end, source, coder, rule, matched_text, "
        "codebook_version, memo, created_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
        (
            segment_id,
            code,
            start,
            end,
            source,
            coder,
            matched_text,
            codebook_version,
            memo,
            created_at,
        ),
    )
    return int(cur.lastrowid or 0)


def auto_coding_keys(
    con: sqlite3.Connection, document_ids: Iterable[int]
) -> set[tuple[int, int, int, str, str]]:
    """``(document_id, start, end, code, coder)`` of standing automatic codings in documents."""
    from casekit.store.manual import coding_keys

    return coding_keys(con, document_ids, "auto")


def insert_memo(
    con: sqlite3.Connection,
    *,
    target_type: str,
    target: str,
    author: str,
    text: str,
    created_at: str,
) -> int:
    """Inside the caller's transaction: add a memo with its original creation time."""
    cur = con.execute(
        "INSERT INTO memos(target_type, target, author, text, created_at) VALUES (?, ?, ?, ?, ?)",
        (target_type, target, author, text, created_at),
    )
    return int(cur.lastrowid or 0)


def memo_keys(con: sqlite3.Connection) -> set[tuple[str, str, str, str]]:
    """``(target_type, target, author, text)`` of every standing memo."""
    rows = con.execute(
        "SELECT target_type, target, author, text FROM memos WHERE deleted_at IS NULL"
    ).fetchall()
    return {tuple(r) for r in rows}  # type: ignore[misc]
